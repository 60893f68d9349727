"""The crew phone page in headless Chromium, as an owner uses it: the claim link from the
device's QR gives a session cookie, then set a name, create a crew, push a link and see it
in the activity; a friend's page joins with the invite link. An expired invite (the relay
on a FakeClock) and a revoked one are refused in words, on the page and through the form
endpoint over plain HTTP. (Sync tests only: the module uses `chromium`.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from PIL import Image
from starlette.types import ASGIApp, Receive, Scope, Send
from tests.crew.conftest import TRACKS, Dev, track_link

from leeloo.core import messages as wire
from leeloo.emulator.app import create_app as emulator_app
from leeloo.emulator.scenarios import build_world
from leeloo.relay.app import build_relay, create_app
from leeloo.relay.config import RelaySettings
from leeloo.relay.crewconfig import CrewSettings
from leeloo.relay.store.sqlite import SqliteStore
from leeloo.testing import FakeClock

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

INVITE_TTL = 3600
PHONE = {"width": 390, "height": 844}
EXPIRED = "that invite code has expired: ask your friend for a new one"
REVOKED = "that invite code was revoked: ask your friend for a new one"


class LoopOf:
    """The relay app, remembering the event loop uvicorn runs it on (to move its clock)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.loop = asyncio.get_running_loop()
        await self.app(scope, receive, send)


@dataclass
class LiveRelay:
    base: str
    clock: FakeClock
    served: LoopOf
    devices: list[Dev]

    def device(self) -> Dev:
        """A registered device with its link open (its phone page not yet claimed)."""
        dev = Dev(self.base)
        self.devices.append(dev)
        dev.connect()
        return dev

    def advance(self, seconds: float) -> None:
        """Move the relay's FakeClock, on the relay's own loop."""
        assert self.served.loop is not None
        moved = asyncio.run_coroutine_threadsafe(self.clock.advance(seconds), self.served.loop)
        moved.result(timeout=10)


@pytest.fixture
def relay(serve: Callable[[ASGIApp], str], tmp_path: Path) -> Iterator[LiveRelay]:
    clock = FakeClock()
    emulator = serve(emulator_app(build_world(FakeClock(), "playing")))
    # Pings and sweeps far apart on the fake clock: moving it an hour closes no link.
    settings = RelaySettings(public_url="", store="sqlite:///x", spotify_client_id="app",
                             ping_interval=7200, ping_timeout=14400,
                             sweep_interval=600)  # fmt: skip
    crew = CrewSettings(oembed_url=emulator, short_link_url=emulator + "/sl",
                        invite_ttl=INVITE_TTL)  # fmt: skip
    served = LoopOf(create_app(build_relay(settings, SqliteStore(tmp_path / "r.db"), clock, crew)))
    live = LiveRelay(serve(served), clock, served, [])
    yield live
    for dev in live.devices:
        dev.close()


def claim_path(dev: Dev) -> str:
    """The one-time phone link the device would show as a QR (its path: the test's port)."""
    assert dev.ws is not None
    dev.ws.send(wire.PhoneClaim().to_json())
    return urlsplit(dev.until("phone.link")[-1]["url"]).path


def phone(browser: Browser, relay: LiveRelay, dev: Dev, name: str) -> Page:
    """A phone's page for `dev`: claimed (session cookie), then named."""
    page = browser.new_context(viewport=PHONE).new_page()  # type: ignore[arg-type]
    page.goto(relay.base + claim_path(dev))
    assert urlsplit(page.url).path == "/crew"
    cookie = next(c for c in page.context.cookies() if c["name"] == "leeloo_phone")
    assert (cookie.get("httpOnly"), cookie.get("sameSite")) == (True, "Strict")
    page.locator('form[action="/crew/name"] input[name="name"]').fill(name)
    assert submit(page, "name") == f"Saved: {name}"
    return page


