"""The token session against the emulator's accounts service, on a fake clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from leeloo.core.playback import TrackPlaying
from leeloo.emulator.scenarios import DEFAULT_REDIRECT_URI, LEELOO_CLIENT_ID
from leeloo.emulator.token_endpoint import s256
from leeloo.emulator.world import World
from leeloo.spotify.client import CURRENTLY_PLAYING, SpotifyClient
from leeloo.spotify.errors import NotPairedError, RefreshUnavailableError
from leeloo.spotify.session import TokenSession
from leeloo.spotify.store import FileTokenStore, MemoryTokenStore
from leeloo.testing import FakeClock
from leeloo.testing.spotify import BASE_URL, EmulatedSpotify

HOUR = 3600.0


async def test_rotation_across_ten_hours(
    spotify: SpotifyClient, store: FileTokenStore, clock: FakeClock, transport: EmulatedSpotify,
    world: World,
) -> None:  # fmt: skip
    first = store.load()
    assert first is not None
    seen = {first.refresh_token}
    for _ in range(10 * 120):  # a poll every 30 s for 10 hours
        await clock.advance(30)
        assert isinstance(await spotify.currently_playing(), TrackPlaying)
        tokens = store.load()
        assert tokens is not None
        seen.add(tokens.refresh_token)
        assert tokens.consented_at == first.consented_at
    refreshes = transport.times("/api/token")
    assert len(refreshes) == 10  # one per hour, none after a 401
    assert len(seen) == 11  # every refresh rotated the refresh token
    assert not world.refresh_tokens[first.refresh_token].alive
    # Each refresh happened in the last minute of the token it replaced.
    expiries = [first.expires_at] + [t + HOUR for t in refreshes[:-1]]
    assert all(e - 60 <= t < e for e, t in zip(expiries, refreshes, strict=True))
    assert transport.paths().count(CURRENTLY_PLAYING) == 1200


@pytest.mark.parametrize("scenario", ["no_refresh_token"])
async def test_an_answer_without_refresh_token_keeps_the_old_one(
    spotify: SpotifyClient, store: FileTokenStore, clock: FakeClock
) -> None:
    first = store.load()
    assert first is not None
    for _ in range(5):
        await clock.advance(HOUR)
        assert isinstance(await spotify.currently_playing(), TrackPlaying)
        tokens = store.load()
        assert tokens is not None
        assert tokens.refresh_token == first.refresh_token
        assert tokens.access_token != first.access_token


async def test_fifty_callers_with_an_expired_token_cause_one_refresh(
    session: TokenSession, clock: FakeClock, transport: EmulatedSpotify, world: World
) -> None:
    await clock.advance(HOUR + 5)  # expired, not just due
    before = world.request_counts["accounts"]
    tokens = await asyncio.gather(*(session.access_token() for _ in range(50)))
    assert len(set(tokens)) == 1
    assert world.request_counts["accounts"] - before == 1
    assert len(transport.times("/api/token")) == 1


async def test_fifty_polls_refused_with_401_cause_one_refresh(
    spotify: SpotifyClient, store: FileTokenStore, world: World, transport: EmulatedSpotify
) -> None:
    old = store.load()
    assert old is not None
    world.access_tokens[old.access_token].revoked = True
    results = await asyncio.gather(*(spotify.currently_playing() for _ in range(50)))
    assert all(isinstance(r, TrackPlaying) for r in results)
    assert len(transport.times("/api/token")) == 1
    assert transport.paths().count(CURRENTLY_PLAYING) == 100  # 50 refused, 50 retried


async def test_the_store_is_reread_after_the_lock(
    session: TokenSession, store: FileTokenStore, clock: FakeClock, transport: EmulatedSpotify
) -> None:
    # Another process (or task) refreshed while we waited: no second refresh.
    stale = store.load()
    assert stale is not None
    await clock.advance(HOUR)
    fresh = await session.refresh(stale=stale.access_token)
    again = await session.refresh(stale=stale.access_token)
    assert again == fresh
    assert len(transport.times("/api/token")) == 1


async def test_a_code_exchange_starts_a_login(
    http: httpx.AsyncClient, clock: FakeClock, world: World
) -> None:
    store = MemoryTokenStore()
    session = TokenSession(store, http, clock, accounts_url=BASE_URL, client_id=LEELOO_CLIENT_ID)
    verifier = "v" * 64
    grant = world.consent("bob", LEELOO_CLIENT_ID, frozenset({"user-read-currently-playing"}))
    code = world.issue_code(grant, DEFAULT_REDIRECT_URI, s256(verifier))
    tokens = await session.exchange_code(code, DEFAULT_REDIRECT_URI, verifier)
    assert store.load() == tokens
    assert tokens.consented_at == clock.time()
    with pytest.raises(RefreshUnavailableError, match="code refused: invalid_grant"):
        await session.exchange_code(code, DEFAULT_REDIRECT_URI, verifier)  # single-use


async def test_a_code_exchange_while_accounts_is_down(
    http: httpx.AsyncClient, clock: FakeClock, world: World
) -> None:
    from leeloo.emulator.world import Fault

    world.faults.append(Fault("accounts", "status", status=502))
    session = TokenSession(MemoryTokenStore(), http, clock, accounts_url=BASE_URL,
                           client_id=LEELOO_CLIENT_ID)  # fmt: skip
    with pytest.raises(RefreshUnavailableError, match="answered 502"):
        await session.exchange_code("code", DEFAULT_REDIRECT_URI, "v" * 64)


async def test_refresh_without_tokens(http: httpx.AsyncClient, clock: FakeClock) -> None:
    session = TokenSession(MemoryTokenStore(), http, clock, accounts_url=BASE_URL,
                           client_id=LEELOO_CLIENT_ID)  # fmt: skip
    with pytest.raises(NotPairedError):
        await session.refresh(stale="x")


async def test_a_wrong_client_id_is_refused_not_dropped(
    store: FileTokenStore, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    session = TokenSession(store, http, clock, accounts_url=BASE_URL, client_id="nope")
    await clock.advance(HOUR)
    with pytest.raises(RefreshUnavailableError, match="invalid_client"):
        await session.access_token()
    assert store.load() is not None  # only invalid_grant drops the tokens


async def test_the_pairings_client_id_is_kept_with_the_tokens_for_refreshes(
    http: httpx.AsyncClient, clock: FakeClock, world: World
) -> None:
    # A device without its own client id pairs through the relay's app: the tokens must
    # be refreshed with that app's id, after a restart too (a new session, no id of its own).
    store = MemoryTokenStore()
    session = TokenSession(store, http, clock, accounts_url=BASE_URL, client_id="")
    verifier = "v" * 64
    grant = world.consent("bob", LEELOO_CLIENT_ID, frozenset({"user-read-currently-playing"}))
    code = world.issue_code(grant, DEFAULT_REDIRECT_URI, s256(verifier))
    tokens = await session.exchange_code(code, DEFAULT_REDIRECT_URI, verifier, LEELOO_CLIENT_ID)
    assert tokens.client_id == LEELOO_CLIENT_ID
    restarted = TokenSession(store, http, clock, accounts_url=BASE_URL, client_id="")
    await clock.advance(HOUR)
    assert await restarted.access_token() != tokens.access_token
    refreshed = store.load()
    assert refreshed is not None
    assert refreshed.client_id == LEELOO_CLIENT_ID
