"""Run the Spotify emulator: accounts, Web API, oEmbed, scan codes, images and weather,
at Spotify's own paths on one base URL, with a scripted world (see docs/emulator.md)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from leeloo.emulator.scenarios import SCENARIOS

    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8700, help="port to listen on")
    parser.add_argument(
        "--scenario",
        default="playing",
        choices=sorted(SCENARIOS),
        help="the world to start with (default: playing)",
    )
    parser.add_argument(
        "--fake-clock",
        action="store_true",
        help="run on a virtual clock moved only by POST /_emulator/clock/advance",
    )


def run(args: argparse.Namespace) -> int:
    from leeloo.emulator.server import serve

    return serve(host=args.host, port=args.port, scenario=args.scenario, fake_clock=args.fake_clock)
