"""`leeloo device --once --json`: one poll, one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from leeloo.cli import main
from leeloo.device.cli import once_state
from leeloo.device.config import load_settings
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.spotify.store import FileTokenStore
from leeloo.testing import FakeClock
from leeloo.testing.spotify import BASE_URL, EmulatedSpotify, mint_tokens


def env_for(tmp_path: Path) -> dict[str, str]:
    return {
        "LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none.env"),
        "LEELOO_DEVICE_STATE_DIR": str(tmp_path / "state"),
        "LEELOO_DEVICE_SPOTIFY_ACCOUNTS_URL": BASE_URL,
        "LEELOO_DEVICE_SPOTIFY_API_URL": BASE_URL,
        "LEELOO_DEVICE_SPOTIFY_CLIENT_ID": LEELOO_CLIENT_ID,
    }


async def test_once_state_against_the_emulator(tmp_path: Path, clock: FakeClock) -> None:
    world = build_world(clock, "playing")
    settings = load_settings(env_for(tmp_path))
    FileTokenStore(settings.token_file).save(mint_tokens(world, clock))
    async with httpx.AsyncClient(transport=EmulatedSpotify(world), base_url=BASE_URL) as http:
        state = await once_state(settings, http, clock)
    assert state["state"] == "playing"
    assert state["result"] == "TrackPlaying"
    assert state["api_calls"] == {"currently-playing": 1}
    item = state["item"]
    assert isinstance(item, dict)
    assert item["uri"].startswith("spotify:track:")
    assert json.loads(settings.snapshot_file.read_text())["state"] == "playing"


def test_the_command_without_tokens_says_needs_pairing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in env_for(tmp_path).items():
        monkeypatch.setenv(key, value)
    assert main(["device", "--once", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    state = json.loads(out)
    assert (state["state"], state["cause"], state["api_calls"]) == (
        "needs_pairing", "NOT_PAIRED", {})  # fmt: skip


def test_bad_settings_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("LEELOO_DEVICE_ENV_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("LEELOO_DEVICE_REQUEST_TIMEOUT", "never")
    assert main(["device", "--once"]) == 2
    assert "REQUEST_TIMEOUT" in capsys.readouterr().err
