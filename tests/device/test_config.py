"""Device settings: environment over `.env` over defaults, read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from leeloo.device.config import ConfigError, DeviceSettings, load_settings


def test_defaults_point_at_real_spotify(tmp_path: Path) -> None:
    settings = load_settings({"LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none"),
                              "HOME": str(tmp_path)})  # fmt: skip
    assert settings.spotify_accounts_url == "https://accounts.spotify.com"
    assert settings.spotify_api_url == "https://api.spotify.com"
    assert settings.state_dir == tmp_path / ".local/state/leeloo"
    assert settings.token_file == settings.state_dir / "spotify-tokens.json"
    assert settings.snapshot_file == settings.state_dir / "playback.json"
    assert settings.login_warning_days == 7


def test_env_file_and_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# device\n\nexport LEELOO_DEVICE_SPOTIFY_CLIENT_ID='abc'\n"
        "LEELOO_DEVICE_LOGIN_WARNING_DAYS=3\nLEELOO_DEVICE_REQUEST_TIMEOUT=2.5\n"
    )
    settings = load_settings({
        "LEELOO_DEVICE_ENV_FILE": str(env_file), "XDG_STATE_HOME": str(tmp_path / "xdg"),
        "LEELOO_DEVICE_LOGIN_WARNING_DAYS": "14", "LEELOO_DEVICE_POLL_CHECK": "60",
        "LEELOO_DEVICE_TOKEN_FILE": str(tmp_path / "t.json"),
    })  # fmt: skip
    assert settings == DeviceSettings(
        state_dir=tmp_path / "xdg/leeloo", token_file=tmp_path / "t.json",
        snapshot_file=tmp_path / "xdg/leeloo/playback.json", spotify_client_id="abc",
        login_warning_days=14, request_timeout=2.5, poll_check=60.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LEELOO_DEVICE_LOGIN_WARNING_DAYS": "soon"}, "LOGIN_WARNING_DAYS must be int"),
        ({"LEELOO_DEVICE_LOGIN_WARNING_DAYS": "-1"}, "out of range"),
        ({"LEELOO_DEVICE_REQUEST_TIMEOUT": "0"}, "out of range"),
        ({"LEELOO_DEVICE_POLL_CHECK": "0.5"}, "out of range"),
        ({"LEELOO_DEVICE_SPOTIFY_API_URL": "api.spotify.com"}, "API_URL must be an http"),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({"LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none"), **env})


def test_a_bad_env_file_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LEELOO_DEVICE_X\n")
    with pytest.raises(ConfigError, match=r"\.env:1: expected KEY=VALUE"):
        load_settings({"LEELOO_DEVICE_ENV_FILE": str(env_file)})
