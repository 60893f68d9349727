"""Push a song to your crew: `leeloo push <link|words> [--note TEXT]`.

A Spotify link or URI is resolved by the relay; anything else is search words, which the
relay asks this device to search with its own Spotify login (the device must be online).
Exit codes: 0 sent, 1 refused, 2 usage, 3 bad credentials, 4 rate limited, 5 unreachable.
"""

from __future__ import annotations

import argparse

from leeloo.core import messages as wire
from leeloo.core.spotifylink import looks_like_link
from leeloo.device.sendcli import add_common, send_from_args
from leeloo.device.sender import new_key


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("song", nargs="+", help="a Spotify link or URI, or search words")
    parser.add_argument("--note", help="a short note shown with the song")
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    text = " ".join(args.song).strip()
    link = looks_like_link(text)
    item = wire.ItemSend(new_key(), wire.ItemKind.SONG, link=text if link else None,
                         words=None if link else text, note=args.note)  # fmt: skip
    return send_from_args(args, item)
