"""The device's settings: one frozen object, read once at start-up.

Every setting is a `LEELOO_DEVICE_*` environment variable; a `.env` file (path:
`LEELOO_DEVICE_ENV_FILE`, default `.env`) fills in what the environment does not set.

| variable                               | default                                     |
|----------------------------------------|---------------------------------------------|
| LEELOO_DEVICE_STATE_DIR                | $XDG_STATE_HOME/leeloo (~/.local/state/...) |
| LEELOO_DEVICE_TOKEN_FILE               | <state dir>/spotify-tokens.json (mode 0600) |
| LEELOO_DEVICE_SNAPSHOT_FILE            | <state dir>/playback.json (last snapshot)   |
| LEELOO_DEVICE_SPOTIFY_ACCOUNTS_URL     | https://accounts.spotify.com                |
| LEELOO_DEVICE_SPOTIFY_API_URL          | https://api.spotify.com                     |
| LEELOO_DEVICE_SPOTIFY_CLIENT_ID        | (empty: the relay's, once paired)           |
| LEELOO_DEVICE_LOGIN_WARNING_DAYS       | 7 ("login expires in N days" from then)     |
| LEELOO_DEVICE_REQUEST_TIMEOUT          | 10 (seconds per Spotify request)            |
| LEELOO_DEVICE_POLL_CHECK               | 30 (longest poll gap while playing, seconds;|
|                                        | 60 halves the calls, slows skips: see       |
|                                        | docs/benchmarks.md "Poll schedule")         |

Malformed values raise ConfigError naming the variable. No setting here is a secret
(PKCE has no client secret; tokens live in the 0600 token file, never in the
environment), so the plain dataclass `repr` is safe to log; a secret added later must
be masked there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PREFIX = "LEELOO_DEVICE_"


class ConfigError(ValueError):
    """A setting that cannot be used, with the variable's name in the message."""


@dataclass(frozen=True)
class DeviceSettings:
    state_dir: Path
    token_file: Path
    snapshot_file: Path
    spotify_accounts_url: str = "https://accounts.spotify.com"
    spotify_api_url: str = "https://api.spotify.com"
    spotify_client_id: str = ""
    login_warning_days: int = 7
    request_timeout: float = 10.0
    poll_check: float = 30.0


def read_env_file(path: Path) -> dict[str, str]:
    """`KEY=VALUE` lines of a `.env` file (`#` comments, optional quotes); {} if absent."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep:
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_settings(environ: Mapping[str, str]) -> DeviceSettings:
    """Settings from `environ` over its `.env` file over the defaults."""
    env = {**read_env_file(Path(environ.get(PREFIX + "ENV_FILE", ".env"))), **environ}

    def get(name: str) -> str | None:
        value = env.get(PREFIX + name.upper())
        return value if value else None

    state_dir = Path(get("state_dir") or _default_state_dir(env))
    values: dict[str, object] = {
        "state_dir": state_dir,
        "token_file": Path(get("token_file") or state_dir / "spotify-tokens.json"),
        "snapshot_file": Path(get("snapshot_file") or state_dir / "playback.json"),
    }
    for f in dataclasses.fields(DeviceSettings)[3:]:
        raw = get(f.name)
        if raw is not None:
            values[f.name] = _convert(PREFIX + f.name.upper(), raw, type(f.default))
    settings = DeviceSettings(**values)  # type: ignore[arg-type]
    for name in ("spotify_accounts_url", "spotify_api_url"):
        if not getattr(settings, name).startswith(("https://", "http://")):
            raise ConfigError(f"{PREFIX}{name.upper()} must be an http(s) URL")
    if settings.login_warning_days < 0 or settings.request_timeout <= 0 or settings.poll_check < 1:
        raise ConfigError(
            f"out of range: {PREFIX}LOGIN_WARNING_DAYS must be >= 0, "
            f"{PREFIX}REQUEST_TIMEOUT > 0 and {PREFIX}POLL_CHECK >= 1"
        )
    return settings


def _convert(name: str, raw: str, kind: type) -> object:
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {kind.__name__}, got {raw!r}") from None


def _default_state_dir(env: Mapping[str, str]) -> Path:
    # XDG Base Directory Specification: state data goes under $XDG_STATE_HOME.
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local/state")
    return Path(base) / "leeloo"
