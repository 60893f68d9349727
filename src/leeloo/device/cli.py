"""Run the LEELOO device: `leeloo device` polls Spotify and logs what plays;
`leeloo device --once --json` polls once and prints the state as one JSON object.

Settings come from `LEELOO_DEVICE_*` variables and an optional `.env` (see
leeloo.device.config). The screen and the relay link join in later issues.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the program is imported by `run`, not when the parser is built
    import httpx

    from leeloo.clock import Clock
    from leeloo.device.config import DeviceSettings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="poll Spotify once, print, exit")
    parser.add_argument("--json", action="store_true", help="with --once: one JSON object")


def run(args: argparse.Namespace) -> int:
    from leeloo.device.config import ConfigError, load_settings

    try:
        settings = load_settings(os.environ)
    except ConfigError as exc:
        print(f"leeloo device: {exc}", file=sys.stderr)
        return 2
    if args.once:
        state = asyncio.run(_once(settings))
        print(json.dumps(state, indent=None if args.json else 2))
        return 0
    try:
        asyncio.run(_serve(settings))
    except KeyboardInterrupt:
        return 0
    return 0  # pragma: no cover - the engine runs until interrupted


async def once_state(
    settings: DeviceSettings, http: httpx.AsyncClient, clock: Clock
) -> dict[str, object]:
    """Poll once with the configured tokens; the state as a JSON-ready dict."""
    from leeloo.device.engine import connect
    from leeloo.spotify.client import SpotifyClient

    engine = connect(settings, http, clock)
    engine.restore()
    result = await engine.poll_once()
    calls = engine.source.calls if isinstance(engine.source, SpotifyClient) else None
    return {
        **engine.snapshot.to_json(),
        "result": type(result).__name__,
        "api_calls": dict(calls.by_endpoint) if calls else {},
    }


async def _once(settings: DeviceSettings) -> dict[str, object]:
    import httpx

    from leeloo.clock import SystemClock

    async with httpx.AsyncClient(timeout=30.0) as http:
        return await once_state(settings, http, SystemClock())


async def _serve(settings: DeviceSettings) -> None:  # pragma: no cover - runs until interrupted
    import httpx

    from leeloo.clock import SystemClock
    from leeloo.device.engine import connect

    async with httpx.AsyncClient(timeout=30.0) as http:
        engine = connect(settings, http, SystemClock())
        engine.restore()
        await engine.run()
