"""The emulated accounts service, driven over HTTP the way a Spotify PKCE client drives it.

A test logs in like a phone: GET /authorize, read the form out of the HTML, POST it with
credentials, follow the 303 to the app's redirect URI, then exchange the code at
/api/token. Access tokens are checked in `world.access_tokens` (the Web API is tested on
its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from leeloo.emulator.scenarios import DEFAULT_REDIRECT_URI, LEELOO_CLIENT_ID
from leeloo.emulator.world import App, Fault, World
from leeloo.testing import FakeClock

# RFC 7636 Appendix B: a verifier and its S256 challenge.
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
SCOPE = "user-read-currently-playing user-read-playback-state"
DAY = 86400.0


@dataclass
class Page:
    """What a browser would see of the accounts page: its form, and its words."""

    action: str = ""
    method: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # visible input name -> value
    buttons: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (name, value)
    words: str = ""


class PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._button: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.page.action, self.page.method = a["action"], a["method"]
        elif tag == "input" and a.get("type") == "hidden":
            self.page.hidden[a["name"]] = a["value"]
        elif tag == "input":
            self.page.inputs[a["name"]] = a.get("value", "")
        elif tag == "button":
            self._button = (a["name"], a["value"])

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self.page.buttons[data.strip()] = self._button
            self._button = None
        self.page.words += data


def read_page(response: httpx.Response) -> Page:
    assert response.headers["content-type"].startswith("text/html")
    reader = PageReader()
    reader.feed(response.text)
    return reader.page


def authorize_query(**changes: str | None) -> dict[str, str]:
    """The /authorize parameters a PKCE client sends; a None change leaves one out."""
    params = {
        "client_id": LEELOO_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "scope": SCOPE,
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


async def submit(
    client: httpx.AsyncClient, page: Page, button: str, username: str, password: str
) -> httpx.Response:
    """Fill in the page's form and press one of its buttons, as a browser would."""
    assert (page.action, page.method) == ("/authorize", "post")
    name, value = page.buttons[button]
    fields = {**page.hidden, "username": username, "password": password, name: value}
    return await client.post(page.action, data=fields)


def redirected_to(response: httpx.Response, status: int = 303) -> dict[str, str]:
    """The query of the redirect to the app (asserting it goes to the app's URI)."""
    assert response.status_code == status
    location = response.headers["location"]
    assert location.startswith(DEFAULT_REDIRECT_URI + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def log_in(client: httpx.AsyncClient, user: str = "alice", **changes: str | None) -> str:
    """A full phone login that agrees; the authorization code."""
    page = read_page(await client.get("/authorize", params=authorize_query(**changes)))
    back = redirected_to(await submit(client, page, "Agree", user, f"{user}-pass"))
    return back["code"]


async def token(client: httpx.AsyncClient, **form: str) -> httpx.Response:
    return await client.post("/api/token", data=form)


async def exchange(client: httpx.AsyncClient, code: str, **changes: str) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "client_id": LEELOO_CLIENT_ID,
        "code_verifier": VERIFIER,
        **changes,
    }
    return await token(client, **form)


async def refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await token(
        client, grant_type="refresh_token", refresh_token=refresh_token, client_id=LEELOO_CLIENT_ID
    )


async def tokens_after_login(client: httpx.AsyncClient) -> dict[str, object]:
    answer = await exchange(client, await log_in(client))
    assert answer.status_code == 200
    body: dict[str, object] = answer.json()
    return body


def oauth_error(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    return body["error"], body["error_description"]


# -- the happy path ---------------------------------------------------------------------


async def test_a_phone_logs_in_and_the_app_gets_tokens(
    client: httpx.AsyncClient, world: World
) -> None:
    shown = await client.get("/authorize", params=authorize_query())
    assert shown.status_code == 200
    page = read_page(shown)
    assert page.hidden == authorize_query()  # the original request rides along
    assert set(page.inputs) == {"username", "password"}
    assert "LEELOO" in page.words
    back = redirected_to(await submit(client, page, "Agree", "alice", "alice-pass"))
    assert set(back) == {"code", "state"}
    assert back["state"] == "st-42"

    answer = await exchange(client, back["code"])
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert list(body) == ["access_token", "token_type", "scope", "expires_in", "refresh_token"]
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    assert set(body["scope"].split()) == set(SCOPE.split())
    access = world.access_tokens[body["access_token"]]
    grant = world.grants[access.grant_id]
    assert (grant.user_id, grant.client_id) == ("alice", LEELOO_CLIENT_ID)
    assert access.expires_at == world.now() + 3600


async def test_refresh_tokens_rotate_and_the_old_one_dies(
    client: httpx.AsyncClient, world: World
) -> None:
    first = await tokens_after_login(client)
    answer = await refresh(client, str(first["refresh_token"]))
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    second = answer.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] in world.access_tokens
    assert (await refresh(client, second["refresh_token"])).status_code == 200
    stale = await refresh(client, str(first["refresh_token"]))
    assert oauth_error(stale) == ("invalid_grant", "Invalid refresh token")


