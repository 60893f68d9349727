"""The relay's settings: one frozen object, read once from the environment and `.env`.

Every setting is a `LEELOO_RELAY_*` environment variable (table in docs/configuration.md);
a `.env` file (path: `LEELOO_RELAY_ENV_FILE`, default `.env`) fills in what the
environment does not set. Malformed values raise ConfigError naming the variable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from leeloo.relay.errors import ConfigError

PREFIX = "LEELOO_RELAY_"


@dataclass(frozen=True)
class RelaySettings:
    """Everything the relay reads at start-up; times in seconds, sizes in bytes."""

    host: str = "127.0.0.1"
    port: int = 8787
    public_url: str = ""  # what phones and devices use; http://host:port when empty
    store: str = "sqlite:///leeloo-relay.db"
    log_file: str = ""  # logs go to stderr when empty
    spotify_accounts_url: str = "https://accounts.spotify.com"
    spotify_client_id: str = ""
    max_frame: int = 64 * 1024
    ping_interval: int = 20
    ping_timeout: int = 50
    hello_timeout: int = 10
    sweep_interval: float = 1.0
    max_errors: int = 20
    pairing_ttl: int = 600
    poll_interval: int = 5
    code_hold: int = 60
    guess_limit: int = 20
    register_limit: int = 30
    ws_impl: str = "websockets-sansio"

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def callback_url(self) -> str:
        """The OAuth redirect URI to register with the Spotify app (exact match)."""
        return f"{self.base_url}/spotify/callback"


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


def load_settings(environ: Mapping[str, str], **overrides: object) -> RelaySettings:
    """Settings from `environ` over its `.env` file over the defaults, then `overrides`."""
    env_file = Path(environ.get(PREFIX + "ENV_FILE", ".env"))
    merged = {**read_env_file(env_file), **environ}
    values: dict[str, object] = {}
    for field in dataclasses.fields(RelaySettings):
        name = PREFIX + field.name.upper()
        if name not in merged:
            continue
        raw = merged[name]
        kind: Callable[[str], object] = type(field.default)
        try:
            values[field.name] = kind(raw)
        except ValueError:
            raise ConfigError(f"{name} must be {kind.__name__}, got {raw!r}") from None
    values.update(overrides)
    return RelaySettings(**values)  # type: ignore[arg-type]
