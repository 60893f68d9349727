"""The screen's fonts, loaded once from the files shipped in `leeloo.device.fonts`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from PIL import ImageFont

Font = ImageFont.FreeTypeFont


def _load(name: str, size: int) -> Font:
    path = resources.files("leeloo.device.fonts") / name
    with resources.as_file(path) as real:
        return ImageFont.truetype(str(real), size)


@dataclass(frozen=True)
class Fonts:
    header: Font  # mono 9: header line
    small: Font  # mono 12: most text
    label: Font  # mono 12: box labels
    headline: Font  # sans bold 14: artist and title
    badge: Font  # sans 13: ○ ① … ⑨
    bar: Font  # sans 14: "Now Playing" bar
    card: Font  # sans 13: words in the album column
    code: Font  # mono bold 22: the pairing user code


@cache
def fonts() -> Fonts:
    """The shared font set (loaded on first use)."""
    mono, sans = "DejaVuSansMono.ttf", "DejaVuSans.ttf"
    return Fonts(
        header=_load(mono, 9),
        small=_load(mono, 12),
        label=_load(mono, 12),
        headline=_load("DejaVuSans-Bold.ttf", 14),
        badge=_load(sans, 13),
        bar=_load(sans, 14),
        card=_load(sans, 13),
        code=_load("DejaVuSansMono-Bold.ttf", 22),
    )
