"""Generated pictures: album-art-like covers (i.scdn.co) and Spotify scan codes (scannables).

Both are pure functions of their arguments, so the same request always gets the same
bytes and the device's golden screen tests can rely on them.

Covers: a 24-hex hash seeds a palette, a gradient and a few translucent shapes, drawn on
a 640 px master and scaled down whole for the 300 and 64 px sizes (as Spotify serves one
picture at three sizes).

Scan codes follow the layout of scannables.scdn.co's SVGs (a 400×100 view box): the
Spotify logo in a 60-unit circle at the left, then 23 rounded bars of width 6 every 12
units from x=100, centred on y=50, each one of 8 heights. As in real codes the first and
last bars are reference bars at the lowest level and the middle bar at the highest; the
other 20 carry (here: hash-derived) data.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import io
import math
from collections.abc import Iterator
from typing import Literal

from PIL import Image, ImageDraw

ImageFormat = Literal["png", "jpeg"]
Colour = tuple[int, int, int]

MASTER_SIZE = 640
VIEW_W, VIEW_H = 400.0, 100.0
BAR_COUNT = 23
BAR_LEVELS = 8
BAR_X0, BAR_STEP, BAR_WIDTH = 100.0, 12.0, 6.0
BAR_MIN_H, BAR_MAX_H = 6.0, 60.0
LOGO_CX, LOGO_CY, LOGO_R = 50.0, 50.0, 30.0
# The logo's three sound waves: (y of the arc's top, radius, half-width, stroke), in view
# box units, top wave first. Each is an arc of a circle centred below the logo's centre.
WAVES = ((38.0, 40.0, 21.0, 6.0), (49.0, 32.0, 17.0, 5.0), (59.0, 25.0, 13.0, 4.0))


def _bytes_stream(seed: str) -> Iterator[int]:
    """An endless, deterministic byte stream derived from `seed`."""
    counter = 0
    while True:
        yield from hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1


# -- covers ------------------------------------------------------------------------------
def _palette(stream: Iterator[int]) -> list[Colour]:
    """Four harmonious colours: a base hue and neighbours/complements of it."""
    base = next(stream) / 256
    offsets = (0.0, (next(stream) % 60 + 20) / 360, 0.5, -(next(stream) % 40 + 10) / 360)
    colours = []
    for offset in offsets:
        saturation = 0.35 + next(stream) / 255 * 0.55
        value = 0.30 + next(stream) / 255 * 0.65
        r, g, b = colorsys.hsv_to_rgb((base + offset) % 1.0, saturation, value)
        colours.append((round(r * 255), round(g * 255), round(b * 255)))
    return colours


def _gradient(size: int, start: Colour, end: Colour, angle: int) -> Image.Image:
    """A linear gradient from `start` to `end`, rotated by `angle` degrees."""
    big = math.ceil(size * math.sqrt(2))
    mask = Image.linear_gradient("L").resize((big, big)).rotate(angle, Image.Resampling.BICUBIC)
    offset = (big - size) // 2
    mask = mask.crop((offset, offset, offset + size, offset + size))
    return Image.composite(
        Image.new("RGB", (size, size), end), Image.new("RGB", (size, size), start), mask
    )


def _shape(
    draw: ImageDraw.ImageDraw, stream: Iterator[int], fill: tuple[int, int, int, int]
) -> None:
    """One translucent shape (circle, ring, block, triangle or band) somewhere on the canvas."""
    kind = next(stream) % 5
    x, y = 64 + next(stream) * 2, 64 + next(stream) * 2  # mostly inside the frame
    r = 40 + next(stream) % 200
    if kind == 0:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
    elif kind == 1:
        draw.ellipse((x - r, y - r, x + r, y + r), outline=fill, width=8 + r // 6)
    elif kind == 2:
        draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=fill)
    elif kind == 3:
        draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=fill)
    else:
        band = 20 + next(stream) % 60
        draw.polygon(
            [(0, y), (MASTER_SIZE, y - r), (MASTER_SIZE, y - r + band), (0, y + band)], fill=fill
        )


@functools.lru_cache(maxsize=32)
def _cover_master(image_hash: str) -> Image.Image:
    stream = _bytes_stream("cover:" + image_hash)
    palette = _palette(stream)
    picture = _gradient(MASTER_SIZE, palette[0], palette[2], next(stream) * 360 // 256)
    overlay = Image.new("RGBA", (MASTER_SIZE, MASTER_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(3 + next(stream) % 4):
        colour = palette[1 + next(stream) % 3]
        _shape(draw, stream, (*colour, 110 + next(stream) % 120))
    # A hero motif near the centre: a disc or ring, like a sun or a record.
    centre, radius = MASTER_SIZE // 2 + next(stream) - 128, 90 + next(stream) // 2
    hero = (centre - radius, centre - radius, centre + radius, centre + radius)
    if next(stream) % 2:
        draw.ellipse(hero, fill=(*palette[3], 235))
    else:
        draw.ellipse(hero, outline=(*palette[3], 235), width=radius // 3)
    return Image.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")


@functools.lru_cache(maxsize=64)
def cover_jpeg(image_hash: str, size: int) -> bytes:
    """A square JPEG cover of `size` px for `image_hash` (same arguments, same bytes)."""
    picture = _cover_master(image_hash)
    if size != MASTER_SIZE:
        picture = picture.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88)
    return out.getvalue()


# -- scan codes --------------------------------------------------------------------------
def bar_levels(uri: str) -> list[int]:
    """The 23 bar levels (0..7) of the code for `uri`: references at both ends and middle."""
    stream = _bytes_stream("scancode:" + uri)
    levels = [next(stream) % BAR_LEVELS for _ in range(BAR_COUNT)]
    levels[0] = levels[-1] = 0
    levels[BAR_COUNT // 2] = BAR_LEVELS - 1
    return levels


def _bars(uri: str) -> list[tuple[float, float, float, float]]:
    """Each bar as (x0, y0, x1, y1) in view-box units."""
    boxes = []
    for index, level in enumerate(bar_levels(uri)):
        height = BAR_MIN_H + level * (BAR_MAX_H - BAR_MIN_H) / (BAR_LEVELS - 1)
        x0 = BAR_X0 + index * BAR_STEP
        boxes.append((x0, LOGO_CY - height / 2, x0 + BAR_WIDTH, LOGO_CY + height / 2))
    return boxes


def _wave_geometry(top: float, radius: float, half_width: float) -> tuple[float, float, float]:
    """(centre y, start angle, end angle) of a wave arc, angles clockwise from 3 o'clock."""
    span = math.degrees(math.asin(half_width / radius))
    return top + radius, 270.0 - span, 270.0 + span


