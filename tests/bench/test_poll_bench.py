"""`leeloo bench poll`: one replay of the scripted hour, so the bench cannot rot."""

from __future__ import annotations

import json

import pytest

from leeloo.cli import main


def test_one_replay_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "poll", "--json", "--runs", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    ours, fixed = report["ours"], report["fixed_30s"]
    assert ours["natural"]["max"] <= 2.0  # just after the item ends
    assert ours["skips_pauses"]["max"] <= 30.0
    assert fixed["natural"]["mean"] > 2.0
    assert 0 < ours["calls_per_playing_hour"] < 200
    assert ours["skips_pauses"]["n"] >= 6


def test_the_text_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "poll", "--runs", "1", "--check", "60"]) == 0
    out = capsys.readouterr().out
    assert "check every <= 60 s" in out
    assert "fixed 30 s" in out
    assert "API calls per playing hour" in out