async def test_basic_auth_names_the_client_too(client: httpx.AsyncClient) -> None:
    code = await log_in(client)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "code_verifier": VERIFIER,
    }
    answer = await client.post("/api/token", data=form, auth=(LEELOO_CLIENT_ID, "any-secret"))
    assert answer.status_code == 200


async def test_without_state_the_redirect_carries_none(client: httpx.AsyncClient) -> None:
    page = read_page(await client.get("/authorize", params=authorize_query(state=None)))
    assert "state" not in page.hidden
    back = redirected_to(await submit(client, page, "Agree", "bob", "bob-pass"))
    assert set(back) == {"code"}


async def test_a_redirect_uri_with_its_own_query_keeps_it(
    client: httpx.AsyncClient, world: World
) -> None:
    uri = "https://relay.example/spotify/callback?device=d%201"
    world.apps[LEELOO_CLIENT_ID].redirect_uris.add(uri)
    page = read_page(await client.get("/authorize", params=authorize_query(redirect_uri=uri)))
    answer = await submit(client, page, "Agree", "alice", "alice-pass")
    location = answer.headers["location"]
    assert location.startswith(uri + "&code=")
    assert parse_qs(urlsplit(location).query)["device"] == ["d 1"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    assert (await exchange(client, code, redirect_uri=uri)).status_code == 200


# -- the page: denial, bad credentials, tampering -----------------------------------------


async def test_cancel_sends_access_denied_with_the_state(client: httpx.AsyncClient) -> None:
    page = read_page(await client.get("/authorize", params=authorize_query()))
    back = redirected_to(await submit(client, page, "Cancel", "", ""))
    assert back == {"error": "access_denied", "state": "st-42"}


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong"), ("nobody", "alice-pass"), ("alice", ""), ("alice", "pässwörd")],
)
async def test_bad_credentials_show_the_page_again_with_nothing_lost(
    client: httpx.AsyncClient, username: str, password: str
) -> None:
    page = read_page(await client.get("/authorize", params=authorize_query()))
    again = await submit(client, page, "Agree", username, password)
    assert again.status_code == 200
    retry = read_page(again)
    assert "Incorrect username or password." in retry.words
    assert retry.hidden == page.hidden
    assert retry.inputs == {"username": username, "password": ""}
    back = redirected_to(await submit(client, retry, "Agree", "alice", "alice-pass"))
    assert "code" in back


async def test_the_submit_revalidates_the_hidden_fields(client: httpx.AsyncClient) -> None:
    page = read_page(await client.get("/authorize", params=authorize_query()))
    page.hidden["redirect_uri"] = "https://evil.example/steal"
    tampered = await submit(client, page, "Agree", "alice", "alice-pass")
    assert tampered.status_code == 400
    assert "location" not in tampered.headers
    assert "INVALID_CLIENT: Invalid redirect URI" in read_page(tampered).words
    page.hidden.update(redirect_uri=DEFAULT_REDIRECT_URI, scope="user-read-email ugc-image-upload")
    back = redirected_to(await submit(client, page, "Agree", "alice", "alice-pass"))
    assert (back["error"], back["state"]) == ("invalid_scope", "st-42")


# -- the code exchange ---------------------------------------------------------------------


async def test_a_code_works_once_and_its_reuse_revokes_the_tokens(
    client: httpx.AsyncClient, world: World
) -> None:
    code = await log_in(client)
    first = (await exchange(client, code)).json()
    assert oauth_error(await exchange(client, code)) == (
        "invalid_grant",
        "Invalid authorization code",
    )
    # RFC 6749 §4.1.2: what the code issued is revoked.
    assert world.access_tokens[first["access_token"]].revoked
    assert oauth_error(await refresh(client, first["refresh_token"])) == (
        "invalid_grant",
        "Refresh token revoked",
    )


