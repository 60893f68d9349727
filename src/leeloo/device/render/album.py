"""Every album-column image, at one size (243×304), made here and nowhere else.

- Art: the cover scaled whole into the top 243×244 (never cropped, covered, recoloured or
  distorted: Spotify's branding rules; a non-square cover is letterboxed on the background).
- The 60 px bar under it: the Spotify scan code, a local QR of the open.spotify.com link
  when the scan code cannot be had, or words ("Now Playing", "Paused").
- Pairing: the QR of the relay's verification URL with the user code printed under it.
- Cards: words instead of art (ad, idle, refused).

Broken input (0 bytes, not an image, a decompression bomb) never raises: the art area
says "no cover" and the rest is drawn as usual.
"""

from __future__ import annotations

import io
import logging
import re
import urllib.parse

import segno
from PIL import Image, ImageDraw

from leeloo.core.musiccard import AlbumPanel, CardPanel, PairingPanel, ScanCodeBar, TextBar
from leeloo.device.render import layout
from leeloo.device.render.fonts import Fonts
from leeloo.device.render.lettering import wrap, write_centred

log = logging.getLogger(__name__)

WIDTH, HEIGHT = layout.ALBUM_SIZE
MAX_SOURCE_PIXELS = 25_000_000  # a cover is 640×640; anything this big is hostile
_URI = re.compile(r"^spotify:(track|album|playlist|episode|show|artist):([0-9A-Za-z]{1,64})$")


def open_link(uri: str) -> str | None:
    """https://open.spotify.com/KIND/ID for a spotify:KIND:ID URI, else None."""
    match = _URI.match(uri)
    return f"https://open.spotify.com/{match[1]}/{match[2]}" if match else None


def scan_code_url(base: str, uri: str) -> str:
    """The scannables URL for `uri`: white bars on our background, 640 px wide PNG."""
    background = "".join(f"{c:02x}" for c in layout.BACKGROUND)
    quoted = urllib.parse.quote(uri, safe=":")
    return f"{base.rstrip('/')}/uri/plain/png/{background}/white/640/{quoted}"


def decode(data: bytes | None) -> Image.Image | None:
    """An RGB image from encoded bytes, or None when they are not a sane image."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.width * source.height > MAX_SOURCE_PIXELS:
                log.warning("image refused: %dx%d is too large", source.width, source.height)
                return None
            source.draft("RGB", (WIDTH * 2, WIDTH * 2))  # JPEG: decode at a reduced scale
            return source.convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        log.warning("image refused: %s", exc)
        return None


def fit_into(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """`image` scaled whole to fit `box`, centred on the background (letterboxed)."""
    scale = min(box[0] / image.width, box[1] / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    scaled = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    canvas = Image.new("RGB", box, layout.BACKGROUND)
    canvas.paste(scaled, ((box[0] - size[0]) // 2, (box[1] - size[1]) // 2))
    return canvas


def cover_art(data: bytes | None) -> Image.Image | None:
    """The 243×244 art area for a cover's bytes, or None when they are broken."""
    image = decode(data)
    return None if image is None else fit_into(image, (WIDTH, layout.ART_HEIGHT))


def scan_code_bar(data: bytes | None) -> Image.Image | None:
    """The 243×60 bar for a scan code's bytes, or None when they are broken."""
    image = decode(data)
    return None if image is None else fit_into(image, (WIDTH, layout.BAR_HEIGHT))


def qr_image(text: str, height: int) -> Image.Image:
    """A QR code of `text` (dark on white, 2-module quiet zone) `height` px square."""
    code = segno.make(text, error="m", micro=False)
    border = 2
    side = len(code.matrix) + 2 * border
    quiet = b"\xff" * side
    rows = [quiet] * border
    for row in code.matrix:
        cells = bytes(0 if cell else 255 for cell in row)
        rows.append(b"\xff" * border + cells + b"\xff" * border)
    rows.extend([quiet] * border)
    modules = Image.frombytes("L", (side, side), b"".join(rows)).convert("RGB")
    return modules.resize((height, height), Image.Resampling.NEAREST)


def qr_bar(link: str, fonts: Fonts) -> Image.Image:
    """The bar's fallback: a QR of the open.spotify.com link, with words beside it."""
    bar = Image.new("RGB", (WIDTH, layout.BAR_HEIGHT), layout.BACKGROUND)
    bar.paste(qr_image(link, 56), (4, 2))
    draw = ImageDraw.Draw(bar)
    write_centred(draw, 150, 12, "scan to open", fonts.card, layout.GREEN, 170)
    write_centred(draw, 150, 30, "in Spotify", fonts.card, layout.GREEN, 170)
    return bar


