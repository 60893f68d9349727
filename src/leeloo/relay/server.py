"""Serve the relay with uvicorn (`leeloo relay`).

uvicorn is told what the protocol needs: WebSocket frames capped at `max_frame`
(it closes with 1009 itself), permessage-deflate off (device frames are small and
deflate costs ~40 KB per connection), and no uvicorn keepalive pings (the hub sweeps
pings from one timer). After start-up `gc.freeze()` moves everything built so far out
of the collector's sight, so a full collection walks only what connections create.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Mapping

import uvicorn

from leeloo.relay.app import build_relay, create_app
from leeloo.relay.config import RelaySettings, load_settings
from leeloo.relay.crewconfig import load_crew_settings
from leeloo.relay.errors import ConfigError
from leeloo.relay.store import open_store

log = logging.getLogger(__name__)


def uvicorn_config(settings: RelaySettings) -> uvicorn.Config:
    crew = load_crew_settings(os.environ)
    relay = build_relay(settings, open_store(settings.store), crew_settings=crew)
    return uvicorn.Config(
        create_app(relay),
        host=settings.host,
        port=settings.port,
        ws=settings.ws_impl,
        ws_max_size=settings.max_frame,
        ws_per_message_deflate=False,
        ws_ping_interval=None,
        ws_ping_timeout=None,
        backlog=4096,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
    )


def _log_to(settings: RelaySettings) -> None:
    if settings.log_file:
        handler = logging.FileHandler(settings.log_file)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)


def serve(overrides: Mapping[str, object], environ: Mapping[str, str] | None = None) -> int:
    try:
        settings = load_settings(os.environ if environ is None else environ, **overrides)
        if not settings.spotify_client_id:
            raise ConfigError("LEELOO_RELAY_SPOTIFY_CLIENT_ID is required (your Spotify app)")
        config = uvicorn_config(settings)
    except ConfigError as exc:
        print(f"leeloo relay: {exc}", file=sys.stderr)
        return 2
    _log_to(settings)
    server = uvicorn.Server(config)
    log.info("relay on %s (callback %s)", settings.base_url, settings.callback_url)
    gc.collect()
    gc.freeze()
    server.run()
    return 0
