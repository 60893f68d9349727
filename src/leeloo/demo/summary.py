"""What a headless demo run leaves in its output directory.

    <out>/amy.png, ben.png, cat.png   each device's final screen (its PNG output, 480x320)
    <out>/demo.png                    the three screens side by side, named (README picture)
    <out>/summary.json                per device: pairing result, final screen words
                                      (its screen.json), the items sent to it; the story's
                                      steps with story and real times; the URLs used

The summary's shape (keys) is the contract the end-to-end test reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from leeloo.demo.story import Notes, StepRecord
from leeloo.demo.system import System
from leeloo.device.render.fonts import fonts

GAP = 16
CAPTION = 28
BACKGROUND = (0x0D, 0x0F, 0x18)
CAPTION_COLOUR = (0xD9, 0x78, 0xF9)


def write_outputs(out: Path, system: System, records: list[StepRecord], notes: Notes) -> Path:
    """Write the PNGs and summary.json under `out`; returns the summary's path."""
    out.mkdir(parents=True, exist_ok=True)
    screens = {}
    for device in system.devices.values():
        target = out / f"{device.name.lower()}.png"
        target.write_bytes((device.state_dir / "screen.png").read_bytes())
        screens[device.name] = target
    side_by_side(screens).save(out / "demo.png")
    summary = {
        "devices": {d.name: _device(d.name, system, notes) for d in system.devices.values()},
        "story": [{"story_s": r.story_s, "real_s": r.real_s, "words": r.words} for r in records],
        "sent": notes.sent,
        "urls": {"emulator": system.emulator_url, "relay": system.relay_url},
    }
    path = out / "summary.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return path


def _device(name: str, system: System, notes: Notes) -> dict[str, Any]:
    device = system.devices[name]
    return {
        "spotify_user": device.member.user,
        "pairing": device.pairing_result,
        "screen": device.screen(),
        "png": f"{name.lower()}.png",
        "received": [s for s in notes.sent if s["from"] != name],
        "network": "up" if device.cable.connected else "cut",
    }


def side_by_side(screens: dict[str, Path]) -> Image.Image:
    """The screens in a row, each with its name above it."""
    images = {name: Image.open(path).convert("RGB") for name, path in screens.items()}
    width = sum(i.width for i in images.values()) + GAP * (len(images) + 1)
    height = max(i.height for i in images.values()) + CAPTION + GAP
    canvas = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    font = fonts().headline
    x = GAP
    for name, image in images.items():
        draw.text((x, 6), name, font=font, fill=CAPTION_COLOUR)
        canvas.paste(image, (x, CAPTION))
        x += image.width + GAP
        image.close()
    return canvas
