"""Sample screens for golden tests, benchmarks and demos: every state, real-looking inputs.

Pictures are drawn here (deterministic PNGs), not fetched, so a golden image depends only
on the renderer. `SAMPLES` maps a state's name to the view-model inputs that show it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PIL import Image, ImageDraw

from leeloo.core.musiccard import AlbumPanel, MusicCard, MusicState, Pairing, Track
from leeloo.core.screen import Crew, CrewMember, Hang, Screen, build_screen
from leeloo.core.weather import (
    Conditions,
    NoLocation,
    TemperatureUnit,
    WeatherState,
    WeatherUnavailable,
)

NOW = datetime(2026, 1, 3, 14, 5, 7)
COVER_URL = "http://emulator.test/image/ab67616d0000b273" + "1" * 24
TRACK = Track(
    title="Doorways",
    artist="Cinnamon Chasers",
    album="A Million Miles Away",
    art_url=COVER_URL,
    uri="spotify:track:4uLU6hMCjMI75M1A2tKUQC",
)
EPISODE = Track(
    title="The sound of the deep sea",
    artist="Radio Oceans",
    art_url=COVER_URL,
    uri="spotify:episode:512ojhOuo1ktJprKbVcKyQ",
)
PAIRING = Pairing("https://relay.leeloo.example/p/WDJBMJHT", "WDJB-MJHT")
CREW = Crew(
    (
        CrewMember("Amy", unread=0, online=True),
        CrewMember("Ben", unread=2, online=True),
        CrewMember("Chloé", unread=12, online=False),
        CrewMember("Dev", unread=0, online=False),
    )
)
WEATHER = Conditions(21.4, TemperatureUnit.CELSIUS, uv_index=5.2, rain_chance=40)
HANG = Hang("pizza at Ben's", NOW + timedelta(days=2, hours=4))


def cover_png(size: int = 640) -> bytes:
    """A square cover: a diagonal gradient, a sun and hills."""
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / size
        draw.line(
            (0, y, size, y), fill=(round(240 - 120 * t), round(120 + 40 * t), round(90 + 130 * t))
        )
    s = size / 640
    draw.ellipse((380 * s, 90 * s, 540 * s, 250 * s), fill=(255, 214, 120))
    draw.polygon(
        [(0, 460 * s), (220 * s, 330 * s), (420 * s, 470 * s), (0, 640 * s)], fill=(40, 70, 90)
    )
    draw.polygon(
        [(200 * s, 640 * s), (470 * s, 380 * s), (640 * s, 500 * s), (640 * s, 640 * s)],
        fill=(30, 45, 70),
    )
    return _png(image)


def wide_cover_png() -> bytes:
    """A 2:1 picture (a show's banner): must be letterboxed, never cropped."""
    image = Image.new("RGB", (640, 320), (60, 110, 170))
    ImageDraw.Draw(image).rectangle((40, 40, 600, 280), outline=(250, 250, 250), width=12)
    return _png(image)


def scan_code_png() -> bytes:
    """A scan-code-like 640×160 PNG: white logo disc and 23 bars on the screen's background."""
    image = Image.new("RGB", (640, 160), (0x1A, 0x1D, 0x2E))
    draw = ImageDraw.Draw(image)
    draw.ellipse((32, 32, 128, 128), fill=(255, 255, 255))
    levels = [0, 5, 2, 7, 3, 1, 6, 4, 2, 5, 3, 7, 6, 1, 4, 2, 7, 5, 0, 3, 6, 2, 0]
    for i, level in enumerate(levels):
        x = 160 + i * 19.2
        h = 10 + level * 12
        draw.rounded_rectangle(
            (x, 80 - h / 2, x + 9.6, 80 + h / 2), radius=4.8, fill=(255, 255, 255)
        )
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Sample:
    """One state's inputs; `cover` and `scan_code` are what the network would have given."""

    music: MusicCard
    crew: Crew = CREW
    weather: WeatherState = WEATHER
    hang: Hang | None = HANG
    now: datetime = NOW
    cover: bytes | None = field(default=None, repr=False)
    scan_code: bytes | None = field(default=None, repr=False)

    def screen(self) -> Screen:
        return build_screen(self.music, self.crew, self.weather, self.now, self.hang)


def samples() -> dict[str, Sample]:
    """Every state of the screen, by name."""
    cover, code = cover_png(), scan_code_png()
    playing = MusicCard(MusicState.PLAYING, track=TRACK)
    pushed = MusicCard(MusicState.PUSHED, track=TRACK, pushed_by="Amy", push_minutes_left=27)
    until = NOW.replace(hour=15, minute=30)
    return {
        "playing": Sample(playing, cover=cover),
        "paused": Sample(MusicCard(MusicState.PAUSED, track=TRACK), cover=cover),
        "episode": Sample(MusicCard(MusicState.EPISODE, track=EPISODE), cover=wide_cover_png()),
        "ad": Sample(MusicCard(MusicState.AD)),
        "nothing": Sample(MusicCard(MusicState.NOTHING), hang=None),
        "pushed": Sample(pushed, cover=cover, scan_code=code),
        "pushed_qr_fallback": Sample(pushed, cover=cover),
        "not_connected": Sample(MusicCard(MusicState.NOT_CONNECTED, pairing=PAIRING), crew=Crew()),
        "relogin": Sample(
            MusicCard(MusicState.RELOGIN, pairing=PAIRING, reason="login ended after 6 months")
        ),
        "login_expiring": Sample(
            MusicCard(MusicState.PLAYING, track=TRACK, login_days_left=5), cover=cover
        ),
        "forbidden": Sample(
            MusicCard(MusicState.FORBIDDEN, reason="not on this Spotify app's allowlist")
        ),
        "rate_limited": Sample(
            MusicCard(MusicState.PLAYING, track=TRACK, rate_limited_until=until), cover=cover
        ),
        "offline": Sample(
            MusicCard(MusicState.PLAYING, track=TRACK, offline=True),
            crew=Crew(CREW.members, linked=False),
            weather=WeatherUnavailable("network down"),
            cover=cover,
        ),
        "weather_unavailable": Sample(playing, weather=WeatherUnavailable("HTTP 503"), cover=cover),
        "no_location": Sample(playing, weather=NoLocation(), cover=cover),
        "broken_cover": Sample(pushed, cover=b"\x89PNG\r\n\x1a\nnot really", scan_code=b""),
        "hostile_text": Sample(
            MusicCard(
                MusicState.PUSHED,
                track=Track(
                    "🎵🔥 " + "x" * 10_000, "שלום עולם مرحبا", "東京事変\n\t教育", COVER_URL, ""
                ),
                pushed_by="👩‍🎤 Zoë\u202e",
                push_minutes_left=3,
            ),
            crew=Crew((CrewMember("山田太郎", 3, True), CrewMember("محمد", 0, False))),
            hang=Hang("🍕" * 500, NOW + timedelta(minutes=42)),
            cover=b"",
        ),
    }


def render(sample: Sample) -> Image.Image:
    """A full frame for `sample`, drawn from scratch (the pictures decoded from its bytes)."""
    from leeloo.device.render import album
    from leeloo.device.render.fonts import fonts
    from leeloo.device.render.renderer import ScreenRenderer

    screen = sample.screen()
    art, code = album.cover_art(sample.cover), album.scan_code_bar(sample.scan_code)
    column = album.album_image(screen.album, art, code, fonts())
    return ScreenRenderer().render(screen, column).image


class SampleAlbums:
    """An `AlbumSource` with no network: every panel gets the given picture bytes."""

    def __init__(self, cover: bytes | None = None, scan_code: bytes | None = None) -> None:
        from leeloo.device.render import album

        self._art = album.cover_art(cover)
        self._code = album.scan_code_bar(scan_code)
        self._made: dict[AlbumPanel, Image.Image] = {}

    async def image_for(self, panel: AlbumPanel) -> Image.Image:
        from leeloo.device.render import album
        from leeloo.device.render.fonts import fonts

        if panel not in self._made:
            self._made[panel] = album.album_image(panel, self._art, self._code, fonts())
        return self._made[panel]
