"""The now-playing engine against the emulator, in-process, on a fake clock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from leeloo.core.playback import PairingReason, PlaybackResult, RateLimited, TrackPlaying
from leeloo.core.snapshot import PlaybackSnapshot, PlaybackState
from leeloo.device.app import connect
from leeloo.device.config import load_settings
from leeloo.device.engine import PlaybackEngine
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.emulator.world import Fault, World
from leeloo.spotify.client import CURRENTLY_PLAYING
from leeloo.spotify.store import FileTokenStore
from leeloo.testing import FakeClock
from leeloo.testing.spotify import BASE_URL, EmulatedSpotify, mint_tokens


@pytest.fixture
def world(clock: FakeClock) -> World:
    return build_world(clock, "playing")


@pytest.fixture
def transport(world: World) -> EmulatedSpotify:
    return EmulatedSpotify(world)


@pytest.fixture
async def http(transport: EmulatedSpotify) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none.env"),
        "LEELOO_DEVICE_STATE_DIR": str(tmp_path / "state"),
        "LEELOO_DEVICE_SPOTIFY_ACCOUNTS_URL": BASE_URL,
        "LEELOO_DEVICE_SPOTIFY_API_URL": BASE_URL,
        "LEELOO_DEVICE_SPOTIFY_CLIENT_ID": LEELOO_CLIENT_ID,
    }


@pytest.fixture
def engine(env: dict[str, str], http: httpx.AsyncClient, clock: FakeClock,
           world: World) -> PlaybackEngine:  # fmt: skip
    settings = load_settings(env)
    FileTokenStore(settings.token_file).save(mint_tokens(world, clock))
    return connect(settings, http, clock)


@pytest.fixture
async def running(engine: PlaybackEngine) -> AsyncIterator[list[PlaybackSnapshot]]:
    published: list[PlaybackSnapshot] = []
    engine.subscribe(published.append)
    task = asyncio.ensure_future(engine.run())
    yield published
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_publishes_only_visible_changes(
    running: list[PlaybackSnapshot], clock: FakeClock, world: World, transport: EmulatedSpotify
) -> None:
    await clock.advance(0)
    assert [s.state for s in running] == [PlaybackState.PLAYING]
    first = running[0].item
    assert first is not None
    assert first.duration_ms is not None
    # Polls while the track plays publish nothing; the change is seen ≤ 2 s after the end.
    ends_in = (first.duration_ms - 15_000) / 1000
    await clock.advance(ends_in - 0.5)
    assert len(running) == 1
    assert len(transport.times(CURRENTLY_PLAYING)) > 1
    await clock.advance(2.5)
    assert len(running) == 2
    assert running[1].item != first


async def test_a_pause_on_the_phone_shows_within_the_check_interval(
    running: list[PlaybackSnapshot], clock: FakeClock, world: World
) -> None:
    await clock.advance(5)
    world.player("alice").pause(clock.time())
    await clock.advance(30)
    assert running[-1].state is PlaybackState.PAUSED


async def test_an_outage_marks_offline_and_backs_off(
    running: list[PlaybackSnapshot], clock: FakeClock, world: World, transport: EmulatedSpotify,
    engine: PlaybackEngine,
) -> None:  # fmt: skip
    await clock.advance(0)
    world.faults.append(Fault("api", "status", status=503))
    await clock.advance(60)
    assert running[-1].offline
    assert running[-1].item == running[0].item  # the last frame stays
    assert engine.error_streak >= 2
    before = len(transport.times(CURRENTLY_PLAYING))
    await clock.advance(600)
    during = len(transport.times(CURRENTLY_PLAYING)) - before
    assert during <= 6  # backoff: 5, 10, 20, ... capped at 300 s (jittered)
    world.faults.clear()
    await clock.advance(300)
    assert not running[-1].offline
    assert engine.error_streak == 0


@pytest.mark.parametrize("style", ["plain", "quota"])
async def test_a_429_storm_sends_nothing_before_retry_after(
    engine: PlaybackEngine, clock: FakeClock, world: World, transport: EmulatedSpotify,
    style: str,
) -> None:  # fmt: skip
    app = world.apps[LEELOO_CLIENT_ID]
    app.rate_limit, app.rate_limit_style, app.quota_retry_after_s = 1, style, 900  # type: ignore[assignment]
    results: list[PlaybackResult] = []
    for _ in range(360):  # an hour; every 10 s the engine and two other callers ask at once
        await clock.advance(10)
        source = engine.source
        results += await asyncio.gather(
            engine.poll_once(), source.currently_playing(), source.currently_playing()
        )
    limited = [r for r in results if isinstance(r, RateLimited)]
    assert len(limited) > 500
    assert {r.quota for r in limited} == {style == "quota"}
    calls = transport.times(CURRENTLY_PLAYING)
    for r in limited:
        assert not [t for t in calls if r.fetched_at < t < r.until]
    assert engine.snapshot.rate_limited_until is not None
    assert engine.snapshot.item is not None  # the last frame stays


async def test_the_last_snapshot_survives_a_restart(
    engine: PlaybackEngine, env: dict[str, str], clock: FakeClock, world: World
) -> None:
    await engine.poll_once()
    saved = engine.snapshot
    assert saved.state is PlaybackState.PLAYING
    settings = load_settings(env)
    async with httpx.AsyncClient(transport=httpx.MockTransport(_offline)) as offline:
        again = connect(settings, offline, clock)
        restored = again.restore()
        assert restored.item == saved.item
        assert restored.offline
        await again.poll_once()  # still offline: the last music stays
        assert again.snapshot.item == saved.item
        assert again.published == 0


def _offline(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("Network is unreachable", request=request)


async def test_revoked_login_goes_to_pairing(
    engine: PlaybackEngine, world: World, clock: FakeClock
) -> None:
    world.revoke("alice")
    await clock.advance(3600)
    await engine.poll_once()
    assert engine.snapshot.state is PlaybackState.NEEDS_PAIRING
    assert engine.snapshot.cause is PairingReason.REVOKED
    assert engine.next_delay(await engine.poll_once()) == 30.0


async def test_wake_polls_now(running: list[PlaybackSnapshot], clock: FakeClock,
                              engine: PlaybackEngine, world: World) -> None:  # fmt: skip
    await clock.advance(1)
    world.player("alice").skip(clock.time())
    engine.wake()
    await clock.advance(0)
    assert len(running) == 2


@pytest.mark.parametrize("content", [b"{", b'{"state": "starting"}', b'{"state": "nope"}'])
async def test_a_damaged_or_empty_saved_snapshot_starts_empty(
    engine: PlaybackEngine, env: dict[str, str], content: bytes
) -> None:
    path = load_settings(env).snapshot_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    assert engine.restore() == PlaybackSnapshot()


async def test_an_unwritable_snapshot_file_is_only_logged(
    http: httpx.AsyncClient, clock: FakeClock, env: dict[str, str], world: World,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    path = load_settings(env).snapshot_file
    path.mkdir(parents=True)  # a directory where the file should be
    engine = PlaybackEngine(_Scripted([TrackPlaying(_item(), 1, True, 0.0)]), clock,
                            snapshot_file=path)  # fmt: skip
    await engine.poll_once()
    assert engine.published == 1
    assert "cannot save snapshot" in caplog.text
    assert engine.restore().state is PlaybackState.PLAYING  # unreadable: keeps what it has


async def test_without_a_snapshot_file(clock: FakeClock) -> None:
    engine = PlaybackEngine(_Scripted([TrackPlaying(_item(), 1, True, 0.0)]), clock)
    assert engine.restore() == PlaybackSnapshot()
    await engine.poll_once()
    assert engine.published == 1
    assert json.dumps(engine.snapshot.to_json())


class _Scripted:
    """A PlaybackSource that answers from a list (for engine rules without HTTP)."""

    def __init__(self, results: list[PlaybackResult]) -> None:
        self.results = results

    async def currently_playing(self) -> PlaybackResult:
        return self.results.pop(0)

    def login_expires_in_days(self) -> int | None:
        return None


def _item() -> object:
    from leeloo.core.playback import Item

    return Item("track", "spotify:track:x", "T", ("A",), "Al", None, 100_000)
