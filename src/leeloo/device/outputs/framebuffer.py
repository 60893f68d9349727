"""A Linux framebuffer output that writes only the rows that changed.

Geometry comes from sysfs (`/sys/class/graphics/fb0`): `virtual_size` ("480,320"),
`bits_per_pixel` (16 or 32) and, when present, `stride` (bytes per row, may include
padding). 16 bpp is RGB565 little-endian; 32 bpp is BGRX (blue in the lowest byte), the
layout of fbtft and the Pi's HDMI framebuffer at 32 bpp.

Every frame is compared row by row with the previous frame's RGB bytes; only runs of
changed rows are converted to the device's format and written, each run with one
positioned write (`pwrite`: seek + write in one call). A clock tick that moves the
seconds bar writes a few rows, not the whole screen. The image is drawn at the top-left;
a larger framebuffer keeps its other pixels, a smaller one gets the image cropped.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

log = logging.getLogger(__name__)

# RGB565 by table: high byte = RRRRRGGG, low byte = GGGBBBBB.
_R_HIGH = [v & 0xF8 for v in range(256)]
_G_HIGH = [v >> 5 for v in range(256)]
_G_LOW = [(v & 0x1C) << 3 for v in range(256)]
_B_LOW = [v >> 3 for v in range(256)]


class FramebufferError(Exception):
    """The framebuffer's geometry cannot be read or is not supported."""


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    bits_per_pixel: int
    stride: int  # bytes per row

    @property
    def size(self) -> int:
        return self.stride * self.height


def read_geometry(sysfs: Path) -> Geometry:
    """Geometry of the framebuffer whose sysfs directory is `sysfs`."""
    try:
        width, height = (int(v) for v in (sysfs / "virtual_size").read_text().split(","))
        bpp = int((sysfs / "bits_per_pixel").read_text())
        stride_file = sysfs / "stride"
        stride = int(stride_file.read_text()) if stride_file.exists() else width * bpp // 8
    except (OSError, ValueError) as exc:
        raise FramebufferError(f"cannot read framebuffer geometry from {sysfs}: {exc}") from exc
    if bpp not in (16, 32):
        raise FramebufferError(f"{bpp} bits per pixel is not supported (16 or 32)")
    return Geometry(width, height, bpp, max(stride, width * bpp // 8))


def rgb565(image: Image.Image) -> bytes:
    """`image` as little-endian RGB565, row after row."""
    red, green, blue = image.convert("RGB").split()
    # The bit fields do not overlap, so adding the bytes is OR-ing them.
    high = ImageChops.add(red.point(_R_HIGH), green.point(_G_HIGH))
    low = ImageChops.add(green.point(_G_LOW), blue.point(_B_LOW))
    return Image.merge("LA", (low, high)).tobytes()


def pixel_bytes(image: Image.Image, bits_per_pixel: int) -> bytes:
    """`image` in the framebuffer's pixel format, rows not padded."""
    if bits_per_pixel == 16:
        return rgb565(image)
    return image.convert("RGB").tobytes("raw", "BGRX")


class FramebufferOutput:
    """Writes frames to a framebuffer device (or any file of the right size, for tests)."""

    def __init__(
        self,
        device: Path = Path("/dev/fb0"),
        sysfs: Path = Path("/sys/class/graphics/fb0"),
    ) -> None:
        self.device = device
        self.geometry = read_geometry(sysfs)
        self._previous: bytes | None = None  # last frame's visible part, as RGB bytes
        self.bytes_written = 0  # total, for benchmarks

    def show(self, image: Image.Image) -> None:
        width = min(image.width, self.geometry.width)
        height = min(image.height, self.geometry.height)
        visible = image.convert("RGB")
        if visible.size != (width, height):
            visible = visible.crop((0, 0, width, height))
        rgb = visible.tobytes()
        previous = self._previous if self._previous and len(self._previous) == len(rgb) else None
        runs = changed_runs(previous, rgb, width * 3, height)
        if runs:
            self._write(visible, runs)
        self._previous = rgb

    def _write(self, visible: Image.Image, runs: list[tuple[int, int]]) -> None:
        geometry = self.geometry
        row_bytes = visible.width * geometry.bits_per_pixel // 8
        fd = os.open(self.device, os.O_WRONLY)
        try:
            for first, end in runs:
                band = visible.crop((0, first, visible.width, end))
                data = pixel_bytes(band, geometry.bits_per_pixel)
                if row_bytes == geometry.stride:  # rows contiguous on the device: one write
                    os.pwrite(fd, data, first * geometry.stride)
                else:
                    for i in range(end - first):
                        chunk = data[i * row_bytes : (i + 1) * row_bytes]
                        os.pwrite(fd, chunk, (first + i) * geometry.stride)
                self.bytes_written += len(data)
        finally:
            os.close(fd)


def changed_runs(
    previous: bytes | None, data: bytes, row_bytes: int, rows: int
) -> list[tuple[int, int]]:
    """Runs [first, end) of rows whose bytes differ from `previous` (all when None)."""
    if previous is None:
        return [(0, rows)]
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for row in range(rows):
        offset = row * row_bytes
        differs = data[offset : offset + row_bytes] != previous[offset : offset + row_bytes]
        if differs and start is None:
            start = row
        elif not differs and start is not None:
            runs.append((start, row))
            start = None
    if start is not None:
        runs.append((start, rows))
    return runs
