"""The framebuffer output against a temp file with a given geometry (fake sysfs dir)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from leeloo.device.outputs.framebuffer import FramebufferError, FramebufferOutput, read_geometry


def fake_fb(tmp_path: Path, width: int, height: int, bpp: int, stride: int | None = None) -> Path:
    sysfs = tmp_path / "sysfs"
    sysfs.mkdir()
    (sysfs / "virtual_size").write_text(f"{width},{height}\n")
    (sysfs / "bits_per_pixel").write_text(f"{bpp}\n")
    if stride is not None:
        (sysfs / "stride").write_text(f"{stride}\n")
    device = tmp_path / "fb0"
    device.write_bytes(b"\x00" * ((stride or width * bpp // 8) * height))
    return sysfs


def reference_pixel(rgb: tuple[int, int, int], bpp: int) -> bytes:
    """Written from the formats' definitions, independently of the output's code."""
    r, g, b = rgb
    if bpp == 16:
        value = (r >> 3) << 11 | (g >> 2) << 5 | (b >> 3)
        return value.to_bytes(2, "little")
    return bytes((b, g, r, 0))


def reference_frame(image: Image.Image, bpp: int, stride: int, height: int, fill: int) -> bytes:
    out = bytearray([fill]) * (stride * height)
    pixels = image.load()
    assert pixels is not None
    size = bpp // 8
    for y in range(min(image.height, height)):
        for x in range(min(image.width, stride // size)):
            pixel = pixels[x, y]
            assert isinstance(pixel, tuple)
            at = y * stride + x * size
            out[at : at + size] = reference_pixel((pixel[0], pixel[1], pixel[2]), bpp)
    return bytes(out)


def picture(width: int, height: int, seed: int = 0) -> Image.Image:
    image = Image.new("RGB", (width, height))
    image.putdata(
        [
            ((x * 7 + seed) % 256, (y * 13) % 256, (x * y + seed) % 256)
            for y in range(height)
            for x in range(width)
        ]
    )
    return image


@pytest.mark.parametrize("bpp", [16, 32])
def test_full_frame_matches_reference(tmp_path: Path, bpp: int) -> None:
    sysfs = fake_fb(tmp_path, 480, 320, bpp)
    output = FramebufferOutput(tmp_path / "fb0", sysfs)
    image = picture(480, 320)
    output.show(image)
    stride = 480 * bpp // 8
    assert (tmp_path / "fb0").read_bytes() == reference_frame(image, bpp, stride, 320, 0)
    assert output.bytes_written == 480 * 320 * bpp // 8


@pytest.mark.parametrize("bpp", [16, 32])
def test_padded_stride_and_larger_framebuffer(tmp_path: Path, bpp: int) -> None:
    # 40×30 visible frame on a 48×32 framebuffer whose rows carry 16 bytes of padding
    stride = 48 * bpp // 8 + 16
    sysfs = fake_fb(tmp_path, 48, 32, bpp, stride)
    device = tmp_path / "fb0"
    device.write_bytes(b"\xee" * (stride * 32))
    image = picture(40, 30, seed=5)
    FramebufferOutput(device, sysfs).show(image)
    expected = bytearray(b"\xee" * (stride * 32))
    size = bpp // 8
    for y in range(30):
        for x in range(40):
            at = y * stride + x * size
            expected[at : at + size] = reference_pixel(image.getpixel((x, y)), bpp)  # type: ignore[arg-type]
    assert device.read_bytes() == bytes(expected)


def test_smaller_framebuffer_gets_the_image_cropped(tmp_path: Path) -> None:
    sysfs = fake_fb(tmp_path, 20, 10, 16)
    image = picture(40, 30)
    FramebufferOutput(tmp_path / "fb0", sysfs).show(image)
    assert (tmp_path / "fb0").read_bytes() == reference_frame(
        image.crop((0, 0, 20, 10)), 16, 40, 10, 0
    )


@pytest.mark.parametrize("bpp", [16, 32])
def test_a_tick_writes_only_changed_rows(tmp_path: Path, bpp: int) -> None:
    sysfs = fake_fb(tmp_path, 480, 320, bpp)
    device = tmp_path / "fb0"
    output = FramebufferOutput(device, sysfs)
    first = picture(480, 320)
    output.show(first)
    written = output.bytes_written
    # Mark the device: rows the output must not touch keep the mark.
    device.write_bytes(b"\xaa" * len(device.read_bytes()))
    second = first.copy()
    ImageDraw.Draw(second).rectangle((10, 100, 60, 109), fill=(255, 0, 0))
    ImageDraw.Draw(second).rectangle((300, 200, 301, 200), fill=(0, 255, 0))
    output.show(second)
    stride = 480 * bpp // 8
    data = device.read_bytes()
    changed = set(range(100, 110)) | {200}
    reference = reference_frame(second, bpp, stride, 320, 0)
    for row in range(320):
        got = data[row * stride : (row + 1) * stride]
        if row in changed:
            assert got == reference[row * stride : (row + 1) * stride], row
        else:
            assert got == b"\xaa" * stride, row
    assert output.bytes_written - written == len(changed) * stride
    output.show(second)  # nothing changed: nothing written
    assert output.bytes_written - written == len(changed) * stride


def test_geometry_errors(tmp_path: Path) -> None:
    with pytest.raises(FramebufferError, match="cannot read"):
        read_geometry(tmp_path)
    sysfs = fake_fb(tmp_path, 480, 320, 24)
    with pytest.raises(FramebufferError, match="24 bits"):
        read_geometry(sysfs)
