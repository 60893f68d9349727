"""The sign-in page a phone sees: validated, self-contained, escaped, usable on a phone."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from leeloo.emulator.login_page import LoginView, render_error, render_login
from leeloo.emulator.scenarios import DEFAULT_REDIRECT_URI, LEELOO_CLIENT_ID
from leeloo.emulator.world import World

CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
NASTY = "\"><script>alert('x')</script>&amp;"


def query(**changes: str | None) -> dict[str, str]:
    """The /authorize parameters of a PKCE client; a None change leaves one out."""
    params = {
        "client_id": LEELOO_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "scope": "user-read-currently-playing user-read-playback-state",
        "state": "st-42",
        "code_challenge_method": "S256",
        "code_challenge": CHALLENGE,
    }
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return params


async def test_the_page_is_self_contained_and_refuses_framing(client: httpx.AsyncClient) -> None:
    page = await client.get("/authorize", params=query())
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert not re.search(r"""(src|href)\s*=""", html), "no external assets"
    assert "<script" not in html
    # Denying needs no login: Cancel skips the browser's required-field check.
    assert re.search(r'<button[^>]*value="cancel"[^>]*formnovalidate', html)
    assert html.count(" required") == 2


async def test_request_values_are_escaped_on_the_page(
    client: httpx.AsyncClient, world: World
) -> None:
    world.apps[LEELOO_CLIENT_ID].name = "<b>LEELOO</b>"
    html = (await client.get("/authorize", params=query(state=NASTY))).text
    assert "<script" not in html
    assert "<b>" not in html
    assert "&lt;b&gt;LEELOO&lt;/b&gt;" in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;amp;"' in html


async def test_a_submit_that_is_not_a_form_gets_a_400_page(client: httpx.AsyncClient) -> None:
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = await client.post("/authorize", content=b"\xff\xfe", headers=form_type)
    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert "INVALID_REQUEST" in answer.text


async def test_the_scopes_are_shown_in_words(client: httpx.AsyncClient) -> None:
    html = (await client.get("/authorize", params=query())).text
    assert "See what you are listening to right now" in html
    assert "See your playback state" in html


def test_an_error_message_and_a_typed_username_are_escaped() -> None:
    view = LoginView("App", (), (("state", "s"),), username=NASTY, error="<i>bad</i>")
    html = render_login(view)
    assert "<script" not in html
    assert "&lt;i&gt;bad&lt;/i&gt;" in html
    assert "<script" not in render_error(NASTY)
    assert "Only your public profile." in html


# -- validation: an error page, or an error sent back to the app -------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"client_id": None}, "INVALID_CLIENT: Invalid client"),
        ({"client_id": "0" * 32}, "INVALID_CLIENT: Invalid client"),
        ({"redirect_uri": None}, "INVALID_CLIENT: Invalid redirect URI"),
        ({"redirect_uri": DEFAULT_REDIRECT_URI + "/"}, "INVALID_CLIENT: Invalid redirect URI"),
        ({"redirect_uri": "https://evil.example/cb"}, "INVALID_CLIENT: Invalid redirect URI"),
    ],
)
async def test_an_unknown_app_or_redirect_uri_gets_an_error_page_never_a_redirect(
    client: httpx.AsyncClient, changes: dict[str, str | None], message: str
) -> None:
    shown = await client.get("/authorize", params=query(**changes))
    assert shown.status_code == 400
    assert "location" not in shown.headers
    assert message in shown.text


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": None}, "unsupported_response_type"),
        ({"scope": "user-read-currently-playing user-read-everything"}, "invalid_scope"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"code_challenge": CHALLENGE + "="}, "invalid_request"),
        ({"code_challenge": "x" * 129}, "invalid_request"),
    ],
)
async def test_other_errors_go_back_to_the_app_with_the_state(
    client: httpx.AsyncClient, changes: dict[str, str | None], error: str
) -> None:
    answer = await client.get("/authorize", params=query(**changes))
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(DEFAULT_REDIRECT_URI + "?")
    back = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert back["error"] == error
    assert back["state"] == "st-42"
    assert "code" not in back


async def test_a_repeated_parameter_is_refused_on_the_page(client: httpx.AsyncClient) -> None:
    repeated = urlencode([*query().items(), ("redirect_uri", "https://evil.example/")])
    shown = await client.get(f"/authorize?{repeated}")
    assert shown.status_code == 400
    assert "location" not in shown.headers
