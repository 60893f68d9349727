"""Run the relay: device links, pairing pages and the OAuth callback, health and metrics.

Settings come from LEELOO_RELAY_* environment variables and an optional .env file
(docs/configuration.md); the options below override them."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (LEELOO_RELAY_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (LEELOO_RELAY_PORT)")
    parser.add_argument("--store", help="store URL: sqlite:///path or memory: (LEELOO_RELAY_STORE)")


def run(args: argparse.Namespace) -> int:
    from leeloo.relay.server import serve

    overrides = {k: v for k in ("host", "port", "store") if (v := getattr(args, k)) is not None}
    return serve(overrides)
