"""Album images from the emulator's covers and scan codes, cached on disk, usable offline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageChops

from leeloo.core.musiccard import ArtPanel, CardPanel, PairingPanel, ScanCodeBar, TextBar
from leeloo.device.artcache import ArtCache
from leeloo.device.artwork import Artwork
from leeloo.device.render import album
from leeloo.device.render.fonts import fonts
from leeloo.device.render.layout import ART_HEIGHT, BACKGROUND
from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import build_world
from leeloo.emulator.world import Fault, World
from leeloo.testing import FakeClock

BASE = "http://emulator.test"
COVER = BASE + "/image/ab67616d0000b273" + "5" * 24
URI = "spotify:track:4uLU6hMCjMI75M1A2tKUQC"
PANEL = ArtPanel(COVER, ScanCodeBar(URI))


@pytest.fixture
def world(clock: FakeClock) -> World:
    return build_world(clock, "playing")


@pytest.fixture
async def http(world: World) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(world))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


def artwork(http: httpx.AsyncClient, tmp_path: Path, clock: FakeClock) -> Artwork:
    return Artwork(http, ArtCache(tmp_path / "art"), clock, scannables_base=BASE)


def same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is None


async def test_cover_and_scan_code_from_the_emulator(
    http: httpx.AsyncClient, tmp_path: Path, clock: FakeClock
) -> None:
    image = await artwork(http, tmp_path, clock).image_for(PANEL)
    assert image.size == (243, 304)
    cover = (await http.get(COVER)).content
    expected_art = album.cover_art(cover)
    assert expected_art is not None
    assert same(image.crop((0, 0, 243, ART_HEIGHT)), expected_art)  # whole, uncovered
    code = (await http.get(album.scan_code_url(BASE, URI))).content
    expected_bar = album.scan_code_bar(code)
    assert expected_bar is not None
    assert same(image.crop((0, ART_HEIGHT, 243, 304)), expected_bar)


async def test_offline_after_one_fetch(
    http: httpx.AsyncClient, tmp_path: Path, clock: FakeClock
) -> None:
    online = await artwork(http, tmp_path, clock).image_for(PANEL)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("offline", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as offline_http:
        offline = await artwork(offline_http, tmp_path, clock).image_for(PANEL)
    assert same(online, offline)


async def test_scan_code_failure_falls_back_to_a_qr_and_retries_later(
    http: httpx.AsyncClient, tmp_path: Path, clock: FakeClock, world: World
) -> None:
    world.faults.append(Fault("scannables", "status", status=500))
    source = artwork(http, tmp_path, clock)
    first = await source.image_for(PANEL)
    link = album.open_link(URI)
    assert link is not None
    assert same(first.crop((0, ART_HEIGHT, 243, 304)), album.qr_bar(link, fonts()))
    assert await source.image_for(PANEL) is first  # within the retry period: kept
    world.faults.clear()
    await clock.advance(61)
    healed = await source.image_for(PANEL)
    assert not same(healed, first)
    assert await source.image_for(PANEL) is healed  # complete: kept for good


async def test_broken_cover_draws_no_cover(
    http: httpx.AsyncClient, tmp_path: Path, clock: FakeClock
) -> None:
    panel = ArtPanel(BASE + "/image/not-a-real-id", TextBar("Now Playing"))
    image = await artwork(http, tmp_path, clock).image_for(panel)
    assert same(image.crop((0, 0, 243, ART_HEIGHT)), album.no_cover(fonts()))


async def test_wordy_panels_need_no_network(tmp_path: Path, clock: FakeClock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        source = Artwork(http, ArtCache(tmp_path), clock, keep=1)
        card = await source.image_for(CardPanel(("nothing playing",)))
        pairing = await source.image_for(PairingPanel("https://r/p/X", "ABCD-EFGH", "h", "d"))
        empty = await source.image_for(ArtPanel("", TextBar("Now Playing")))
    assert card.getpixel((5, 5)) == BACKGROUND
    assert pairing.size == empty.size == (243, 304)


async def test_a_corrupt_cache_entry_is_fetched_again(
    http: httpx.AsyncClient, tmp_path: Path, clock: FakeClock
) -> None:
    cache = ArtCache(tmp_path / "art")
    cache.put(COVER, b"garbage")
    panel = ArtPanel(COVER, TextBar("Now Playing"))
    image = await Artwork(http, cache, clock).image_for(panel)
    expected = album.cover_art((await http.get(COVER)).content)
    assert expected is not None
    assert same(image.crop((0, 0, 243, ART_HEIGHT)), expected)
    assert cache.get(COVER) != b"garbage"


async def test_network_down_without_cache_draws_no_cover(tmp_path: Path, clock: FakeClock) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("offline", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as http:
        image = await Artwork(http, ArtCache(tmp_path), clock).image_for(PANEL)
    assert same(image.crop((0, 0, 243, ART_HEIGHT)), album.no_cover(fonts()))
