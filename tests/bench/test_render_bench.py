from __future__ import annotations

import json

import pytest

from leeloo.bench.render import measure
from leeloo.cli import main


def test_figures_meet_the_byte_target() -> None:
    result = measure(frames=3, ticks=12, bpp=16, state="pushed")
    assert result["tick_bytes"]["max_fraction"] <= 0.10
    assert result["tick_bytes"]["median"] > 0
    assert set(result["full_frame_ms"]) == {"median", "p95"}


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "render", "--json", "--frames", "2", "--ticks", "6", "--bpp", "32"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["framebuffer"]["bpp"] == 32


def test_cli_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "render", "--frames", "2", "--ticks", "6"]) == 0
    assert "tick bytes" in capsys.readouterr().out
