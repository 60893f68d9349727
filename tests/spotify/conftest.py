"""Fixtures: the Spotify client and token session against the emulator, in-process.

The emulator app is served through `httpx.ASGITransport` on the shared FakeClock, by
`leeloo.testing.spotify.EmulatedSpotify`, which logs when each request reached it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.emulator.world import World
from leeloo.spotify.client import SpotifyClient
from leeloo.spotify.session import TokenSession
from leeloo.spotify.store import FileTokenStore
from leeloo.testing import FakeClock
from leeloo.testing.spotify import BASE_URL as BASE
from leeloo.testing.spotify import EmulatedSpotify, mint_tokens


@pytest.fixture
def scenario() -> str:
    return "playing"


@pytest.fixture
def user() -> str:
    return "alice"


@pytest.fixture
def world(clock: FakeClock, scenario: str) -> World:
    return build_world(clock, scenario)


@pytest.fixture
def transport(world: World) -> EmulatedSpotify:
    return EmulatedSpotify(world)


@pytest.fixture
async def http(transport: EmulatedSpotify) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


@pytest.fixture
def store(tmp_path: Path, world: World, clock: FakeClock, user: str) -> FileTokenStore:
    store = FileTokenStore(tmp_path / "state" / "spotify-tokens.json")
    store.save(mint_tokens(world, clock, user))
    return store


@pytest.fixture
def session(store: FileTokenStore, http: httpx.AsyncClient, clock: FakeClock) -> TokenSession:
    return TokenSession(store, http, clock, accounts_url=BASE, client_id=LEELOO_CLIENT_ID)


@pytest.fixture
def spotify(session: TokenSession, http: httpx.AsyncClient, clock: FakeClock) -> SpotifyClient:
    return SpotifyClient(http, session, clock, api_url=BASE)
