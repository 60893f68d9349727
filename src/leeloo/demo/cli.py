"""Run the whole LEELOO system on loopback, nothing to configure: the Spotify emulator, a
relay on SQLite and three devices (Amy, Ben and Cat), each a real `leeloo device` with its
own state directory, paired with Spotify through the real QR flow (a scripted phone) and
in one crew. A story plays, faster than real time: Amy listens, Ben pushes a song with a
note, Cat sends a message and proposes a hang that Amy confirms, Cat's network goes down
and it comes back to find what it missed. Open the one URL printed for the three screens
live, with controls. Ctrl-C stops everything. `--headless --duration S --out DIR` runs
without the page and writes each device's final screen (PNG) and summary.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--speed",
        type=float,
        default=8.0,
        help="how much faster than real time the story plays (default 8)",
    )
    parser.add_argument(
        "--port", type=int, default=8700, help="the page's port (default 8700; 0: any free port)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="the page's address")
    parser.add_argument("--headless", action="store_true", help="no page: run, write, stop")
    parser.add_argument(
        "--duration",
        type=float,
        default=60.0,
        help="headless: seconds to run after the story starts (default 60)",
    )
    parser.add_argument("--out", type=Path, help="headless: where the PNGs and summary go")
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="an empty or new directory for every program's files "
        "(default: a fresh temporary directory)",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from leeloo.demo.run import DemoOptions, run_demo

    if args.speed <= 0 or args.duration <= 0:
        print("leeloo demo: --speed and --duration must be above 0", file=sys.stderr)
        return 2
    state_dir: Path = args.state_dir or Path(tempfile.mkdtemp(prefix="leeloo-demo-"))
    if state_dir.exists() and any(state_dir.iterdir()):
        print(
            f"leeloo demo: {state_dir} is not empty; give a new or empty --state-dir",
            file=sys.stderr,
        )
        return 2
    state_dir.mkdir(parents=True, exist_ok=True)
    options = DemoOptions(
        state_dir=state_dir.resolve(),
        speed=args.speed,
        port=args.port,
        host=args.host,
        headless=args.headless,
        duration=args.duration,
        out=args.out,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise here
    _say(f"LEELOO demo: everything on loopback; files under {options.state_dir}")
    return asyncio.run(run_demo(options, _say))


def _say(line: str) -> None:
    print(line, flush=True)
