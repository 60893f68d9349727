"""Text that fits: one line cut to a pixel width with an ellipsis, measured once.

Measuring is the expensive part of drawing text with FreeType (and with raqm for
right-to-left and complex scripts), so fitted strings are memoised: a clock tick redraws
the same labels and pays nothing for them.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PIL import ImageDraw

from leeloo.device.render.fonts import Font
from leeloo.device.render.layout import Colour

ELLIPSIS = "…"


@lru_cache(maxsize=2048)
def fit(text: str, font: Font, width: int) -> str:
    """`text`, or its longest prefix plus "…", no wider than `width` pixels."""
    longest = width // 2 + 1  # beyond this many characters a text cannot fit, so cut early
    if len(text) <= longest and font.getlength(text) <= width:
        return text
    low, high = 0, min(len(text), longest)
    while low < high:  # longest prefix that fits together with the ellipsis
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


@lru_cache(maxsize=512)
def wrap(text: str, font: Font, width: int, lines: int) -> tuple[str, ...]:
    """`text` broken at spaces into at most `lines` lines of `width` px, the last one fitted."""
    words = text.split(" ")
    out: list[str] = []
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and font.getlength(line + " " + words[0]) <= width:
            line += " " + words.pop(0)
        out.append(fit(line, font, width))
    if words:
        out.append(fit(" ".join(words), font, width))
    return tuple(out)


@lru_cache(maxsize=2048)
def width_of(text: str, font: Font) -> int:
    return math.ceil(font.getlength(text))


def write(
    draw: ImageDraw.ImageDraw,
    at: tuple[int, int],
    text: str,
    font: Font,
    fill: Colour,
    width: int,
) -> int:
    """Draw `text` fitted to `width` at `at`; returns the drawn width."""
    shown = fit(text, font, width)
    if shown:
        draw.text(at, shown, font=font, fill=fill)
    return width_of(shown, font)


def write_right(
    draw: ImageDraw.ImageDraw, right: int, y: int, text: str, font: Font, fill: Colour, width: int
) -> None:
    """Draw `text` fitted to `width`, its right edge at `right`."""
    shown = fit(text, font, width)
    draw.text((right - width_of(shown, font), y), shown, font=font, fill=fill)


def write_centred(
    draw: ImageDraw.ImageDraw, centre: int, y: int, text: str, font: Font, fill: Colour, width: int
) -> None:
    """Draw `text` fitted to `width`, centred on x = `centre`."""
    shown = fit(text, font, width)
    draw.text((centre - width_of(shown, font) // 2, y), shown, font=font, fill=fill)
