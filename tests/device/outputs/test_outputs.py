"""One contract for every Output: what was shown is what is displayed, and later changes
to the shown image do not leak into it."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from leeloo.device.outputs import Output
from leeloo.device.outputs.framebuffer import FramebufferOutput
from leeloo.device.outputs.memory import MemoryOutput
from leeloo.device.outputs.png import PngOutput
from leeloo.device.outputs.preview import PreviewOutput
from leeloo.testing.screens import render, samples

Displayed = Callable[[], Image.Image]


def framebuffer(tmp_path: Path) -> tuple[Output, Displayed]:
    sysfs = tmp_path / "sysfs"
    sysfs.mkdir()
    (sysfs / "virtual_size").write_text("480,320")
    (sysfs / "bits_per_pixel").write_text("32")
    device = tmp_path / "fb0"
    device.write_bytes(bytes(480 * 320 * 4))
    return FramebufferOutput(device, sysfs), lambda: Image.frombytes(
        "RGB", (480, 320), device.read_bytes(), "raw", "BGRX"
    )


def memory(tmp_path: Path) -> tuple[Output, Displayed]:
    output = MemoryOutput()

    def last() -> Image.Image:
        assert output.last is not None
        return output.last

    return output, last


def png(tmp_path: Path) -> tuple[Output, Displayed]:
    path = tmp_path / "out" / "screen.png"

    def stored() -> Image.Image:
        with Image.open(path) as image:
            return image.convert("RGB")

    return PngOutput(path), stored


def preview(tmp_path: Path) -> tuple[Output, Displayed]:
    output = PreviewOutput()
    return output, lambda: Image.open(io.BytesIO(output.png()[1])).convert("RGB")


@pytest.mark.parametrize("make", [framebuffer, memory, png, preview])
def test_output_contract(tmp_path: Path, make: Callable[[Path], tuple[Output, Displayed]]) -> None:
    output, displayed = make(tmp_path)
    for name in ("playing", "pushed"):
        frame = render(samples()[name])
        output.show(frame)
        expected = frame.copy()
        ImageDraw.Draw(frame).rectangle((0, 0, 479, 319), fill=(255, 0, 0))  # after show
        assert ImageChops.difference(displayed(), expected).getbbox() is None


def test_png_leaves_no_temp_files(tmp_path: Path) -> None:
    output = PngOutput(tmp_path / "screen.png")
    output.show(Image.new("RGB", (480, 320)))
    output.show(Image.new("RGB", (480, 320), (1, 2, 3)))
    assert [p.name for p in tmp_path.iterdir()] == ["screen.png"]


def test_memory_keeps_a_bounded_history() -> None:
    output = MemoryOutput(keep=2)
    assert output.last is None
    for shade in range(3):
        output.show(Image.new("RGB", (4, 4), (shade, 0, 0)))
    assert [f.getpixel((0, 0)) for f in output.frames] == [(1, 0, 0), (2, 0, 0)]


def test_png_failure_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    output = PngOutput(tmp_path / "screen.png")
    output.show(Image.new("RGB", (480, 320), (9, 9, 9)))
    with pytest.raises(OSError, match="CMYK"):
        output.show(Image.new("CMYK", (480, 320)))  # PNG cannot hold CMYK
    assert [p.name for p in tmp_path.iterdir()] == ["screen.png"]
    with Image.open(tmp_path / "screen.png") as kept:
        assert kept.getpixel((0, 0)) == (9, 9, 9)
