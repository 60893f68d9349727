"""What `leeloo push` and `leeloo say` share: credentials, settings, running one send."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

import httpx

from leeloo.clock import SystemClock
from leeloo.core import messages as wire
from leeloo.device.config import ConfigError, load_settings
from leeloo.device.link import CredentialFile, Credentials
from leeloo.device.sender import DELAYS, EXIT_USAGE, ItemSender, SendFailedError, Sent


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--credentials", type=Path, metavar="PATH",
                        help="the device's credentials file (default: the device's settings, "
                             "LEELOO_DEVICE_CREDENTIAL_FILE)")  # fmt: skip
    parser.add_argument("--relay", metavar="URL",
                        help="the relay (default: LEELOO_DEVICE_RELAY_URL)")  # fmt: skip
    parser.add_argument("--retries", type=int, default=len(DELAYS), metavar="N",
                        help="retries after a network error, same key (default 3)")  # fmt: skip


def send_from_args(args: argparse.Namespace, item: wire.ItemSend) -> int:
    """Send `item` as `args` say; prints the outcome, returns the exit code (sender.py)."""
    try:
        settings = load_settings(os.environ)
    except ConfigError as exc:
        print(f"leeloo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    path: Path = args.credentials or settings.credential_file
    credentials = CredentialFile(path).load() if path.is_file() else None
    if credentials is None:
        print(f"leeloo: no readable device credentials at {path}: run `leeloo device` once "
              "to register, or pass --credentials PATH", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    relay = args.relay or settings.relay_url
    delays = (DELAYS + DELAYS[-1:] * max(0, args.retries))[: max(0, args.retries)]
    try:
        sent = asyncio.run(_send(relay, credentials, item, delays, settings.request_timeout))
    except SendFailedError as exc:
        print(f"leeloo: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"sent to your crew ({sent.item_id})")
    return 0


async def _send(relay: str, credentials: Credentials, item: wire.ItemSend,
                delays: tuple[float, ...], limit_s: float) -> Sent:  # fmt: skip
    async with httpx.AsyncClient(timeout=limit_s) as http:
        return await ItemSender(http, relay, credentials, SystemClock(), delays=delays).send(item)
