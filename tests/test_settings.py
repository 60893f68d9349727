"""The shared `.env` + environment reading, and the relay's use of it (unchanged behaviour)."""

from __future__ import annotations

from pathlib import Path

import pytest

from leeloo.relay.config import RelaySettings, load_settings
from leeloo.relay.errors import ConfigError
from leeloo.settings import SettingError, convert, environment, flag, read_env_file


def test_env_file_lines(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# c\n\nexport A=1\nB = 'two words'\nC=\"x\"\nD=\n")
    assert read_env_file(env_file) == {"A": "1", "B": "two words", "C": "x", "D": ""}
    assert read_env_file(tmp_path / "absent") == {}


def test_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "x.env"
    env_file.write_text("P_A=file\nP_B=file\n")
    merged = environment({"P_ENV_FILE": str(env_file), "P_A": "env"}, "P_")
    assert (merged["P_A"], merged["P_B"]) == ("env", "file")


def test_flags_and_conversion_errors() -> None:
    assert [flag(w) for w in ("1", "ON", "yes", "true", "0", "off", "No", "FALSE")] == [
        True, True, True, True, False, False, False, False]  # fmt: skip
    with pytest.raises(SettingError, match="X must be on or off, got 'maybe'"):
        convert("X", "maybe", flag, "on or off")
    with pytest.raises(SettingError, match="Y must be int, got 'z'"):
        convert("Y", "z", int)


def test_the_relay_reads_through_it(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LEELOO_RELAY_PORT=9999\nLEELOO_RELAY_SPOTIFY_CLIENT_ID=app\n")
    settings = load_settings({"LEELOO_RELAY_ENV_FILE": str(env_file),
                              "LEELOO_RELAY_PING_TIMEOUT": "30"}, host="0.0.0.0")  # fmt: skip
    assert settings == RelaySettings(host="0.0.0.0", port=9999, spotify_client_id="app",
                                     ping_timeout=30)  # fmt: skip


def test_relay_errors_stay_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LEELOO_RELAY_PORT must be int, got 'high'"):
        load_settings({"LEELOO_RELAY_ENV_FILE": str(tmp_path / "no"), "LEELOO_RELAY_PORT": "high"})
    env_file = tmp_path / ".env"
    env_file.write_text("garbage\n")
    with pytest.raises(ConfigError, match=r"\.env:1: expected KEY=VALUE"):
        load_settings({"LEELOO_RELAY_ENV_FILE": str(env_file)})
