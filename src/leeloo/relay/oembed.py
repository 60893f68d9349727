"""Song links to (URI, title, art URL) through Spotify's oEmbed (no Spotify login needed).

`resolve(text)` parses the link (core/spotifylink.py); a spotify.link short link is looked
up first (one GET, redirects not followed: its `Location` is the open.spotify.com link);
then `GET {oembed_url}/oembed?url=<open.spotify.com link>` gives title and thumbnail.
Every failure is a `LinkRefusedError` whose message the sender sees.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from leeloo.core.spotifylink import ShortLink, SpotifyLinkError, SpotifyRef, parse_spotify_link
from leeloo.relay.errors import RelayError

log = logging.getLogger(__name__)


class LinkRefusedError(RelayError):
    """The link is not a pushable Spotify item; the message says why, in words."""


@dataclass(frozen=True)
class Song:
    uri: str
    title: str
    art_url: str


class OEmbed:
    def __init__(self, http: httpx.AsyncClient, oembed_url: str, short_link_url: str) -> None:
        self.http = http
        self.oembed_url = oembed_url.rstrip("/")
        self.short_link_url = short_link_url.rstrip("/")

    async def _follow(self, short: ShortLink) -> SpotifyRef:
        try:
            answer = await self.http.get(f"{self.short_link_url}/{short.code}")
        except httpx.HTTPError as exc:
            raise LinkRefusedError("spotify.link could not be reached: try again") from exc
        target = answer.headers.get("location", "")
        if answer.status_code not in (301, 302, 303, 307, 308) or not target:
            raise LinkRefusedError("this spotify.link link leads nowhere")
        ref = parse_spotify_link(target)
        if not isinstance(ref, SpotifyRef):
            raise LinkRefusedError("this spotify.link link leads nowhere")
        return ref

    async def resolve(self, text: str) -> Song:
        try:
            ref = parse_spotify_link(text)
            if isinstance(ref, ShortLink):
                ref = await self._follow(ref)
        except SpotifyLinkError as exc:
            raise LinkRefusedError(str(exc)) from exc
        try:
            answer = await self.http.get(f"{self.oembed_url}/oembed", params={"url": ref.url})
        except httpx.HTTPError as exc:
            raise LinkRefusedError("Spotify could not be reached: try again") from exc
        if answer.status_code == 404:
            raise LinkRefusedError("Spotify does not know this link")
        if answer.status_code != 200:
            raise LinkRefusedError(f"Spotify answered {answer.status_code}: try again later")
        try:
            body = answer.json()
            return Song(ref.uri, str(body["title"]), str(body.get("thumbnail_url", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise LinkRefusedError("Spotify's answer about this link was unreadable") from exc
