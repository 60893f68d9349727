"""The one `leeloo` command and its subcommands.

Each subcommand has a light `cli` module in its program's package (arguments only); the
program itself is imported by `run`, so `leeloo emulator` never loads the device or relay.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from leeloo import __version__

# subcommand -> (module with add_arguments() and run(), help line)
_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("leeloo.demo.cli", "the whole system on loopback, nothing to configure"),
    "emulator": ("leeloo.emulator.cli", "the Spotify + weather emulator (for tests and the demo)"),
    "bench": ("leeloo.bench.cli", "measure speed and memory"),
    "relay": ("leeloo.relay.cli", "the relay: device links, pairing pages, health and metrics"),
    "device": ("leeloo.device.cli", "the device: Spotify now playing (--once --json: poll once)"),
    "doctor": ("leeloo.doctor.cli", "check a device or relay setup and say what is wrong"),
    "push": ("leeloo.device.pushcli", "push a song (link or search words) to your crew"),
    "say": ("leeloo.device.saycli", "send a text message to your crew"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leeloo",
        description="LEELOO: now playing and music from your friends.",
    )
    parser.add_argument("--version", action="version", version=f"leeloo {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_line) in _COMMANDS.items():
        module = importlib.import_module(module_name)
        cmd = sub.add_parser(name, help=help_line, description=module.__doc__)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
