"""Device settings: environment over `.env` over defaults, read once; errors name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from leeloo.core.weather import TemperatureUnit
from leeloo.device.config import ConfigError, load_settings


def test_defaults_point_at_real_services(tmp_path: Path) -> None:
    settings = load_settings({"LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none"),
                              "HOME": str(tmp_path)})  # fmt: skip
    assert settings.spotify_accounts_url == "https://accounts.spotify.com"
    assert settings.spotify_api_url == "https://api.spotify.com"
    assert settings.scannables_url == "https://scannables.scdn.co"
    assert settings.weather_url == "https://api.open-meteo.com"
    assert settings.geocoding_url == "https://geocoding-api.open-meteo.com/v1/search"
    assert settings.state_dir == tmp_path / ".local/state/leeloo"
    state = settings.state_dir
    assert settings.token_file == state / "spotify-tokens.json"
    assert settings.snapshot_file == state / "playback.json"
    assert settings.credential_file == state / "relay-credentials.json"
    assert (settings.pairing_file, settings.png_file, settings.art_cache_dir) == (
        state / "pairing.json", state / "screen.png", state / "art")  # fmt: skip
    assert settings.login_warning_days == 7
    assert (settings.png, settings.framebuffer, settings.preview) == (True, False, False)
    assert (settings.latitude, settings.place, settings.units) == (
        None,
        "",
        TemperatureUnit.CELSIUS,
    )


def test_env_file_and_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# device\n\nexport LEELOO_DEVICE_SPOTIFY_CLIENT_ID='abc'\n"
        "LEELOO_DEVICE_LOGIN_WARNING_DAYS=3\nLEELOO_DEVICE_REQUEST_TIMEOUT=2.5\n"
        'LEELOO_DEVICE_PLACE="Lyon, France"\nLEELOO_DEVICE_UNITS=f\n'
    )
    settings = load_settings({
        "LEELOO_DEVICE_ENV_FILE": str(env_file), "XDG_STATE_HOME": str(tmp_path / "xdg"),
        "LEELOO_DEVICE_LOGIN_WARNING_DAYS": "14", "LEELOO_DEVICE_POLL_CHECK": "60",
        "LEELOO_DEVICE_TOKEN_FILE": str(tmp_path / "t.json"), "LEELOO_DEVICE_PNG": "off",
        "LEELOO_DEVICE_FRAMEBUFFER": "Yes", "LEELOO_DEVICE_FRAMEBUFFER_DEVICE": "/dev/fb1",
        "LEELOO_DEVICE_PREVIEW_PORT": "9000", "LEELOO_DEVICE_LATITUDE": "45.76",
        "LEELOO_DEVICE_LONGITUDE": "4.84", "LEELOO_DEVICE_ART_CACHE_BYTES": "1000",
        "LEELOO_DEVICE_RELAY_URL": "https://relay.example",
    })  # fmt: skip
    assert settings.state_dir == tmp_path / "xdg/leeloo"
    assert settings.token_file == tmp_path / "t.json"
    assert settings.snapshot_file == tmp_path / "xdg/leeloo/playback.json"
    assert settings.spotify_client_id == "abc"
    assert (settings.login_warning_days, settings.request_timeout, settings.poll_check) == (
        14, 2.5, 60.0)  # fmt: skip
    assert (settings.place, settings.units) == ("Lyon, France", TemperatureUnit.FAHRENHEIT)
    assert (settings.latitude, settings.longitude) == (45.76, 4.84)
    assert (settings.png, settings.framebuffer) == (False, True)
    assert settings.framebuffer_device == Path("/dev/fb1")
    assert (settings.preview_port, settings.art_cache_bytes) == (9000, 1000)
    assert settings.relay_url == "https://relay.example"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LEELOO_DEVICE_LOGIN_WARNING_DAYS": "soon"},
         "LEELOO_DEVICE_LOGIN_WARNING_DAYS must be a whole number, got 'soon'"),
        ({"LEELOO_DEVICE_LOGIN_WARNING_DAYS": "-1"}, "LOGIN_WARNING_DAYS must be >= 0"),
        ({"LEELOO_DEVICE_REQUEST_TIMEOUT": "0"}, "REQUEST_TIMEOUT must be > 0"),
        ({"LEELOO_DEVICE_POLL_CHECK": "0.5"}, "POLL_CHECK must be >= 1"),
        ({"LEELOO_DEVICE_SPOTIFY_API_URL": "api.spotify.com"}, "API_URL must be an http"),
        ({"LEELOO_DEVICE_RELAY_URL": "ws://relay"}, "RELAY_URL must be an http"),
        ({"LEELOO_DEVICE_PNG": "maybe"}, "LEELOO_DEVICE_PNG must be on or off"),
        ({"LEELOO_DEVICE_UNITS": "kelvin"}, "LEELOO_DEVICE_UNITS must be C or F"),
        ({"LEELOO_DEVICE_PREVIEW_PORT": "70000"}, "PREVIEW_PORT must be a port"),
        ({"LEELOO_DEVICE_LATITUDE": "north"}, "LATITUDE must be a number"),
        ({"LEELOO_DEVICE_LATITUDE": "91", "LEELOO_DEVICE_LONGITUDE": "0"}, "LATITUDE must be"),
        ({"LEELOO_DEVICE_LATITUDE": "45"}, "LATITUDE and LEELOO_DEVICE_LONGITUDE go together"),
        ({"LEELOO_DEVICE_ART_CACHE_BYTES": "-1"}, "ART_CACHE_BYTES must be >= 0"),
    ],
)  # fmt: skip
def test_bad_values_name_the_variable(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({"LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none"), **env})


def test_a_bad_env_file_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LEELOO_DEVICE_X\n")
    with pytest.raises(ConfigError, match=r"\.env:1: expected KEY=VALUE"):
        load_settings({"LEELOO_DEVICE_ENV_FILE": str(env_file)})


def test_every_setting_is_in_the_configuration_table() -> None:
    import dataclasses

    from leeloo.device.config import PREFIX, DeviceSettings

    table = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    missing = [f.name for f in dataclasses.fields(DeviceSettings)
               if f"| {PREFIX}{f.name.upper()} |" not in table]  # fmt: skip
    assert missing == []
