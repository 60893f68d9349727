"""Screen rendering: full-frame and clock-tick times, framebuffer bytes written per tick.

A full frame draws everything from scratch (background, four boxes, header, album image
pasted; the cover already fitted, as the art cache keeps it). A tick is the seconds bar
moving (every 10 s, so one tick in six also changes the minute): the renderer repaints the
time box and the framebuffer output (a temp file with a fake sysfs geometry) writes only
the rows that changed. A "quiet" tick is a second in which nothing visible changes: the
view-model is rebuilt and compared, nothing is drawn.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from leeloo.core.screen import Screen
from leeloo.device.outputs.framebuffer import FramebufferOutput
from leeloo.device.render import album
from leeloo.device.render.fonts import fonts
from leeloo.device.render.renderer import ScreenRenderer
from leeloo.testing.screens import NOW, Sample, samples

TARGETS = {"full_ms": 25.0, "tick_ms": 5.0, "tick_write_fraction": 0.10}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames", type=int, default=200, help="full frames to time")
    parser.add_argument("--ticks", type=int, default=600, help="clock ticks to time")
    parser.add_argument("--bpp", type=int, choices=(16, 32), default=16, help="framebuffer depth")
    parser.add_argument("--state", default="pushed", help="which sample screen to draw")


def run(args: argparse.Namespace) -> int:
    result = measure(args.frames, args.ticks, args.bpp, args.state)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(report(result))
    return 0


def measure(frames: int, ticks: int, bpp: int, state: str) -> dict[str, Any]:
    """Every figure of the benchmark, as a JSON-ready dict."""
    sample = samples()[state]
    column = album.album_image(
        sample.screen().album,
        album.cover_art(sample.cover),
        album.scan_code_bar(sample.scan_code),
        fonts(),
    )
    ScreenRenderer().render(sample.screen(), column)  # warm caches (fonts, fitted text)
    full = timed(frames, lambda: ScreenRenderer().render(sample.screen(), column))
    with tempfile.TemporaryDirectory() as temp:
        output = framebuffer(Path(temp), bpp)
        tick = tick_figures(sample, column, output, ticks)
    quiet = timed(ticks, lambda: sample.screen() == sample.screen())
    return {
        "state": state,
        "framebuffer": {"width": 480, "height": 320, "bpp": bpp, "bytes": output.geometry.size},
        "full_frame_ms": summary(full),
        "quiet_tick_ms": summary(quiet),
        **tick,
        "targets": TARGETS,
    }


def tick_figures(
    sample: Sample, column: Image.Image, output: FramebufferOutput, ticks: int
) -> dict[str, Any]:
    renderer = ScreenRenderer()
    output.show(renderer.render(sample.screen(), column).image)
    screens: list[Screen] = [
        Sample(
            sample.music, sample.crew, sample.weather, sample.hang, NOW + timedelta(seconds=10 * i)
        ).screen()
        for i in range(1, ticks + 1)
    ]
    render_ms, write_ms, written = [], [], []
    for screen in screens:
        start = time.perf_counter()
        rendered = renderer.render(screen, column)
        middle = time.perf_counter()
        before = output.bytes_written
        output.show(rendered.image)
        end = time.perf_counter()
        render_ms.append((middle - start) * 1000)
        write_ms.append((end - middle) * 1000)
        written.append(output.bytes_written - before)
    total = [r + w for r, w in zip(render_ms, write_ms, strict=True)]
    size = output.geometry.size
    return {
        "tick_render_ms": summary(render_ms),
        "tick_write_ms": summary(write_ms),
        "tick_ms": summary(total),
        "tick_bytes": {
            "median": statistics.median(written),
            "max": max(written),
            "median_fraction": statistics.median(written) / size,
            "max_fraction": max(written) / size,
        },
    }


def framebuffer(directory: Path, bpp: int) -> FramebufferOutput:
    sysfs = directory / "sysfs"
    sysfs.mkdir()
    (sysfs / "virtual_size").write_text("480,320\n")
    (sysfs / "bits_per_pixel").write_text(f"{bpp}\n")
    device = directory / "fb0"
    device.write_bytes(bytes(480 * 320 * bpp // 8))
    return FramebufferOutput(device, sysfs)


def timed(count: int, work: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": round(statistics.median(ordered), 3), "p95": round(p95, 3)}


def _times(name: str, figures: dict[str, float], note: str = "") -> str:
    text = f"{name:<13} median {figures['median']:.2f} ms  p95 {figures['p95']:.2f} ms"
    return f"{text}  {note}" if note else text


def report(result: dict[str, Any]) -> str:
    """The figures as a few readable lines."""
    fb = result["framebuffer"]
    written = result["tick_bytes"]
    return "\n".join(
        [
            f"render bench: {result['state']} screen, framebuffer 480x320 @ {fb['bpp']} bpp"
            f" ({fb['bytes']} B)",
            _times("full frame", result["full_frame_ms"], "(target <= 25 ms)"),
            _times("tick render", result["tick_render_ms"]),
            _times("tick write", result["tick_write_ms"]),
            _times("tick total", result["tick_ms"], "(target <= 5 ms)"),
            f"tick bytes    median {written['median']:.0f} B ({written['median_fraction']:.1%})"
            f"  max {written['max']} B ({written['max_fraction']:.1%})  (target <= 10 %)",
            _times("quiet tick", result["quiet_tick_ms"]),
        ]
    )
