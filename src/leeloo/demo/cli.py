"""Run LEELOO on loopback with embedded defaults. For now this starts the Spotify
emulator (the stand-in for Spotify that the whole system is tested against); the full
demo, with a relay and three devices, arrives with its issue."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8700, help="port to listen on")


def run(args: argparse.Namespace) -> int:
    from leeloo.emulator.server import serve

    print("LEELOO demo: the relay and devices are not built yet; starting the emulator.")
    return serve(host=args.host, port=args.port, scenario="playing", fake_clock=False)
