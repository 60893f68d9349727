"""The crew settings of the relay (`LEELOO_RELAY_*`, docs/configuration.md "Crews").

Kept beside `RelaySettings` as its own frozen object so crews can be configured (and
tested) without touching pairing's settings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from leeloo.relay.errors import ConfigError

PREFIX = "LEELOO_RELAY_"


@dataclass(frozen=True)
class CrewSettings:
    """Times in seconds."""

    oembed_url: str = "https://open.spotify.com"  # GET {oembed_url}/oembed?url=…
    short_link_url: str = "https://spotify.link"  # spotify.link/{code} is looked up here
    send_limit: int = 60  # items per device per minute (a burst of up to this many)
    invite_ttl: int = 48 * 3600
    claim_ttl: int = 600
    phone_session_ttl: int = 30 * 86400
    search_timeout: float = 10.0


def load_crew_settings(environ: Mapping[str, str], **overrides: object) -> CrewSettings:
    values: dict[str, object] = {}
    for field in dataclasses.fields(CrewSettings):
        raw = environ.get(PREFIX + field.name.upper())
        if raw is None:
            continue
        try:
            kind: type = type(field.default)
            values[field.name] = kind(raw)
        except ValueError:
            raise ConfigError(f"{PREFIX}{field.name.upper()} is malformed: {raw!r}") from None
    values.update(overrides)
    return CrewSettings(**values)  # type: ignore[arg-type]
