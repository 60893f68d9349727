"""Golden screens of the music priority on a fake clock: 29:59, 30:00, a newer push, idle."""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image

from leeloo.core.musiccard import MusicCard, MusicState, Track, music_box
from leeloo.core.priority import Push, music_card
from leeloo.testing import FakeClock
from leeloo.testing.screens import TRACK, Sample, cover_png, render, scan_code_png

FRIEND = Track("One More Time", "from Amy", "", TRACK.art_url, "spotify:track:" + "a" * 22)
NEWER = Track("Around the World", "listen to the bass", "", TRACK.art_url,
              "spotify:track:" + "b" * 22)  # fmt: skip
PLAYING = MusicCard(MusicState.PLAYING, track=TRACK)


def test_priority_screens(golden: Callable[[Image.Image, str], None]) -> None:
    clock = FakeClock()
    start = clock.time()
    first = Push("Amy", FRIEND, start)
    cover, code = cover_png(), scan_code_png()

    def shot(pushes: list[Push], playback: MusicCard, at: float, name: str) -> str:
        card = music_card(pushes, playback, at)
        golden(render(Sample(card, cover=cover, scan_code=code)), name)
        box = music_box(card)
        return f"{box.source} | {box.extra}"

    assert shot([first], PLAYING, start + 29 * 60 + 59, "priority_29m59s") == (
        "pushed by: Amy | 1 min left"
    )
    assert shot([first], PLAYING, start + 30 * 60, "priority_30m00s") == "pushed by: You | "
    newer = Push("Ben", NEWER, start + 25 * 60)
    assert shot([first, newer], PLAYING, start + 40 * 60, "priority_newer_push") == (
        "pushed by: Ben | 15 min left"
    )
    assert shot([first], MusicCard(MusicState.NOTHING), start + 31 * 60, "priority_idle") == (
        " | ")  # fmt: skip