def text_bar(text: str, fonts: Fonts) -> Image.Image:
    bar = Image.new("RGB", (WIDTH, layout.BAR_HEIGHT), layout.BACKGROUND)
    draw = ImageDraw.Draw(bar)
    write_centred(draw, WIDTH // 2, 21, text, fonts.bar, layout.GREEN, WIDTH - 8)
    return bar


def no_cover(fonts: Fonts) -> Image.Image:
    art = Image.new("RGB", (WIDTH, layout.ART_HEIGHT), layout.BACKGROUND)
    draw = ImageDraw.Draw(art)
    draw.rectangle(
        (20, 20, WIDTH - 21, layout.ART_HEIGHT - 21), outline=layout.dim(layout.GREEN), width=2
    )
    write_centred(
        draw, WIDTH // 2, layout.ART_HEIGHT // 2 - 8, "no cover", fonts.card, layout.GREY, 200
    )
    return art


def compose(art: Image.Image | None, bar: Image.Image, fonts: Fonts) -> Image.Image:
    """The album image: `art` (or "no cover") over `bar`."""
    image = Image.new("RGB", layout.ALBUM_SIZE, layout.BACKGROUND)
    image.paste(art if art is not None else no_cover(fonts), (0, 0))
    image.paste(bar, (0, layout.ART_HEIGHT))
    return image


def pairing_image(panel: PairingPanel, fonts: Fonts) -> Image.Image:
    """QR of the verification URL, the user code under it, and what to do."""
    image = Image.new("RGB", layout.ALBUM_SIZE, layout.BACKGROUND)
    draw = ImageDraw.Draw(image)
    write_centred(draw, WIDTH // 2, 4, panel.headline, fonts.card, layout.GREEN, WIDTH - 8)
    image.paste(qr_image(panel.url, 198), ((WIDTH - 198) // 2, 24))
    write_centred(draw, WIDTH // 2, 228, panel.user_code, fonts.code, layout.WHITE, WIDTH - 8)
    write_centred(
        draw, WIDTH // 2, 258, "check this code on the phone", fonts.card, layout.GREY, 236
    )
    write_centred(draw, WIDTH // 2, 278, panel.detail, fonts.card, layout.ROSE, WIDTH - 8)
    return image


def card_image(panel: CardPanel, fonts: Fonts) -> Image.Image:
    """Words in a dim frame, where the art would be."""
    image = Image.new("RGB", layout.ALBUM_SIZE, layout.BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (20, 20, WIDTH - 21, layout.ART_HEIGHT - 21), outline=layout.dim(layout.GREEN), width=2
    )
    draw.ellipse(
        (WIDTH // 2 - 30, 70, WIDTH // 2 + 30, 130), outline=layout.dim(layout.GREEN), width=2
    )
    draw.ellipse((WIDTH // 2 - 5, 95, WIDTH // 2 + 5, 105), fill=layout.dim(layout.GREEN))
    rows = [
        (line, i == 0)
        for i, text in enumerate(panel.lines[:2])
        for line in wrap(text, fonts.card, 190, 2)
    ]
    for row, (line, first) in enumerate(rows):
        colour = layout.GREEN if first else layout.GREY
        write_centred(draw, WIDTH // 2, 146 + row * 18, line, fonts.card, colour, 190)
    return image


def album_image(
    panel: AlbumPanel,
    art: Image.Image | None,
    scan_code: Image.Image | None,
    fonts: Fonts,
) -> Image.Image:
    """The album column for `panel`, given the fitted cover and scan-code bar (or None)."""
    if isinstance(panel, PairingPanel):
        return pairing_image(panel, fonts)
    if isinstance(panel, CardPanel):
        return card_image(panel, fonts)
    return compose(art, _bar(panel.bar, scan_code, fonts), fonts)


def _bar(bar: ScanCodeBar | TextBar, scan_code: Image.Image | None, fonts: Fonts) -> Image.Image:
    if isinstance(bar, TextBar):
        return text_bar(bar.text, fonts)
    if scan_code is not None:
        return scan_code
    link = open_link(bar.uri)
    return qr_bar(link, fonts) if link else text_bar("Now Playing", fonts)
