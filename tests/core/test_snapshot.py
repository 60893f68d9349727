"""The published snapshot: folding results, visible-change equality, the saved form."""

from __future__ import annotations

import json

import pytest

from leeloo.core.playback import (
    AdOrUnknown,
    EpisodePlaying,
    Forbidden,
    ForbiddenReason,
    Item,
    NeedsPairing,
    NothingPlaying,
    PairingReason,
    RateLimited,
    TrackPlaying,
    Unauthorized,
    Unavailable,
)
from leeloo.core.snapshot import PlaybackSnapshot, PlaybackState, next_snapshot

T = 1_767_225_600.0
SONG = Item("track", "spotify:track:a", "Song", ("Ann", "Bob"), "Album", "https://art/300", 200_000)
SHOW = Item("episode", "spotify:episode:e", "Ep", ("Pub",), "Show", None, 1_800_000)
START = PlaybackSnapshot()


def playing(progress: int = 1000, item: Item = SONG, is_playing: bool = True) -> PlaybackSnapshot:
    return next_snapshot(START, TrackPlaying(item, progress, is_playing, T), None)


def test_progress_alone_is_not_a_visible_change() -> None:
    assert playing(1000) == playing(90_000)
    assert playing(1000) != playing(1000, is_playing=False)
    assert playing(item=SONG) != playing(item=SHOW)


def test_tracks_and_episodes() -> None:
    snap = playing(5000)
    assert (snap.state, snap.item, snap.progress_ms, snap.fetched_at) == (
        PlaybackState.PLAYING, SONG, 5000, T)  # fmt: skip
    paused = next_snapshot(snap, EpisodePlaying(SHOW, 0, False, T + 1), 3)
    assert (paused.state, paused.item, paused.login_expires_in_days) == (
        PlaybackState.PAUSED, SHOW, 3)  # fmt: skip


def test_ad_idle_pairing_forbidden_drop_the_music() -> None:
    before = playing()
    ad = next_snapshot(before, AdOrUnknown("ad", True, T), None)
    assert (ad.state, ad.item, ad.ad_kind) == (PlaybackState.AD, None, "ad")
    idle = next_snapshot(before, NothingPlaying(T), 2)
    assert (idle.state, idle.item, idle.login_expires_in_days) == (PlaybackState.IDLE, None, 2)
    pairing = next_snapshot(before, NeedsPairing(PairingReason.REVOKED, T), 2)
    assert pairing.state is PlaybackState.NEEDS_PAIRING
    assert pairing.words == "the Spotify login was revoked"
    assert pairing.login_expires_in_days is None  # no login to expire
    forbidden = next_snapshot(before, Forbidden(ForbiddenReason.NOT_PREMIUM, "m", T), None)
    assert forbidden.state is PlaybackState.FORBIDDEN
    assert forbidden.cause is ForbiddenReason.NOT_PREMIUM
    assert before.words is None


def test_errors_keep_the_last_frame() -> None:
    before = playing()
    limited = next_snapshot(before, RateLimited(T + 60, False, T), None)
    assert limited.item == SONG
    assert limited.rate_limited_until == T + 60
    assert limited != before
    for error in (Unavailable("timeout", T), Unauthorized("no", T)):
        offline = next_snapshot(before, error, None)
        assert (offline.item, offline.offline) == (SONG, True)
    back = next_snapshot(offline, TrackPlaying(SONG, 9, True, T), None)
    assert back == before


@pytest.mark.parametrize(
    "snap",
    [
        START,
        playing(),
        next_snapshot(START, EpisodePlaying(SHOW, None, False, T), 4),
        next_snapshot(playing(), RateLimited(T + 5, True, T), None),
        next_snapshot(START, NeedsPairing(PairingReason.NOT_PAIRED, T), None),
        next_snapshot(START, Forbidden(ForbiddenReason.NOT_ALLOWLISTED, "", T), None),
        next_snapshot(START, AdOrUnknown("unknown", False, T), None),
    ],
)
def test_json_round_trip(snap: PlaybackSnapshot) -> None:
    data = json.loads(json.dumps(snap.to_json()))
    back = PlaybackSnapshot.from_json(data)
    assert back == snap
    assert back is not None
    assert (back.progress_ms, back.fetched_at) == (snap.progress_ms, snap.fetched_at)


@pytest.mark.parametrize(
    "data",
    [None, [], {"state": "dancing"}, {"state": "playing", "item": {"kind": "song", "uri": "x"}},
     {"state": "playing", "item": {"kind": "track"}}],
)  # fmt: skip
def test_damaged_saved_snapshots_are_refused(data: object) -> None:
    assert PlaybackSnapshot.from_json(data) is None


def test_odd_saved_fields_read_as_missing() -> None:
    snap = PlaybackSnapshot.from_json(
        {"state": "idle", "cause": "NOBODY", "fetched_at": True, "rate_limited_until": "x"}
    )
    assert snap == PlaybackSnapshot(PlaybackState.IDLE)
    assert snap is not None
    assert snap.fetched_at is None