def submit(page: Page, action: str) -> str:
    """Press the form's button; the words the page answers with."""
    with page.expect_navigation(url=lambda url: "/crew?m=" in url):
        page.click(f"#{action}")
    return page.locator("#flash").inner_text()


def make_crew_and_invite(browser: Browser, relay: LiveRelay) -> tuple[Page, str]:
    amy = phone(browser, relay, relay.device(), "Amy")
    amy.locator('form[action="/crew/create"] input[name="name"]').fill("Desk Friends")
    assert submit(amy, "create").startswith("Crew created")
    words = submit(amy, "invite")
    code = words.split()[2]
    assert code.startswith("LEELOO-")
    assert f"/j/{code}), valid 60 min" in words
    return amy, code


def test_the_crew_page_from_claim_to_push_and_a_friend_joins(
    chromium: Browser, relay: LiveRelay, tmp_path: Path
) -> None:
    amy, code = make_crew_and_invite(chromium, relay)
    amy.locator('input[name="song"]').fill(track_link(0))
    amy.locator('input[name="note"]').fill("play it loud")
    assert submit(amy, "push") == "Sent"
    activity = amy.locator("#activity li").all_inner_texts()
    assert activity == [f"Amy pushed “{TRACKS[0].name}”"]
    relay.advance(60)  # a minute later, Ben's page joins with the invite link Amy sent him
    ben = phone(chromium, relay, relay.device(), "Ben")
    ben.goto(f"{relay.base}/j/{code}")
    assert ben.locator('form[action="/crew/join"] input[name="code"]').input_value() == code
    assert submit(ben, "join") == "You joined the crew"
    assert ben.locator("#crew-name").inner_text() == "Desk Friends"
    assert ben.locator("#members li").all_inner_texts() == ["Amy online", "Ben online"]
    assert ben.locator("#activity li").all_inner_texts() == activity
    ben.locator('input[name="text"]').fill("on my way")
    assert submit(ben, "say") == "Sent"
    amy.reload()
    assert amy.locator("#activity li").all_inner_texts()[0] == "Ben said “on my way”"
    shot = tmp_path / "crew-page.png"
    amy.screenshot(path=str(shot), full_page=True)
    with Image.open(shot) as png:
        assert png.width == PHONE["width"]
        assert png.height >= PHONE["height"] // 2


def test_an_expired_invite_is_refused_in_words(chromium: Browser, relay: LiveRelay) -> None:
    _amy, code = make_crew_and_invite(chromium, relay)
    relay.advance(INVITE_TTL - 1)
    dee, cat = relay.device(), relay.device()
    dee.claim()
    cat.claim()
    assert dee.act("join", code=code) == "You joined the crew"  # its last second
    relay.advance(1)
    ben = phone(chromium, relay, relay.device(), "Ben")
    ben.goto(f"{relay.base}/j/{code}")
    assert submit(ben, "join") == EXPIRED
    assert ben.locator("#crew-name").count() == 0  # still no crew
    assert cat.act("join", code=code) == EXPIRED  # the form endpoint over plain HTTP
    unknown = cat.act("join", code="LEELOO-BBBBBB")
    assert unknown == "no such invite code: check it, or ask your friend for a new one"


def test_a_revoked_invite_is_refused_in_words(chromium: Browser, relay: LiveRelay) -> None:
    amy, code = make_crew_and_invite(chromium, relay)
    assert submit(amy, "revoke") == "Invite codes revoked"
    ben = phone(chromium, relay, relay.device(), "Ben")
    ben.locator('form[action="/crew/join"] input[name="code"]').fill(code.lower())
    assert submit(ben, "join") == REVOKED
    assert ben.locator("#crew-name").count() == 0
    cat = relay.device()
    cat.claim()
    assert cat.act("join", code=code) == REVOKED
    fresh = submit(amy, "invite").split()[2]  # a new code still works
    assert cat.act("join", code=fresh) == "You joined the crew"
