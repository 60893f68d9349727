"""Push by search words, the device's half: the relay asks, the device searches Spotify.

`SpotifySearch(words)` asks `GET {api_url}/v1/search?q=<words>&type=track&limit=1` with the
device's own access token (the relay never holds one) and returns the first track's URI.
Every failure is a `SearchFailedError` whose message goes back to the sender in words:
not connected to Spotify, nothing found, Spotify unreachable or refusing.
"""

from __future__ import annotations

import logging

import httpx

from leeloo.clock import Clock
from leeloo.device.crews import SearchFailedError
from leeloo.spotify.calls import send
from leeloo.spotify.errors import AuthError, UnreachableError
from leeloo.spotify.session import TokenSession

log = logging.getLogger(__name__)


class SpotifySearch:
    def __init__(self, http: httpx.AsyncClient, session: TokenSession, clock: Clock, *,
                 api_url: str, timeout: float) -> None:  # fmt: skip
        self.http = http
        self.session = session
        self.clock = clock
        self.url = api_url.rstrip("/") + "/v1/search"
        self.timeout = timeout

    async def __call__(self, words: str) -> str:
        """The URI of the first track Spotify finds for `words` (SearchFailedError if none)."""
        try:
            token = await self.session.access_token()
        except AuthError:
            raise SearchFailedError("this LEELOO is not connected to Spotify") from None
        request = self.http.build_request(
            "GET", self.url, params={"q": words, "type": "track", "limit": "1"},
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        try:
            answer = await send(self.http, request, clock=self.clock, calls=self.session.calls,
                                endpoint="search", limit_s=self.timeout)  # fmt: skip
        except UnreachableError:
            raise SearchFailedError("Spotify did not answer the search: try again") from None
        if answer.status_code != 200:
            log.info("search refused by Spotify: %d", answer.status_code)
            raise SearchFailedError(f"Spotify refused the search ({answer.status_code})")
        try:
            items = answer.json()["tracks"]["items"]
            uri = str(items[0]["uri"]) if items else ""
        except (ValueError, KeyError, TypeError, IndexError):
            raise SearchFailedError("Spotify's answer to the search was unreadable") from None
        if not uri:
            raise SearchFailedError(f"no track found for {words!r}")
        return uri
