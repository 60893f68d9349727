"""The polling schedule: a pure function of the last result, the time and the streak."""

from __future__ import annotations

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
    PlaybackResult,
    RateLimited,
    TrackPlaying,
    Unauthorized,
    Unavailable,
)
from leeloo.core.schedule import (
    DEFAULT_POLICY,
    PollPolicy,
    backoff,
    next_poll_delay,
    reopens_at,
)

T = 1_767_225_600.0
P = DEFAULT_POLICY


def track(duration: int | None, progress: int | None, playing: bool = True) -> TrackPlaying:
    return TrackPlaying(Item("track", "u", "t", (), "a", None, duration), progress, playing, T)


def delay(result: PlaybackResult, streak: int = 0, jitter: float = 0.0) -> float:
    return next_poll_delay(result, now=T, error_streak=streak, jitter=jitter)


def test_a_track_ending_soon_is_polled_just_after_its_end() -> None:
    assert delay(track(200_000, 190_000)) == pytest.approx(11.0)


def test_long_remainders_are_split_evenly_and_the_last_poll_lands_after_the_end() -> None:
    # 241 s to go, at most 30 s apart: 9 steps of 26.8 s; the ninth lands at end + 1 s.
    step = delay(track(300_000, 60_000))
    assert step <= P.check
    assert 9 * step == pytest.approx(241.0)


def test_an_episode_is_scheduled_like_a_track() -> None:
    episode = EpisodePlaying(Item("episode", "u", "t", (), "s", None, 60_000), 59_500, True, T)
    assert delay(episode) == pytest.approx(1.5)


def test_past_the_end_polls_after_the_shortest_wait() -> None:
    assert delay(track(200_000, 200_000)) == P.end_margin
    assert delay(track(200_000, 250_000)) == P.shortest


def test_unknown_end_checks_periodically() -> None:
    assert delay(track(None, 5)) == P.check
    assert delay(track(5, None)) == P.check


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (track(200_000, 5, playing=False), P.paused),
        (AdOrUnknown("ad", True, T), P.ad),
        (AdOrUnknown("ad", False, T), P.paused),
        (NothingPlaying(T), P.idle),
        (NeedsPairing(PairingReason.NOT_PAIRED, T), P.pairing),
        (Forbidden(ForbiddenReason.OTHER, "", T), P.forbidden),
    ],
)
def test_slower_when_nothing_moves(result: PlaybackResult, expected: float) -> None:
    assert delay(result) == expected
    assert expected > 10


def test_backoff_grows_caps_and_jitters() -> None:
    assert [backoff(n, 1.0) for n in (1, 2, 3, 4)] == [5.0, 10.0, 20.0, 40.0]
    assert backoff(0, 1.0) == 5.0
    assert backoff(10_000, 1.0) == P.backoff_max
    assert backoff(3, 0.0) == 10.0  # equal jitter: never below half
    assert backoff(3, 7.0) == 20.0  # jitter is clamped to [0, 1]
    assert delay(Unavailable("x", T), streak=2, jitter=1.0) == 10.0
    assert delay(Unauthorized("x", T), streak=1, jitter=0.0) == 2.5


def test_retry_after_is_honoured_and_capped() -> None:
    limited = RateLimited(T + 120, False, T)
    assert reopens_at(limited) == T + 120
    assert delay(limited) == 120.0
    assert delay(limited, jitter=1.0) == 120.0 + P.spread
    assert next_poll_delay(limited, now=T + 100, error_streak=0, jitter=0) == 20.0
    huge = RateLimited(T + 10 * 86400, False, T)
    assert reopens_at(huge) == T + P.retry_after_cap
    assert reopens_at(RateLimited(T - 5, False, T)) == T


def test_quota_exceeded_waits_longer() -> None:
    assert reopens_at(RateLimited(T + 30, True, T)) == T + P.quota_min
    assert reopens_at(RateLimited(T + 7200, True, T)) == T + 7200
    assert reopens_at(RateLimited(T + 30 * 86400, True, T)) == T + P.quota_cap


def test_a_policy_is_a_value() -> None:
    brisk = PollPolicy(check=10.0)
    assert next_poll_delay(track(None, None), now=T, error_streak=0, jitter=0, policy=brisk) == 10
