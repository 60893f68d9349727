"""Frames from view-models, redrawing only the boxes whose value changed.

The renderer keeps one 480×320 frame. `render` compares each box of the new `Screen`
with the one last drawn and repaints only the boxes that differ (each box owns a region
it clears and paints inside); the album column is repainted when its panel or its image
changed. A clock tick that moves the seconds bar therefore repaints the time box alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from leeloo.core.screen import Screen
from leeloo.device.render import boxes, layout
from leeloo.device.render.fonts import Fonts, fonts

Painter = Callable[[ImageDraw.ImageDraw, Any, Fonts], None]

# box name -> (how to draw it, region it may paint)
PAINTERS: dict[str, tuple[Painter, layout.Box]] = {
    "header": (boxes.draw_header, layout.HEADER_REGION),
    "weather": (boxes.draw_weather, layout.WEATHER.region),
    "time": (boxes.draw_time, layout.TIME.region),
    "crew": (boxes.draw_crew, layout.CREW.region),
    "music": (boxes.draw_music, layout.MUSIC.region),
}
ALBUM_REGION: layout.Box = (
    layout.ALBUM_AT[0],
    layout.ALBUM_AT[1],
    layout.ALBUM_AT[0] + layout.ALBUM_SIZE[0] - 1,
    layout.ALBUM_AT[1] + layout.ALBUM_SIZE[1] - 1,
)


@dataclass(frozen=True)
class Rendered:
    """The frame after a render and the names of the boxes repainted ("album" included)."""

    image: Image.Image
    changed: tuple[str, ...]
    regions: tuple[layout.Box, ...]


def background(font_set: Fonts) -> Image.Image:
    """The parts that never change: background, left column border, album frame."""
    image = Image.new("RGB", layout.SIZE, layout.BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle(layout.LEFT_COLUMN, outline=layout.LAVENDER, width=1)
    draw.rectangle(layout.ALBUM_FRAME, outline=layout.GREEN, width=2)
    return image


class ScreenRenderer:
    """Draws `Screen` values into one frame that it owns and updates in place.

    The returned image is the renderer's own frame: an output that keeps it past the next
    `render` call must copy it (the in-memory and preview outputs do).
    """

    def __init__(self, font_set: Fonts | None = None) -> None:
        self._fonts = font_set or fonts()
        self._frame = background(self._fonts)
        self._draw = ImageDraw.Draw(self._frame)
        self._last: Screen | None = None
        self._album: Image.Image | None = None

    def render(self, screen: Screen, album: Image.Image) -> Rendered:
        """Bring the frame up to date with `screen` and the album column image `album`."""
        changed: list[str] = []
        regions: list[layout.Box] = []
        for name, (paint, region) in PAINTERS.items():
            value = getattr(screen, name)
            if self._last is None or getattr(self._last, name) != value:
                paint(self._draw, value, self._fonts)
                changed.append(name)
                regions.append(region)
        if album is not self._album:
            self._frame.paste(album, layout.ALBUM_AT)
            self._album = album
            changed.append("album")
            regions.append(ALBUM_REGION)
        self._last = screen
        return Rendered(self._frame, tuple(changed), tuple(regions))
