"""Spotify share links and URIs, parsed (../shared/design/spotify.md "Media without a user token").

Accepted forms, for the kinds `track`, `album`, `playlist`, `episode` and `show`:

    https://open.spotify.com/track/{id}            (query such as ?si=… and fragment ignored)
    https://open.spotify.com/intl-xx/track/{id}    (a locale segment: intl-de, intl-pt_BR…)
    spotify:track:{id}
    https://spotify.link/{code}                    (a short link: needs a redirect lookup)

`parse_spotify_link` returns a `SpotifyRef` (kind + 22-character base-62 id), a `ShortLink`
to resolve by following its redirect (then parse the target again), or raises
`SpotifyLinkError` whose message says, in words, what is wrong. Artists and anything else
are refused: a crew push names something one can play.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

KINDS = ("track", "album", "playlist", "episode", "show")
ID_LENGTH = 22
_ID = re.compile(r"[0-9A-Za-z]{22}")
_INTL = re.compile(r"intl-[A-Za-z]{2}(?:[-_][A-Za-z]{2})?")
_SHORT_CODE = re.compile(r"[0-9A-Za-z_-]{1,64}")
OPEN_HOST = "open.spotify.com"
SHORT_HOST = "spotify.link"


class SpotifyLinkError(ValueError):
    """Not a Spotify link LEELOO can push; the message says why, for the sender."""


@dataclass(frozen=True)
class SpotifyRef:
    """One playable Spotify item."""

    kind: str
    id: str

    @property
    def uri(self) -> str:
        return f"spotify:{self.kind}:{self.id}"

    @property
    def url(self) -> str:
        """The canonical open.spotify.com link (what oEmbed takes)."""
        return f"https://{OPEN_HOST}/{self.kind}/{self.id}"


@dataclass(frozen=True)
class ShortLink:
    """A spotify.link short link: follow its redirect, then parse where it points."""

    code: str

    @property
    def url(self) -> str:
        return f"https://{SHORT_HOST}/{self.code}"


def _ref(kind: str, item_id: str) -> SpotifyRef:
    if kind not in KINDS:
        raise SpotifyLinkError(
            f"a Spotify {kind or 'item'} cannot be pushed: send a track, album, playlist, "
            "episode or show"
        )
    if not _ID.fullmatch(item_id):
        raise SpotifyLinkError("the Spotify id in this link is not valid (22 letters and digits)")
    return SpotifyRef(kind, item_id)


def parse_spotify_link(text: str) -> SpotifyRef | ShortLink:
    """The item `text` names, a short link to resolve, or SpotifyLinkError."""
    text = text.strip()
    if text.startswith("spotify:"):
        parts = text.split(":")
        if len(parts) != 3:
            raise SpotifyLinkError("a Spotify URI looks like spotify:track:<id>")
        return _ref(parts[1], parts[2])
    if "://" not in text and text.split("/")[0] in (OPEN_HOST, SHORT_HOST):
        text = "https://" + text  # pasted without its scheme
    try:
        split = urlsplit(text)
        host = (split.hostname or "").lower()
    except ValueError:
        raise SpotifyLinkError("this is not a link") from None
    if split.scheme not in ("http", "https") or not host:
        raise SpotifyLinkError("not a Spotify link: paste an open.spotify.com or spotify.link link")
    segments = [s for s in split.path.split("/") if s]
    if host == SHORT_HOST:
        if len(segments) != 1 or not _SHORT_CODE.fullmatch(segments[0]):
            raise SpotifyLinkError("this spotify.link link is incomplete")
        return ShortLink(segments[0])
    if host != OPEN_HOST:
        raise SpotifyLinkError(f"not a Spotify link ({host[:60]}): only Spotify links are pushed")
    if segments and _INTL.fullmatch(segments[0]):
        segments = segments[1:]
    if len(segments) != 2:
        raise SpotifyLinkError("this Spotify link does not name a track, album or playlist")
    return _ref(segments[0], segments[1])


def looks_like_link(text: str) -> bool:
    """Whether `text` is meant as a link or URI (else: search words)."""
    text = text.strip()
    return text.startswith("spotify:") or "://" in text or text.startswith((OPEN_HOST, SHORT_HOST))
