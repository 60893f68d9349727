"""Run the LEELOO device: `leeloo device` links to the relay, pairs with Spotify through
it, shows what plays (with the weather and the crew) on the configured outputs, and
stops cleanly on SIGINT or SIGTERM. `leeloo device --once --json` polls Spotify once with
the stored tokens and prints the state as one JSON object (for support and tests).

Settings come from `LEELOO_DEVICE_*` variables and an optional `.env`
(docs/configuration.md).
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
    return _serve(settings)


async def once_state(
    settings: DeviceSettings, http: httpx.AsyncClient, clock: Clock
) -> dict[str, object]:
    """Poll once with the configured tokens; the state as a JSON-ready dict."""
    from leeloo.device.app import connect
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


def _serve(settings: DeviceSettings) -> int:
    import anyio

    from leeloo.clock import SystemClock
    from leeloo.device.app import run_device
    from leeloo.device.outputs.framebuffer import FramebufferError

    try:
        anyio.run(run_device, settings, SystemClock())
    except FramebufferError as exc:
        print(f"leeloo device: {exc} (LEELOO_DEVICE_FRAMEBUFFER_SYSFS)", file=sys.stderr)
        return 2
    return 0
