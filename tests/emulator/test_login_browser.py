"""The Spotify login page as a phone's browser sees it: real Chromium, real server."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page
from starlette.types import ASGIApp

from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import DEFAULT_REDIRECT_URI, LEELOO_CLIENT_ID, build_world
from leeloo.emulator.world import World
from leeloo.testing import FakeClock

pytestmark = pytest.mark.browser
VERIFIER = "a-verifier-that-is-long-enough-for-rfc-7636-section-4-1-rules"


def authorize_url(base: str) -> str:
    digest = hashlib.sha256(VERIFIER.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    query = {
        "client_id": LEELOO_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "scope": "user-read-currently-playing user-read-playback-state",
        "state": "pairing-42",
        "code_challenge_method": "S256",
        "code_challenge": challenge,
    }
    return f"{base}/authorize?{urlencode(query)}"


def callback_query(page: Page, action: Callable[[], None]) -> dict[str, list[str]]:
    """Run `action` and return the query of the redirect to the (unserved) callback."""
    with page.expect_request(lambda r: r.url.startswith(DEFAULT_REDIRECT_URI)) as request:
        action()
    return parse_qs(urlsplit(request.value.url).query)


@pytest.fixture
def world() -> World:
    return build_world(FakeClock(), "playing")


@pytest.fixture
def page(chromium: Browser, serve: Callable[[ASGIApp], str], world: World) -> tuple[Page, str]:
    base = serve(create_app(world))
    context = chromium.new_context(viewport={"width": 390, "height": 760})
    return context.new_page(), base


def test_a_phone_signs_in_agrees_and_lands_on_the_callback_with_a_code(
    page: tuple[Page, str], world: World
) -> None:
    tab, base = page
    tab.goto(authorize_url(base))
    assert "LEELOO" in tab.content()
    tab.fill("input[name=username]", "alice")
    tab.fill("input[name=password]", "wrong")
    tab.get_by_role("button", name="Agree").click()
    assert tab.get_by_text("Incorrect username or password.").is_visible()
    assert tab.input_value("input[name=username]") == "alice"  # nothing lost
    tab.fill("input[name=password]", "alice-pass")
    query = callback_query(tab, tab.get_by_role("button", name="Agree").click)
    assert query["state"] == ["pairing-42"]
    (code,) = query["code"]
    assert world.codes[code].used is False
    tab.context.close()


def test_cancel_sends_the_phone_back_with_access_denied(page: tuple[Page, str]) -> None:
    tab, base = page
    tab.goto(authorize_url(base))
    query = callback_query(tab, tab.get_by_role("button", name="Cancel").click)
    assert query == {"error": ["access_denied"], "state": ["pairing-42"]}
    tab.context.close()


def test_an_unknown_app_gets_an_error_page_not_a_redirect(page: tuple[Page, str]) -> None:
    tab, base = page
    answer = tab.goto(f"{base}/authorize?client_id=nope&response_type=code")
    assert answer is not None
    assert answer.status == 400
    assert tab.get_by_text("INVALID_CLIENT: Invalid client").is_visible()
    tab.context.close()
