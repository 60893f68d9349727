"""Serve the emulator over HTTP with uvicorn (`leeloo emulator`)."""

from __future__ import annotations

import logging

import uvicorn

from leeloo.clock import Clock, SystemClock
from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.testing import FakeClock

log = logging.getLogger(__name__)


def banner(base: str, scenario: str, fake_clock: bool) -> str:
    clock = "a fake clock (POST /_emulator/clock/advance moves it)" if fake_clock else "real time"
    return "\n".join(
        [
            f"LEELOO Spotify emulator on {base}  (scenario: {scenario}, {clock})",
            "  A stand-in for Spotify's accounts service, Web API, oEmbed, scan codes and",
            "  cover images, plus an Open-Meteo-shaped weather API. No internet, no accounts.",
            f"  Accounts: {base}/authorize  {base}/api/token   (client_id {LEELOO_CLIENT_ID})",
            f"  Web API:  {base}/v1/me/player/currently-playing",
            f"  Control:  {base}/_emulator/state   (docs/emulator.md)",
            "  Test users: alice, bob, carol, dave, erin (password: <name>-pass). Ctrl-C stops.",
        ]
    )


def serve(*, host: str, port: int, scenario: str, fake_clock: bool) -> int:
    clock: Clock = FakeClock() if fake_clock else SystemClock()
    world = build_world(clock, scenario)
    base = f"http://{host}:{port}"
    print(banner(base, scenario, fake_clock), flush=True)
    uvicorn.run(create_app(world), host=host, port=port, log_level="warning")
    return 0
