"""Every call to Spotify goes through :func:`send`: counted, and bounded by the clock.

The deadline races the request against `clock.sleep(timeout)`, so a test on a fake clock
sees a slow emulator time out in virtual seconds, and production gets the same rule on
the system clock (httpx's own timeout stays configured as a backstop).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

import httpx

from leeloo.clock import Clock
from leeloo.spotify.errors import UnreachableError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0


class CallCounter:
    """How many requests were sent to Spotify, per endpoint name (spotify.md: every call
    counts against the app's shared budget)."""

    def __init__(self) -> None:
        self.by_endpoint: Counter[str] = Counter()

    def count(self, endpoint: str) -> None:
        self.by_endpoint[endpoint] += 1

    @property
    def total(self) -> int:
        return sum(self.by_endpoint.values())


async def send(
    http: httpx.AsyncClient,
    request: httpx.Request,
    *,
    clock: Clock,
    calls: CallCounter,
    endpoint: str,
    limit_s: float = DEFAULT_TIMEOUT_S,
) -> httpx.Response:
    """Send `request` (counted as `endpoint`); raise UnreachableError if no answer comes.

    `limit_s` is measured on `clock` (not `asyncio.timeout`, which follows the event
    loop's real time and would never fire inside a fake-clock test).
    """
    calls.count(endpoint)
    fetch = asyncio.ensure_future(http.send(request))
    timer = asyncio.ensure_future(clock.sleep(limit_s))
    try:
        done, _ = await asyncio.wait({fetch, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
        if not fetch.done():
            fetch.cancel()
    if fetch not in done:
        log.info("%s: no answer within %.0f s", endpoint, limit_s)
        raise UnreachableError("timeout")
    try:
        return fetch.result()
    except httpx.TimeoutException as exc:
        raise UnreachableError("timeout") from exc
    except httpx.HTTPError as exc:
        log.info("%s: %s", endpoint, type(exc).__name__)
        raise UnreachableError(f"network: {type(exc).__name__}") from exc
