"""The relay's settings: one frozen object, read once from the environment and `.env`.

Every setting is a `LEELOO_RELAY_*` environment variable (table in docs/configuration.md);
a `.env` file (path: `LEELOO_RELAY_ENV_FILE`, default `.env`) fills in what the
environment does not set. Malformed values raise ConfigError naming the variable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from leeloo.relay.errors import ConfigError
from leeloo.settings import SettingError, convert, environment

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


def load_settings(environ: Mapping[str, str], **overrides: object) -> RelaySettings:
    """Settings from `environ` over its `.env` file over the defaults, then `overrides`."""
    values: dict[str, object] = {}
    try:
        merged = environment(environ, PREFIX)
        for field in dataclasses.fields(RelaySettings):
            name = PREFIX + field.name.upper()
            if name in merged:
                values[field.name] = convert(name, merged[name], type(field.default))
    except SettingError as exc:
        raise ConfigError(str(exc)) from exc
    values.update(overrides)
    return RelaySettings(**values)  # type: ignore[arg-type]
