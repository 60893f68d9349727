"""Send a text message to your crew: `leeloo say <text>`.

Exit codes: 0 sent, 1 refused, 2 usage, 3 bad credentials, 4 rate limited, 5 unreachable.
"""

from __future__ import annotations

import argparse

from leeloo.core import messages as wire
from leeloo.device.sendcli import add_common, send_from_args
from leeloo.device.sender import new_key


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="the message (words are joined by spaces)")
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    item = wire.ItemSend(new_key(), wire.ItemKind.TEXT, text=" ".join(args.text))
    return send_from_args(args, item)
