"""End to end with the emulator's own pictures: covers (i.scdn.co) and scan codes
(scannables) fetched in-process through `Artwork`, drawn by `Display`, compared with a
golden PNG. The emulator draws its pictures as pure functions of the ids, so the same
track always gives the same bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from PIL import Image

from leeloo.core.musiccard import MusicCard, MusicState, Track
from leeloo.device.artcache import ArtCache
from leeloo.device.artwork import Artwork
from leeloo.device.display import Display
from leeloo.device.outputs.memory import MemoryOutput
from leeloo.emulator.app import create_app
from leeloo.emulator.catalogue import IMAGE_PREFIXES, build_catalogue
from leeloo.emulator.scenarios import build_world
from leeloo.testing import FakeClock
from leeloo.testing.screens import Sample

BASE = "http://emulator.test"


def catalogue_track(index: int) -> Track:
    catalogue = build_catalogue()
    track = catalogue.track_list()[index]
    album = catalogue.albums[track.album_id]
    artist = catalogue.artists[track.artist_id]
    return Track(
        title=track.name,
        artist=artist.name,
        album=album.name,
        art_url=f"{BASE}/image/{IMAGE_PREFIXES[640]}{album.image}",
        uri=f"spotify:track:{track.id}",
    )


@pytest.mark.parametrize(
    ("name", "card"),
    [
        (
            "emulator_pushed",
            MusicCard(MusicState.PUSHED, catalogue_track(0), "Ben", push_minutes_left=12),
        ),
        ("emulator_playing", MusicCard(MusicState.PLAYING, catalogue_track(7))),
    ],
)
async def test_emulator_pictures_end_to_end(
    name: str,
    card: MusicCard,
    clock: FakeClock,
    tmp_path: Path,
    golden: Callable[[Image.Image, str], None],
) -> None:
    world = build_world(clock, "playing")
    transport = httpx.ASGITransport(app=create_app(world))
    output = MemoryOutput()
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        artwork = Artwork(http, ArtCache(tmp_path), clock, scannables_base=BASE)
        display = Display(artwork, [output])
        await display.update(Sample(card).screen())
    assert output.last is not None
    golden(output.last, name)
