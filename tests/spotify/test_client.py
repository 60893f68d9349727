"""Every row of spotify.md's currently-playing table, against the emulator on a fake clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from leeloo.core.playback import (
    AdOrUnknown,
    EpisodePlaying,
    Forbidden,
    ForbiddenReason,
    NeedsPairing,
    NothingPlaying,
    PairingReason,
    RateLimited,
    TrackPlaying,
    Unauthorized,
    Unavailable,
)
from leeloo.core.schedule import DEFAULT_POLICY
from leeloo.core.tokens import LOGIN_LIFETIME_S
from leeloo.emulator.player import AD_DURATION_MS, QueueItem
from leeloo.emulator.world import Fault, World
from leeloo.spotify.client import CURRENTLY_PLAYING, SpotifyClient
from leeloo.spotify.session import TokenSession
from leeloo.spotify.store import FileTokenStore, MemoryTokenStore
from leeloo.testing import FakeClock
from leeloo.testing.spotify import BASE_URL as BASE
from leeloo.testing.spotify import EmulatedSpotify

LEELOO = "1ee1000de0c1e4e0a11ce000000000a1"


async def test_a_playing_track(spotify: SpotifyClient, world: World) -> None:
    result = await spotify.currently_playing()
    assert isinstance(result, TrackPlaying)
    view = world.player("alice").view(world.now())
    assert view is not None
    track = world.catalogue.tracks[view.item.id]
    assert result.item.uri == f"spotify:track:{track.id}"
    assert result.item.title == track.name
    assert result.item.duration_ms == track.duration_ms
    assert result.progress_ms == 15_000
    assert result.is_playing
    assert result.item.art_url is not None
    assert spotify.calls.by_endpoint == {"currently-playing": 1}


async def test_paused(spotify: SpotifyClient, world: World, clock: FakeClock) -> None:
    world.player("alice").pause(clock.time())
    result = await spotify.currently_playing()
    assert isinstance(result, TrackPlaying)
    assert not result.is_playing


@pytest.mark.parametrize("scenario", ["podcast"])
async def test_an_episode(spotify: SpotifyClient) -> None:
    result = await spotify.currently_playing()
    assert isinstance(result, EpisodePlaying)
    assert result.item.album  # the show's name
    assert result.item.uri.startswith("spotify:episode:")


async def test_an_ad(spotify: SpotifyClient, world: World, clock: FakeClock) -> None:
    world.player("alice").load(clock.time(), [QueueItem("ad", "ad-1", AD_DURATION_MS)])
    result = await spotify.currently_playing()
    assert result == AdOrUnknown("ad", True, clock.time())


@pytest.mark.parametrize("scenario", ["idle", "private_session"])
async def test_nothing_or_a_private_session(spotify: SpotifyClient, clock: FakeClock) -> None:
    assert await spotify.currently_playing() == NothingPlaying(clock.time())


async def test_a_401_refreshes_once_and_retries_once(
    spotify: SpotifyClient, world: World, store: FileTokenStore, transport: EmulatedSpotify
) -> None:
    old = store.load()
    assert old is not None
    world.access_tokens[old.access_token].revoked = True  # dies early, grant alive
    result = await spotify.currently_playing()
    assert isinstance(result, TrackPlaying)
    assert transport.paths() == [CURRENTLY_PLAYING, "/api/token", CURRENTLY_PLAYING]
    new = store.load()
    assert new is not None
    assert new.refresh_token != old.refresh_token


async def test_a_second_401_is_returned(
    spotify: SpotifyClient, world: World, transport: EmulatedSpotify
) -> None:
    world.faults.append(Fault("api", "status", status=401, remaining=5))
    result = await spotify.currently_playing()
    assert isinstance(result, Unauthorized)
    assert transport.paths() == [CURRENTLY_PLAYING, "/api/token", CURRENTLY_PLAYING]


@pytest.mark.parametrize("user", ["erin"])
async def test_not_allowlisted(spotify: SpotifyClient) -> None:
    result = await spotify.currently_playing()
    assert isinstance(result, Forbidden)
    assert result.reason is ForbiddenReason.NOT_ALLOWLISTED


async def test_owner_not_premium(spotify: SpotifyClient, world: World) -> None:
    world.users["alice"].product = "free"
    result = await spotify.currently_playing()
    assert isinstance(result, Forbidden)
    assert result.reason is ForbiddenReason.NOT_PREMIUM
    assert "Premium" in result.words


@pytest.mark.parametrize("scenario", ["rate_limited"])
async def test_a_plain_429_opens_the_circuit_until_retry_after(
    spotify: SpotifyClient, clock: FakeClock, transport: EmulatedSpotify
) -> None:
    for _ in range(3):
        assert isinstance(await spotify.currently_playing(), TrackPlaying)
    limited = await spotify.currently_playing()
    assert isinstance(limited, RateLimited)
    assert not limited.quota
    assert clock.time() < limited.until <= clock.time() + 30
    sent = len(transport.log)
    while clock.time() + 1 < limited.until:
        await clock.advance(1)
        assert isinstance(await spotify.currently_playing(), RateLimited)
    assert len(transport.log) == sent  # nothing reached Spotify before Retry-After
    await clock.advance(1)
    assert isinstance(await spotify.currently_playing(), TrackPlaying)


@pytest.mark.parametrize("scenario", ["quota_exceeded"])
async def test_quota_exceeded_waits_longer(spotify: SpotifyClient, clock: FakeClock) -> None:
    for _ in range(3):
        await spotify.currently_playing()
    limited = await spotify.currently_playing()
    assert isinstance(limited, RateLimited)
    assert limited.quota
    assert limited.until == clock.time() + 3600  # the emulator's Retry-After for quota
    again = await spotify.currently_playing()
    assert again == RateLimited(limited.until, True, clock.time())


async def test_a_huge_retry_after_is_capped(spotify: SpotifyClient, world: World) -> None:
    app = world.apps[LEELOO]
    app.rate_limit, app.rate_limit_style, app.quota_retry_after_s = 0, "quota", 10**9
    limited = await spotify.currently_playing()
    assert isinstance(limited, RateLimited)
    circuit = await spotify.currently_playing()
    assert isinstance(circuit, RateLimited)
    assert circuit.until == limited.fetched_at + DEFAULT_POLICY.quota_cap


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault("api", "status", status=503, remaining=1), "server error 503"),
        (Fault("api", "status", status=500, remaining=1), "server error 500"),
        (Fault("api", "stray_404", remaining=1), "stray 404"),
    ],
)
async def test_transient_faults(spotify: SpotifyClient, world: World, fault: Fault,
                                reason: str) -> None:  # fmt: skip
    world.faults.append(fault)
    assert await spotify.currently_playing() == Unavailable(reason, world.now())
    assert isinstance(await spotify.currently_playing(), TrackPlaying)


async def test_a_slow_answer_times_out_on_the_clock(
    spotify: SpotifyClient, world: World, clock: FakeClock
) -> None:
    world.faults.append(Fault("api", "slow", delay_s=60.0, remaining=1))
    task = asyncio.ensure_future(spotify.currently_playing())
    await clock.advance(10)
    assert await task == Unavailable("timeout", clock.time())


async def test_dns_failure_is_unavailable(session: TokenSession, clock: FakeClock) -> None:
    def no_dns(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(no_dns)) as offline:
        client = SpotifyClient(offline, session, clock, api_url="https://api.spotify.invalid")
        assert await client.currently_playing() == Unavailable("network: ConnectError",
                                                               clock.time())  # fmt: skip
        assert client.calls.total == 1


async def test_not_paired_makes_no_call(http: httpx.AsyncClient, clock: FakeClock) -> None:
    session = TokenSession(MemoryTokenStore(), http, clock, accounts_url=BASE, client_id=LEELOO)
    client = SpotifyClient(http, session, clock, api_url=BASE)
    assert await client.currently_playing() == NeedsPairing(PairingReason.NOT_PAIRED, clock.time())
    assert client.calls.total == 0
    assert client.login_expires_in_days() is None


async def test_a_revoked_login_drops_tokens_and_is_never_retried(
    spotify: SpotifyClient, world: World, store: FileTokenStore, clock: FakeClock,
    transport: EmulatedSpotify,
) -> None:  # fmt: skip
    world.revoke("alice")
    await clock.advance(3600)  # the access token is due: a refresh is needed
    result = await spotify.currently_playing()
    assert result == NeedsPairing(PairingReason.REVOKED, clock.time())
    assert store.load() is None
    for _ in range(5):
        await clock.advance(60)
        assert isinstance(await spotify.currently_playing(), NeedsPairing)
    assert transport.times("/api/token") == [transport.log[0][0]]  # one refresh, ever


async def test_six_months_after_consent_the_login_expires(
    spotify: SpotifyClient, clock: FakeClock
) -> None:
    await clock.advance(LOGIN_LIFETIME_S - 6.5 * 86400)
    assert spotify.login_expires_in_days() == 7
    assert isinstance(await spotify.currently_playing(), TrackPlaying)
    await clock.advance(7 * 86400)
    result = await spotify.currently_playing()
    assert result == NeedsPairing(PairingReason.LOGIN_EXPIRED, clock.time())


async def test_accounts_down_keeps_the_tokens(
    spotify: SpotifyClient, world: World, store: FileTokenStore, clock: FakeClock
) -> None:
    world.faults.append(Fault("accounts", "status", status=503, remaining=1))
    await clock.advance(3600)
    result = await spotify.currently_playing()
    assert result == Unavailable("refresh: accounts service answered 503", clock.time())
    assert store.load() is not None
    assert isinstance(await spotify.currently_playing(), TrackPlaying)


async def test_accounts_rate_limited_says_when(
    spotify: SpotifyClient, world: World, clock: FakeClock
) -> None:
    world.faults.append(Fault("accounts", "status", status=429, remaining=1))
    await clock.advance(3600)
    result = await spotify.currently_playing()
    assert isinstance(result, RateLimited)
    assert result.until > clock.time()


async def test_a_damaged_token_file_reads_as_not_paired(
    spotify: SpotifyClient, store: FileTokenStore, clock: FakeClock
) -> None:
    store.path.write_text("{")
    assert await spotify.currently_playing() == NeedsPairing(PairingReason.NOT_PAIRED,
                                                             clock.time())  # fmt: skip
    assert spotify.login_expires_in_days() is None


async def test_a_slow_token_endpoint_times_out(
    spotify: SpotifyClient, world: World, clock: FakeClock, store: FileTokenStore
) -> None:
    world.faults.append(Fault("accounts", "slow", delay_s=60.0, remaining=1))
    await clock.advance(3600)
    task = asyncio.ensure_future(spotify.currently_playing())
    await clock.advance(10)
    assert await task == Unavailable("refresh: timeout", clock.time())
    assert store.load() is not None


async def test_an_httpx_timeout_is_unavailable(session: TokenSession, clock: FakeClock) -> None:
    def stalls(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(stalls)) as slow:
        client = SpotifyClient(slow, session, clock, api_url="https://api.spotify.invalid")
        assert await client.currently_playing() == Unavailable("timeout", clock.time())
