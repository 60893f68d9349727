"""The Spotify Web API client for the few calls the device needs (httpx, async).

`currently_playing()` always returns a :data:`leeloo.core.playback.PlaybackResult`,
never raises for anything Spotify or the network does:

- no tokens / `invalid_grant` → NeedsPairing; refresh unavailable → Unavailable (or
  RateLimited when the accounts service said when);
- a 401 → one refresh, one retry (spotify.md); a second 401 is returned as is;
- a 429 → RateLimited, and a circuit opens until Retry-After (capped: `core.schedule.
  reopens_at`): every call before then returns RateLimited without touching the network.
  The client never sleeps on a 429 (spotify.md, "never sleep inside the HTTP client").

Every request is counted in `calls` (token requests too, through the session).
"""

from __future__ import annotations

import logging

import httpx

from leeloo.clock import Clock
from leeloo.core.playback import (
    NeedsPairing,
    PairingReason,
    PlaybackResult,
    RateLimited,
    Unauthorized,
    Unavailable,
    parse_currently_playing,
)
from leeloo.core.schedule import DEFAULT_POLICY, PollPolicy, reopens_at
from leeloo.spotify.calls import DEFAULT_TIMEOUT_S, CallCounter, send
from leeloo.spotify.errors import (
    GrantGoneError,
    NotPairedError,
    RefreshUnavailableError,
    TokenStoreError,
    UnreachableError,
)
from leeloo.spotify.session import TokenSession

log = logging.getLogger(__name__)

CURRENTLY_PLAYING = "/v1/me/player/currently-playing"
# Without `episode` here, an episode comes back with `item: null` (spotify.md).
ADDITIONAL_TYPES = "track,episode"


class SpotifyClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        session: TokenSession,
        clock: Clock,
        *,
        api_url: str,
        policy: PollPolicy = DEFAULT_POLICY,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.session = session
        self._http, self._clock = http, clock
        self._url = api_url.rstrip("/") + CURRENTLY_PLAYING
        self._policy, self._timeout = policy, timeout
        self._circuit: RateLimited | None = None

    @property
    def calls(self) -> CallCounter:
        return self.session.calls

    def login_expires_in_days(self) -> int | None:
        try:
            return self.session.login_expires_in_days()
        except TokenStoreError:
            return None

    async def currently_playing(self) -> PlaybackResult:
        """What the owner plays now, as one typed result (see the module docstring)."""
        now = self._clock.time()
        if self._circuit is not None and now < self._circuit.until:
            return RateLimited(self._circuit.until, self._circuit.quota, now)
        try:
            token = await self.session.access_token()
            result = await self._get(token)
            if isinstance(result, Unauthorized):
                log.info("access token refused (%s): refreshing once", result.message)
                token = (await self.session.refresh(stale=token)).access_token
                result = await self._get(token)
        except (NotPairedError, TokenStoreError):
            return NeedsPairing(PairingReason.NOT_PAIRED, self._clock.time())
        except GrantGoneError as exc:
            return NeedsPairing(exc.reason, self._clock.time())
        except RefreshUnavailableError as exc:
            if exc.retry_at is not None:
                return RateLimited(exc.retry_at, False, self._clock.time())
            return Unavailable(exc.reason, self._clock.time())
        if isinstance(result, RateLimited):
            self._circuit = RateLimited(
                reopens_at(result, self._policy), result.quota, result.fetched_at
            )
            log.warning(
                "rate limited by Spotify until %.0f (quota: %s)", self._circuit.until, result.quota
            )
        return result

    async def _get(self, token: str) -> PlaybackResult:
        request = self._http.build_request(
            "GET", self._url, params={"additional_types": ADDITIONAL_TYPES},
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        try:
            response = await send(self._http, request, clock=self._clock, calls=self.calls,
                                  endpoint="currently-playing", limit_s=self._timeout)  # fmt: skip
        except UnreachableError as exc:
            return Unavailable(str(exc), self._clock.time())
        return parse_currently_playing(
            response.status_code, response.headers, response.content, self._clock.time()
        )