async def test_a_code_dies_ten_minutes_after_issue(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    code = await log_in(client)
    await clock.advance(599)
    assert (await exchange(client, code)).status_code == 200
    code = await log_in(client)
    await clock.advance(600)
    assert oauth_error(await exchange(client, code)) == (
        "invalid_grant",
        "Authorization code expired",
    )


async def test_a_wrong_verifier_is_refused_and_the_right_one_still_works(
    client: httpx.AsyncClient,
) -> None:
    code = await log_in(client)
    for wrong in (VERIFIER[:-1] + "A", "short", CHALLENGE, "é" * 43):
        refused = await exchange(client, code, code_verifier=wrong)
        assert oauth_error(refused) == ("invalid_grant", "code_verifier was incorrect")
    assert (await exchange(client, code)).status_code == 200


async def test_the_redirect_uri_must_be_the_one_used_at_authorize(
    client: httpx.AsyncClient, world: World
) -> None:
    other = "https://relay.example/spotify/callback"
    world.apps[LEELOO_CLIENT_ID].redirect_uris.add(other)
    code = await log_in(client)
    refused = await exchange(client, code, redirect_uri=other)
    assert oauth_error(refused) == ("invalid_grant", "Invalid redirect URI")


async def test_a_code_belongs_to_its_client(client: httpx.AsyncClient, world: World) -> None:
    world.add_app(App("other-app", "Other", "bob", {DEFAULT_REDIRECT_URI}))
    code = await log_in(client)
    refused = await exchange(client, code, client_id="other-app")
    assert oauth_error(refused) == ("invalid_grant", "Invalid authorization code")
    tokens = (await exchange(client, code)).json()
    form = {"refresh_token": tokens["refresh_token"], "client_id": "other-app"}
    other = await token(client, grant_type="refresh_token", **form)
    assert oauth_error(other) == ("invalid_grant", "Invalid refresh token")


# -- refresh: the grant's life --------------------------------------------------------------


@pytest.mark.parametrize("scenario", ["no_refresh_token"])
async def test_an_answer_without_refresh_token_keeps_the_old_one(
    client: httpx.AsyncClient,
) -> None:
    first = await tokens_after_login(client)
    for _ in range(2):
        answer = await refresh(client, str(first["refresh_token"]))
        assert answer.status_code == 200
        assert "refresh_token" not in answer.json()


async def test_a_grant_dies_six_months_after_consent_however_often_it_refreshes(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    current = str((await tokens_after_login(client))["refresh_token"])
    await clock.advance(182 * DAY)
    answer = await refresh(client, current)
    assert answer.status_code == 200
    await clock.advance(2 * DAY)
    late = await refresh(client, answer.json()["refresh_token"])
    assert oauth_error(late) == ("invalid_grant", "Refresh token revoked")


async def test_a_revoked_grant_refuses_refresh_and_its_codes(
    client: httpx.AsyncClient, world: World
) -> None:
    tokens = await tokens_after_login(client)
    code = await log_in(client)
    assert world.revoke("alice") == 2
    revoked = await refresh(client, str(tokens["refresh_token"]))
    assert oauth_error(revoked) == ("invalid_grant", "Refresh token revoked")
    assert oauth_error(await exchange(client, code))[0] == "invalid_grant"


async def test_an_injected_fault_hits_the_token_endpoint_first(
    client: httpx.AsyncClient, world: World
) -> None:
    tokens = await tokens_after_login(client)
    world.faults.append(Fault("accounts", "status", status=503, remaining=1))
    assert (await refresh(client, str(tokens["refresh_token"]))).status_code == 503
    assert (await refresh(client, str(tokens["refresh_token"]))).status_code == 200


async def test_a_user_off_the_allowlist_still_logs_in(
    client: httpx.AsyncClient, world: World
) -> None:
    # Development mode bites at the Web API (403), not at the login.
    assert "erin" not in world.apps[LEELOO_CLIENT_ID].allowlist
    answer = await exchange(client, await log_in(client, "erin"))
    grant = world.grants[world.access_tokens[answer.json()["access_token"]].grant_id]
    assert grant.user_id == "erin"
