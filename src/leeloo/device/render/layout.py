"""Where everything goes on the 480×320 screen, and in which colour.

Coordinates and colours from ../shared/design/product.md ("The screen"), measured from
the original LEELOO. Bump LAYOUT_VERSION whenever a change alters any cached image (art
size, bar look): cached art is keyed by it, so a layout change never shows stale files.
"""

from __future__ import annotations

from dataclasses import dataclass

LAYOUT_VERSION = 1

Colour = tuple[int, int, int]
Box = tuple[int, int, int, int]  # x0, y0, x1, y1 inclusive, as Pillow draws rectangles

SIZE = (480, 320)


def hex_colour(code: str) -> Colour:
    value = int(code.lstrip("#"), 16)
    return (value >> 16 & 0xFF, value >> 8 & 0xFF, value & 0xFF)


def dim(colour: Colour, background: Colour | None = None) -> Colour:
    """`colour` at 30 % over the background: how empty bars are drawn."""
    base = background or BACKGROUND
    r, g, b = (round(c * 0.3 + k * 0.7) for c, k in zip(colour, base, strict=True))
    return (r, g, b)


BACKGROUND = hex_colour("#1A1D2E")
GREEN = hex_colour("#7beec0")
PURPLE = hex_colour("#9C93DD")
TAN = hex_colour("#C2995E")
LAVENDER = hex_colour("#d978f9")
ROSE = hex_colour("#D6697F")
WHITE = (255, 255, 255)
GREY = hex_colour("#8A8DA0")
YELLOW = hex_colour("#D4A84B")
ORANGE = hex_colour("#FF8800")
# UV index 1..12 (WHO risk bands: low, moderate, high, very high, extreme)
UV_COLOURS: tuple[Colour, ...] = (
    *(GREEN,) * 2,
    *(YELLOW,) * 3,
    *(ORANGE,) * 2,
    *(ROSE,) * 3,
    *(PURPLE,) * 2,
)

# album column
ALBUM_FRAME: Box = (225, 4, 478, 318)
ALBUM_AT = (230, 9)
ALBUM_SIZE = (243, 304)
ART_HEIGHT = 244
BAR_HEIGHT = 60

# left column
LEFT_COLUMN: Box = (2, 4, 220, 318)
BOX_LEFT = 7
BOX_RIGHT = 215
TEXT_LEFT = 12
LABEL_X = 13
BAR_RIGHT = 208  # right end of right-aligned bars
CELL = 8  # a bar box is CELL×CELL, one every PITCH px
PITCH = 10


@dataclass(frozen=True)
class BoxSpec:
    """One of the four left boxes: its label, colour, top and height."""

    label: str
    colour: Colour
    top: int
    height: int

    @property
    def outline(self) -> Box:
        return (BOX_LEFT, self.top, BOX_RIGHT, self.top + self.height)

    @property
    def region(self) -> Box:
        """Everything this box may paint, label included: cleared before a redraw."""
        return (LEFT_COLUMN[0] + 1, self.top - 6, LEFT_COLUMN[2] - 1, self.top + self.height)


WEATHER = BoxSpec("weather", TAN, 16, 59)
TIME = BoxSpec("time", PURPLE, 83, 71)
CREW = BoxSpec("crew", LAVENDER, 162, 28)
MUSIC = BoxSpec("music", GREEN, 198, 110)
HEADER_REGION: Box = (LEFT_COLUMN[0] + 1, 0, LEFT_COLUMN[2] - 1, 9)
