"""The device's settings: one frozen object, read once at start-up.

Every setting is a `LEELOO_DEVICE_<FIELD>` environment variable (the field's name in
capitals); a `.env` file (path: `LEELOO_DEVICE_ENV_FILE`, default `.env`) fills in what
the environment does not set. The table of every variable, its default and meaning is
docs/configuration.md. Paths default to files under the state directory
(`LEELOO_DEVICE_STATE_DIR`, default `$XDG_STATE_HOME/leeloo`); an empty value means
"the default". Malformed values raise ConfigError naming the variable.

No setting here is a secret (PKCE has no client secret; tokens and the relay secret
live in 0600 files, never in the environment), so the plain dataclass `repr` is safe
to log; a secret added later must be masked there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from leeloo.core.weather import TemperatureUnit
from leeloo.settings import SettingError, convert, environment, flag

PREFIX = "LEELOO_DEVICE_"

# path field -> file name under the state directory
STATE_FILES = {
    "token_file": "spotify-tokens.json",
    "snapshot_file": "playback.json",
    "credential_file": "relay-credentials.json",
    "pairing_file": "pairing.json",
    "place_file": "place.json",
    "art_cache_dir": "art",
    "png_file": "screen.png",
    "screen_file": "screen.json",
    "crew_file": "crew.json",
}


class ConfigError(ValueError):
    """A setting that cannot be used, with the variable's name in the message."""


@dataclass(frozen=True)
class DeviceSettings:
    """Everything the device reads at start-up; times in seconds, sizes in bytes."""

    state_dir: Path
    token_file: Path
    snapshot_file: Path
    credential_file: Path
    pairing_file: Path
    place_file: Path
    art_cache_dir: Path
    png_file: Path
    screen_file: Path
    crew_file: Path
    relay_url: str = "http://127.0.0.1:8787"
    spotify_accounts_url: str = "https://accounts.spotify.com"
    spotify_api_url: str = "https://api.spotify.com"
    spotify_client_id: str = ""
    scannables_url: str = "https://scannables.scdn.co"
    login_warning_days: int = 7
    request_timeout: float = 10.0
    poll_check: float = 30.0
    weather_url: str = "https://api.open-meteo.com"
    geocoding_url: str = "https://geocoding-api.open-meteo.com/v1/search"
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""
    units: TemperatureUnit = TemperatureUnit.CELSIUS
    art_cache_bytes: int = 32 * 1024 * 1024
    png: bool = True
    framebuffer: bool = False
    framebuffer_device: Path = Path("/dev/fb0")
    framebuffer_sysfs: Path = Path("/sys/class/graphics/fb0")
    preview: bool = False
    preview_host: str = "127.0.0.1"
    preview_port: int = 8788


def units(raw: str) -> TemperatureUnit:
    """`C`/`celsius` or `F`/`fahrenheit`, any case."""
    word = raw.strip().lower()
    for unit in TemperatureUnit:
        if word in (unit.value, unit.value[0]):
            return unit
    raise ValueError(raw)


# field type -> (parser, what a good value is) for the fields that are not plain str
PARSERS: dict[str, tuple[Callable[[str], object], str]] = {
    "int": (int, "a whole number"),
    "float": (float, "a number"),
    "float | None": (float, "a number"),
    "bool": (flag, "on or off (1/0, true/false, yes/no)"),
    "Path": (Path, "a path"),
    "TemperatureUnit": (units, "C or F"),
}
URL_FIELDS = ("relay_url", "spotify_accounts_url", "spotify_api_url", "scannables_url",
              "weather_url", "geocoding_url")  # fmt: skip


def load_settings(environ: Mapping[str, str]) -> DeviceSettings:
    """Settings from `environ` over its `.env` file over the defaults."""
    try:
        env = environment(environ, PREFIX)
        values = _values(env)
    except SettingError as exc:
        raise ConfigError(str(exc)) from exc
    settings = DeviceSettings(**values)  # type: ignore[arg-type]
    _check(settings)
    return settings


def _values(env: Mapping[str, str]) -> dict[str, object]:
    def get(name: str) -> str | None:
        return env.get(PREFIX + name.upper()) or None

    state_dir = Path(get("state_dir") or _default_state_dir(env))
    values: dict[str, object] = {"state_dir": state_dir}
    for name, file_name in STATE_FILES.items():
        values[name] = Path(get(name) or state_dir / file_name)
    for f in dataclasses.fields(DeviceSettings):
        raw = get(f.name)
        if f.name in values or raw is None:
            continue
        parse, what = PARSERS.get(str(f.type), (str, "text"))
        values[f.name] = convert(PREFIX + f.name.upper(), raw, parse, what)
    return values


def _check(settings: DeviceSettings) -> None:
    for name in URL_FIELDS:
        if not getattr(settings, name).startswith(("https://", "http://")):
            raise ConfigError(f"{PREFIX}{name.upper()} must be an http(s) URL")
    ranges = [
        ("LOGIN_WARNING_DAYS", settings.login_warning_days >= 0, ">= 0"),
        ("REQUEST_TIMEOUT", settings.request_timeout > 0, "> 0"),
        ("POLL_CHECK", settings.poll_check >= 1, ">= 1"),
        ("ART_CACHE_BYTES", settings.art_cache_bytes >= 0, ">= 0"),
        ("PREVIEW_PORT", 0 <= settings.preview_port < 65536, "a port (0-65535)"),
        ("LATITUDE", settings.latitude is None or -90 <= settings.latitude <= 90, "-90..90"),
        ("LONGITUDE", settings.longitude is None or -180 <= settings.longitude <= 180,
         "-180..180"),
    ]  # fmt: skip
    for name, ok, rule in ranges:
        if not ok:
            raise ConfigError(f"out of range: {PREFIX}{name} must be {rule}")
    if (settings.latitude is None) != (settings.longitude is None):
        raise ConfigError(f"{PREFIX}LATITUDE and {PREFIX}LONGITUDE go together: set both")


def _default_state_dir(env: Mapping[str, str]) -> Path:
    # XDG Base Directory Specification: state data goes under $XDG_STATE_HOME.
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local/state")
    return Path(base) / "leeloo"
