"""Partial redraws equal full redraws; bad input draws a sane frame, never an exception."""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from leeloo.core.musiccard import MusicCard, MusicState, Track
from leeloo.core.screen import Crew, CrewMember, Hang
from leeloo.device.render import album
from leeloo.device.render.fonts import fonts
from leeloo.device.render.layout import ART_HEIGHT, BACKGROUND
from leeloo.device.render.renderer import ScreenRenderer
from leeloo.testing.screens import NOW, TRACK, Sample, render, samples, wide_cover_png

SAMPLES = samples()


def column(sample: Sample) -> Image.Image:
    screen = sample.screen()
    art, code = album.cover_art(sample.cover), album.scan_code_bar(sample.scan_code)
    return album.album_image(screen.album, art, code, fonts())


def same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is None


def test_first_render_draws_everything() -> None:
    sample = SAMPLES["playing"]
    result = ScreenRenderer().render(sample.screen(), column(sample))
    assert result.changed == ("header", "weather", "time", "crew", "music", "album")


def test_a_tick_redraws_only_the_time_box_and_equals_a_full_render() -> None:
    sample = SAMPLES["pushed"]
    renderer = ScreenRenderer()
    art = column(sample)
    renderer.render(sample.screen(), art)
    later = dataclasses.replace(sample, now=NOW + timedelta(minutes=1, seconds=3))
    result = renderer.render(later.screen(), art)
    assert result.changed == ("time",)
    assert same(result.image, render(later))


def test_a_tick_inside_ten_seconds_redraws_nothing() -> None:
    sample = SAMPLES["playing"]
    renderer = ScreenRenderer()
    art = column(sample)
    renderer.render(sample.screen(), art)
    later = dataclasses.replace(sample, now=NOW + timedelta(seconds=2))
    assert renderer.render(later.screen(), art).changed == ()


def test_state_change_redraws_music_and_album_only() -> None:
    renderer = ScreenRenderer()
    first, second = SAMPLES["playing"], SAMPLES["pushed"]
    renderer.render(first.screen(), column(first))
    result = renderer.render(second.screen(), column(second))
    assert result.changed == ("music", "album")
    assert same(result.image, render(second))


def test_wide_cover_is_letterboxed_whole() -> None:
    art = album.cover_art(wide_cover_png())
    assert art is not None
    assert art.size == (243, ART_HEIGHT)
    assert art.getpixel((120, 2)) == BACKGROUND  # band above the picture
    assert art.getpixel((120, ART_HEIGHT - 3)) == BACKGROUND  # band below it
    assert art.getpixel((2, ART_HEIGHT // 2)) != BACKGROUND  # full width used


def bomb_png(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size (the body is a single tiny row)."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def test_broken_images_are_refused_not_raised() -> None:
    for data in (
        None,
        b"",
        b"GIF89a",
        b"\xff\xd8\xff\xe0 truncated jpeg",
        bomb_png(30_000, 30_000),
    ):
        assert album.cover_art(data) is None
        assert album.scan_code_bar(data) is None


def test_links_for_uris() -> None:
    assert album.open_link(TRACK.uri) == "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
    assert album.open_link("spotify:local:x:y:z:1") is None
    assert album.scan_code_url("https://scannables.scdn.co/", TRACK.uri) == (
        "https://scannables.scdn.co/uri/plain/png/1a1d2e/white/640/"
        "spotify:track:4uLU6hMCjMI75M1A2tKUQC"
    )


def test_push_without_scan_code_or_link_says_now_playing() -> None:
    card = MusicCard(MusicState.PUSHED, track=dataclasses.replace(TRACK, uri="spotify:local:x"))
    sample = Sample(card)
    assert column(sample).size == (243, 304)


texts = st.text(max_size=300)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=texts, artist=texts, name=texts, crew=st.lists(texts, max_size=6), hang=texts)
def test_any_text_draws_a_frame(
    title: str, artist: str, name: str, crew: list[str], hang: str
) -> None:
    card = MusicCard(
        MusicState.PUSHED,
        track=Track(title, artist, artist, "u", "spotify:track:x"),
        pushed_by=name,
        reason=title,
    )
    members = tuple(CrewMember(n, unread=len(n), online=len(n) % 2 == 0) for n in crew)
    sample = Sample(card, crew=Crew(members), hang=Hang(hang, NOW + timedelta(hours=3)))
    assert render(sample).size == (480, 320)