def scan_code_svg(uri: str, background: str, bar: Colour, width: int) -> str:
    """The scan code as an SVG document `width` px wide (height width/4)."""
    bar_hex = "#{:02x}{:02x}{:02x}".format(*bar)
    parts = [
        f'<svg width="{width}" height="{width // 4}" viewBox="0 0 400 100" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="0" y="0" width="400" height="100" fill="#{background.lower()}"/>',
    ]
    for x0, y0, x1, y1 in _bars(uri):
        parts.append(
            f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{x1 - x0:.0f}" height="{y1 - y0:.2f}" '
            f'rx="3" ry="3" fill="{bar_hex}"/>'
        )
    parts.append(
        f'<circle cx="{LOGO_CX:.0f}" cy="{LOGO_CY:.0f}" r="{LOGO_R:.0f}" fill="{bar_hex}"/>'
    )
    for top, radius, half_width, stroke in WAVES:
        cy, start, end = _wave_geometry(top, radius, half_width)
        sx, sy = _polar(LOGO_CX, cy, radius, start)
        ex, ey = _polar(LOGO_CX, cy, radius, end)
        parts.append(
            f'<path d="M{sx:.2f},{sy:.2f} A{radius:.0f},{radius:.0f} 0 0 1 {ex:.2f},{ey:.2f}" '
            f'fill="none" stroke="#{background.lower()}" stroke-width="{stroke:.0f}" '
            'stroke-linecap="round"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _polar(cx: float, cy: float, radius: float, degrees: float) -> tuple[float, float]:
    angle = math.radians(degrees)
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _disc(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, fill: Colour) -> None:
    draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def _draw_logo(draw: ImageDraw.ImageDraw, scale: float, bar: Colour, background: Colour) -> None:
    """The logo: a disc in the bar colour, three waves cut out in the background colour."""
    _disc(draw, LOGO_CX * scale, LOGO_CY * scale, LOGO_R * scale, bar)
    for top, radius, half_width, stroke in WAVES:
        cy, start, end = _wave_geometry(top, radius, half_width)
        # Pillow strokes inward from the box; the SVG strokes centred on the radius.
        outer = radius + stroke / 2
        box = ((LOGO_CX - outer) * scale, (cy - outer) * scale,
               (LOGO_CX + outer) * scale, (cy + outer) * scale)  # fmt: skip
        draw.arc(box, start, end, fill=background, width=round(stroke * scale))
        for angle in (start, end):  # round caps, as the SVG's stroke-linecap
            px, py = _polar(LOGO_CX, cy, radius, angle)
            _disc(draw, px * scale, py * scale, stroke / 2 * scale, background)


@functools.lru_cache(maxsize=64)
def scan_code_raster(
    uri: str, background: Colour, bar: Colour, width: int, fmt: ImageFormat
) -> bytes:
    """The scan code as a PNG or JPEG `width` × `width // 4` px (same arguments, same bytes)."""
    # Drawn supersampled (at most 4000 px wide) then scaled down: smooth rounded bars.
    factor = max(1, min(4, 4000 // width))
    scale = width * factor / VIEW_W
    big = Image.new("RGB", (width * factor, (width // 4) * factor), background)
    draw = ImageDraw.Draw(big)
    for x0, y0, x1, y1 in _bars(uri):
        box = (x0 * scale, y0 * scale, x1 * scale, y1 * scale)
        draw.rounded_rectangle(box, radius=BAR_WIDTH / 2 * scale, fill=bar)
    _draw_logo(draw, scale, bar, background)
    picture = big.resize((width, width // 4), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "png":
        picture.save(out, "PNG")
    else:
        picture.save(out, "JPEG", quality=92)
    return out.getvalue()
