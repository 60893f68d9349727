"""The world model's rules, below HTTP: timeline, rate window, faults, grants, catalogue."""

from __future__ import annotations

import pytest

from leeloo.emulator.catalogue import BASE62, build_catalogue, is_spotify_id, spotify_id
from leeloo.emulator.player import Player, QueueItem
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, SCENARIOS, build_world
from leeloo.emulator.world import GRANT_LIFETIME_S, App, Fault, World, WorldError
from leeloo.testing import FakeClock

A = QueueItem("track", "a", 100_000)
B = QueueItem("track", "b", 50_000)


def test_the_timeline_rolls_into_the_next_item_and_wraps() -> None:
    player = Player()
    player.load(0.0, [A, B], position_ms=90_000)
    view = player.view(15.0)
    assert view is not None
    assert (view.item, view.progress_ms) == (B, 5_000)
    view = player.view(60.0)  # 90 s + 60 s = 150 s: exactly the end of the queue
    assert view is not None
    assert (view.item, view.progress_ms) == (A, 0)


def test_months_of_playback_cost_no_more_than_a_lap() -> None:
    player = Player()
    player.load(0.0, [A, B])
    month = 30 * 86400.0
    view = player.view(month)
    assert view is not None
    elapsed_ms = int(month * 1000) % 150_000
    expected = (A, elapsed_ms) if elapsed_ms < 100_000 else (B, elapsed_ms - 100_000)
    assert (view.item, view.progress_ms) == expected


def test_without_repeat_the_player_goes_quiet_at_the_end() -> None:
    player = Player(repeat=False)
    player.load(0.0, [A, B])
    assert player.view(149.0) is not None
    assert player.view(151.0) is None
    player.resume(200.0)
    view = player.view(200.0)
    assert view is not None
    assert (view.item, view.progress_ms, view.is_playing) == (A, 0, True)


def test_pause_holds_the_position_and_seek_stays_inside_the_item() -> None:
    player = Player()
    player.load(0.0, [A, B], position_ms=10_000)
    player.pause(5.0)
    view = player.view(500.0)
    assert view is not None
    assert (view.progress_ms, view.is_playing) == (15_000, False)
    player.seek(500.0, 999_999)
    assert player.view(500.0).progress_ms == 99_999  # type: ignore[union-attr]
    player.seek(500.0, -5)
    assert player.view(500.0).progress_ms == 0  # type: ignore[union-attr]
    player.skip(500.0, steps=-1)
    assert player.view(500.0).item == B  # type: ignore[union-attr]


def test_an_empty_player_is_inactive_and_refuses_an_empty_queue() -> None:
    player = Player()
    assert player.view(0.0) is None
    player.resume(0.0)
    player.skip(0.0)
    player.seek(0.0, 5)
    assert player.view(1.0) is None
    with pytest.raises(ValueError, match="at least one item"):
        player.load(0.0, [])


def test_the_rate_window_rolls_over_thirty_seconds(clock: FakeClock) -> None:
    world = build_world(clock, "idle")
    app = world.apps[LEELOO_CLIENT_ID]
    app.rate_limit = 2
    assert world.take_rate_slot(app) is None
    clock_now = clock.monotonic()
    assert world.take_rate_slot(app) is None
    assert world.take_rate_slot(app) == pytest.approx(30.0 - (clock.monotonic() - clock_now))
    app.rate_limit_style = "quota"
    assert world.take_rate_slot(app) == 3600.0


def test_a_zero_budget_refuses_every_request(clock: FakeClock) -> None:
    world = build_world(clock, "idle")
    app = world.apps[LEELOO_CLIENT_ID]
    app.rate_limit = 0
    assert world.take_rate_slot(app) == 30.0


async def test_the_rate_window_frees_slots_as_time_passes(clock: FakeClock) -> None:
    world = build_world(clock, "idle")
    app = world.apps[LEELOO_CLIENT_ID]
    app.rate_limit = 1
    assert world.take_rate_slot(app) is None
    await clock.advance(20)
    assert world.take_rate_slot(app) == pytest.approx(10.0)
    await clock.advance(10)
    assert world.take_rate_slot(app) is None


def test_counted_faults_run_out_and_random_ones_replay_with_the_seed(clock: FakeClock) -> None:
    world = build_world(clock, "idle")
    world.faults.append(Fault("api", "status", status=500, remaining=2))
    assert world.pick_fault("weather") is None
    assert [world.pick_fault("api") is not None for _ in range(3)] == [True, True, False]
    assert world.request_counts["api"] == 3

    def pattern(seed: int) -> list[bool]:
        flaky = build_world(FakeClock(), "flaky", seed=seed)
        return [flaky.pick_fault("api") is not None for _ in range(200)]

    assert pattern(7) == pattern(7)
    assert 20 < sum(pattern(7)) < 80  # about a quarter of requests fail


async def test_a_grant_dies_six_months_after_consent(clock: FakeClock) -> None:
    world = build_world(clock, "idle")
    tokens = world.mint("alice", LEELOO_CLIENT_ID)
    grant = world.grants[world.access_tokens[str(tokens["access_token"])].grant_id]
    await clock.advance(GRANT_LIFETIME_S - 1)
    assert world.grant_alive(grant)
    await clock.advance(1)
    assert not world.grant_alive(grant)


def test_the_world_refuses_unknown_names_and_a_sixth_allowlisted_user(clock: FakeClock) -> None:
    world = build_world(clock, "idle")
    with pytest.raises(WorldError, match="unknown user"):
        world.player("ghost")
    with pytest.raises(WorldError, match="unknown app"):
        world.app("ghost")
    world.allow(LEELOO_CLIENT_ID, "erin")
    world.allow(LEELOO_CLIENT_ID, "erin")  # allowing twice is harmless
    with pytest.raises(WorldError, match="at most 5 users"):
        world.add_app(App("x", "X", "alice", allowlist=["a", "b", "c", "d", "e", "f"]))
    assert world.check_login("alice", "alice-pass") is world.users["alice"]
    assert world.check_login("alice", "wrong") is None
    assert world.check_login("ghost", "x") is None


def test_every_scenario_builds_and_an_unknown_one_is_named(clock: FakeClock) -> None:
    for name in SCENARIOS:
        assert isinstance(build_world(clock, name), World)
    with pytest.raises(KeyError, match="known: flaky, idle"):
        build_world(clock, "nope")


def test_catalogue_ids_are_valid_stable_and_unique() -> None:
    cat = build_catalogue()
    ids = [*cat.tracks, *cat.albums, *cat.artists, *cat.shows, *cat.episodes, *cat.playlists]
    assert len(ids) == len(set(ids))
    assert all(is_spotify_id(i) for i in ids)
    assert spotify_id("x") == spotify_id("x") != spotify_id("y")
    assert not is_spotify_id("too-short")
    assert not is_spotify_id("!" * 22)
    assert set("".join(ids)) <= set(BASE62)
    assert all(125_000 <= t.duration_ms <= 415_000 for t in cat.tracks.values())
    assert all(20 * 60_000 <= e.duration_ms <= 70 * 60_000 for e in cat.episodes.values())
    assert len(cat.tracks) >= 30
    assert len(cat.episodes) >= 6
    kind, _, track_id = next(iter(cat.short_links.values())).partition(":")
    assert kind == "track"
    assert cat.find("track", track_id) is not None
    assert cat.find("planet", track_id) is None
