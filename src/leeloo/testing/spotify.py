"""Spotify in-process, for tests and benchmarks: the emulator behind an httpx transport.

`EmulatedSpotify` serves the emulator app through `httpx.ASGITransport` (no sockets) on
the world's clock and logs (virtual time, path) of every request that reached it: a real
transport with a log, not a mock. `mint_tokens` gives a token set as if the user had just
logged in, without the login pages.
"""

from __future__ import annotations

import httpx

from leeloo.clock import Clock
from leeloo.core.tokens import TokenSet
from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID
from leeloo.emulator.world import World

BASE_URL = "http://emulator.test"


class EmulatedSpotify(httpx.AsyncBaseTransport):
    """The emulator app as an httpx transport, keeping a log of requests."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._inner = httpx.ASGITransport(app=create_app(world))
        self.log: list[tuple[float, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.log.append((self.world.clock.time(), request.url.path))
        return await self._inner.handle_async_request(request)

    def times(self, path: str) -> list[float]:
        """When requests to `path` arrived (wall time of the world's clock)."""
        return [t for t, p in self.log if p == path]

    def paths(self) -> list[str]:
        return [p for _, p in self.log]


def mint_tokens(
    world: World, clock: Clock, user: str = "alice", client_id: str = LEELOO_CLIENT_ID
) -> TokenSet:
    """A token set for `user`, as if they had just logged in to `client_id`."""
    raw = world.mint(user, client_id)
    return TokenSet.from_json({**raw, "expires_at": clock.time() + float(str(raw["expires_in"]))})
