"""/api/token refuses bad requests the way Spotify does: an OAuth error JSON, never a 500."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import DEFAULT_REDIRECT_URI, LEELOO_CLIENT_ID, build_world
from leeloo.emulator.token_endpoint import s256
from leeloo.testing import FakeClock

FORM = "application/x-www-form-urlencoded"
OAUTH_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unsupported_grant_type",
}


def oauth_error(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"error", "error_description"}
    return body["error"], body["error_description"]


def test_s256_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


async def test_get_is_not_allowed(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/token")).status_code == 405


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({}, ("unsupported_grant_type", "grant_type parameter is missing")),
        (
            {"client_id": LEELOO_CLIENT_ID},
            ("unsupported_grant_type", "grant_type parameter is missing"),
        ),
        (
            {"grant_type": "password", "client_id": LEELOO_CLIENT_ID},
            (
                "unsupported_grant_type",
                "grant_type must be client_credentials, authorization_code or refresh_token",
            ),
        ),
        (
            {"grant_type": "refresh_token", "refresh_token": "r"},
            ("invalid_client", "Invalid client"),
        ),
        (
            {"grant_type": "authorization_code", "client_id": "nope"},
            ("invalid_client", "Invalid client"),
        ),
        (
            {"grant_type": "client_credentials", "client_id": LEELOO_CLIENT_ID},
            ("invalid_client", "Invalid client"),
        ),
        (
            {"grant_type": "refresh_token", "client_id": LEELOO_CLIENT_ID},
            ("invalid_request", "refresh_token required"),
        ),
        (
            {
                "grant_type": "refresh_token",
                "client_id": LEELOO_CLIENT_ID,
                "refresh_token": "unknown",
            },
            ("invalid_grant", "Invalid refresh token"),
        ),
    ],
)
async def test_grant_type_client_and_parameters_are_checked_in_order(
    client: httpx.AsyncClient, form: dict[str, str], expected: tuple[str, str]
) -> None:
    assert oauth_error(await client.post("/api/token", data=form)) == expected


@pytest.mark.parametrize("missing", ["code", "redirect_uri", "code_verifier"])
async def test_a_missing_exchange_parameter_is_named(
    client: httpx.AsyncClient, missing: str
) -> None:
    form = {
        "grant_type": "authorization_code",
        "client_id": LEELOO_CLIENT_ID,
        "code": "some-code",
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "code_verifier": "v" * 43,
    }
    del form[missing]
    answer = await client.post("/api/token", data=form)
    assert oauth_error(answer) == ("invalid_request", f"{missing} required")


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"other-client:secret").decode(),  # differs from the body
        "Basic " + base64.b64encode(LEELOO_CLIENT_ID.encode()).decode(),  # no colon
        "Basic %%%not-base64",
        "Bearer " + "t" * 40,
    ],
)
async def test_a_bad_authorization_header_is_invalid_client(
    client: httpx.AsyncClient, authorization: str
) -> None:
    form = {"grant_type": "refresh_token", "client_id": LEELOO_CLIENT_ID, "refresh_token": "r"}
    answer = await client.post("/api/token", data=form, headers={"Authorization": authorization})
    assert oauth_error(answer) == ("invalid_client", "Invalid client")


@pytest.mark.parametrize(
    ("content", "content_type", "error"),
    [
        (b"\xff\xfe", FORM, "invalid_request"),
        (b"grant_type=refresh_token&client_id=%ff", FORM, "invalid_request"),
        (b'{"grant_type": "refresh_token"}', "application/json", "invalid_request"),
        (b'{"grant_type": "refresh_token"}', FORM, "invalid_request"),
        (b"grant_type=refresh_token", "text/plain", "invalid_request"),
        (b"grant_type=refresh_token&grant_type=authorization_code", FORM, "invalid_request"),
        (b"grant_type=refresh_token&" + b"x" * 70_000, FORM, "invalid_request"),
        (b"", None, "unsupported_grant_type"),
        (b"", FORM, "unsupported_grant_type"),
        (b"&&&", FORM, "unsupported_grant_type"),
    ],
)
async def test_a_body_that_is_not_a_form_is_an_oauth_error(
    client: httpx.AsyncClient, content: bytes, content_type: str | None, error: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    answer = await client.post("/api/token", content=content, headers=headers)
    assert oauth_error(answer)[0] == error


_NAMES = st.sampled_from(
    ["grant_type", "code", "redirect_uri", "client_id", "code_verifier", "refresh_token",
     "username", "password", "action", "scope", "state", "x"]
)  # fmt: skip
# Any text a form can carry (lone surrogates cannot be UTF-8 encoded, so not those).
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
_VALUES = st.one_of(
    st.sampled_from(
        ["authorization_code", "refresh_token", "client_credentials", LEELOO_CLIENT_ID,
         DEFAULT_REDIRECT_URI, "alice", "alice-pass", "agree", "cancel", ""]
    ),
    _TEXT,
)  # fmt: skip
_FORMS = st.lists(st.tuples(_NAMES, _VALUES), max_size=8).map(lambda p: urlencode(p).encode())
_TYPES = st.sampled_from(
    [FORM, f"{FORM}; charset=utf-8", "application/json", "multipart/form-data; boundary=x",
     "text/plain", None]
)  # fmt: skip
_AUTH = st.one_of(
    st.none(),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
    st.binary(max_size=40).map(lambda b: "Basic " + base64.b64encode(b).decode()),
)


@pytest.mark.anyio
@settings(max_examples=300, deadline=None)
@given(
    path=st.sampled_from(["/api/token", "/authorize"]),
    body=st.one_of(st.binary(max_size=200), _FORMS),
    content_type=_TYPES,
    authorization=_AUTH,
)
async def test_random_posts_never_cause_a_server_error(
    path: str, body: bytes, content_type: str | None, authorization: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    if authorization is not None:
        headers["Authorization"] = authorization
    transport = httpx.ASGITransport(app=create_app(build_world(FakeClock())))
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator.test") as http:
        answer = await http.post(path, content=body, headers=headers)
    assert answer.status_code < 500
    if path == "/api/token" and answer.status_code != 200:
        assert answer.json()["error"] in OAUTH_ERRORS
