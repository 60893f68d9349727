"""The frame pipeline: render and show only when the view-model or the album changed."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from PIL import ImageChops

from leeloo.device.display import Display
from leeloo.device.outputs.memory import MemoryOutput
from leeloo.testing.screens import NOW, SampleAlbums, render, samples


async def test_shows_only_changes() -> None:
    sample = samples()["pushed"]
    output = MemoryOutput()
    display = Display(SampleAlbums(sample.cover, sample.scan_code), [output])
    first = await display.update(sample.screen())
    assert first is not None
    assert len(first.changed) == 6
    assert await display.update(sample.screen()) is None
    same_ten_seconds = dataclasses.replace(sample, now=NOW + timedelta(seconds=2))
    assert await display.update(same_ten_seconds.screen()) is None
    tick = dataclasses.replace(sample, now=NOW + timedelta(seconds=10))
    rendered = await display.update(tick.screen())
    assert rendered is not None
    assert rendered.changed == ("time",)
    assert len(output.frames) == 2
    assert ImageChops.difference(output.frames[-1], render(tick)).getbbox() is None
