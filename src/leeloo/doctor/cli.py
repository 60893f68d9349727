"""Check this machine's LEELOO setup and say, in words, what is wrong and what to do.

`leeloo doctor` checks the device side, the relay side, or both (default: whichever has
settings: LEELOO_DEVICE_* / LEELOO_RELAY_* in the environment, ./.env or
/etc/leeloo/<side>.env). One line per check (ok, warn, FAIL), the fix under each
problem. Exit status 1 if any check failed; warnings alone give 0; 2 if --env-file is missing.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", action="store_true", help="check the device side")
    parser.add_argument("--relay", action="store_true", help="check the relay side")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--env-file", type=Path, help="read settings from this file (e.g. /etc/leeloo/device.env)"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds per HTTP request (default 10)"
    )


def run(args: argparse.Namespace) -> int:
    import logging
    import os
    import sys

    import anyio

    from leeloo.clock import SystemClock
    from leeloo.doctor import findings, sides

    if args.env_file is not None and not args.env_file.is_file():
        print(f"leeloo doctor: no settings file at {args.env_file}", file=sys.stderr)
        return 2
    environs = {
        side: sides.side_environ(os.environ, side, args.env_file) for side in sides.PREFIXES
    }
    chosen = sides.choose_sides(args.device, args.relay, environs)
    clock = SystemClock()
    httpx_log = logging.getLogger("httpx")
    level = httpx_log.level
    if not getattr(args, "verbose", False):
        httpx_log.setLevel(logging.WARNING)  # a line per request is noise in a report

    async def examine_all() -> list[findings.Section]:
        return [await sides.examine(s, environs[s], args.timeout, clock) for s in chosen]

    try:
        report = anyio.run(examine_all)
    finally:
        httpx_log.setLevel(level)
    print(findings.render_json(report) if args.json else findings.render_text(report))
    return findings.exit_code(report)
