"""When to ask Spotify again: the polling schedule as a pure function.

Spotify has no push channel for playback, so the device polls
`/me/player/currently-playing`. Every device of one app shares one rate budget over a
rolling 30 s window (spotify.md, "Rate limits"), so each call must earn its place:

| last result             | next poll                                                    |
|-------------------------|--------------------------------------------------------------|
| playing, end known      | just after the item is due to end (remaining + `end_margin`),|
|                         | in evenly spaced steps of at most `check` to catch skips and |
|                         | pauses made on the phone                                     |
| playing, end unknown    | `check`                                                      |
| paused                  | `paused`                                                     |
| ad / unknown item       | `ad` (ads are short)                                         |
| nothing playing         | `idle`                                                       |
| needs pairing           | `pairing` (no API call is made without tokens)               |
| forbidden               | `forbidden` (the allowlist changes by hand, rarely)          |
| 429                     | when the circuit reopens (Retry-After, capped; at least      |
|                         | `quota_min` for QUOTA_EXCEEDED), plus up to `spread` of jitter|
| 5xx, timeout, 401, 404  | exponential backoff with "equal jitter" (AWS Architecture    |
|                         | Blog, "Exponential Backoff And Jitter"): half fixed, half    |
|                         | random, so a fleet does not come back in step                |

Randomness is an argument (`jitter` in [0, 1]), time is an argument (`now`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import assert_never

from leeloo.core.playback import (
    AdOrUnknown,
    EpisodePlaying,
    Forbidden,
    NeedsPairing,
    NothingPlaying,
    PlaybackResult,
    RateLimited,
    TrackPlaying,
    Unauthorized,
    Unavailable,
)


@dataclass(frozen=True)
class PollPolicy:
    """Every interval of the schedule, in seconds."""

    check: float = 30.0  # longest gap between polls while something plays
    end_margin: float = 1.0  # poll this long after the item is due to end
    shortest: float = 1.0  # never sooner than this after any answer
    paused: float = 45.0
    ad: float = 15.0
    idle: float = 60.0
    pairing: float = 30.0
    forbidden: float = 300.0
    backoff_base: float = 5.0
    backoff_max: float = 300.0
    retry_after_cap: float = 2 * 3600.0  # a Retry-After beyond this is taken as this
    quota_min: float = 600.0  # QUOTA_EXCEEDED: a budget, not a burst; wait at least this
    quota_cap: float = 24 * 3600.0
    spread: float = 5.0  # jitter added after a 429, so a fleet does not return at once


DEFAULT_POLICY = PollPolicy()


def next_poll_delay(
    result: PlaybackResult,
    *,
    now: float,
    error_streak: int,
    jitter: float,
    policy: PollPolicy = DEFAULT_POLICY,
) -> float:
    """Seconds from `now` until the next poll, given the latest result.

    `error_streak` counts consecutive failed polls including this one (used for
    Unavailable and Unauthorized); `jitter` is a number in [0, 1] from the caller's RNG.
    """
    delay = _delay(result, now, error_streak, jitter, policy)
    return max(policy.shortest, delay)


def reopens_at(result: RateLimited, policy: PollPolicy = DEFAULT_POLICY) -> float:
    """Wall time at which a 429's circuit closes: Retry-After, capped, longer for quota.

    The client refuses to send anything before this instant (spotify.md: never sleep in
    the client, open a circuit until Retry-After).
    """
    wait = max(0.0, result.until - result.fetched_at)
    if result.quota:
        wait = min(max(wait, policy.quota_min), policy.quota_cap)
    else:
        wait = min(wait, policy.retry_after_cap)
    return result.fetched_at + wait


def backoff(error_streak: int, jitter: float, policy: PollPolicy = DEFAULT_POLICY) -> float:
    """Exponential backoff with equal jitter: base·2^(streak-1), capped, then ×[0.5, 1]."""
    exponent = min(max(error_streak, 1) - 1, 32)  # 2**32 × base is far past any cap
    ceiling = min(policy.backoff_max, policy.backoff_base * 2.0**exponent)
    return ceiling * (0.5 + 0.5 * _unit(jitter))


def until_end(result: TrackPlaying | EpisodePlaying, policy: PollPolicy) -> float:
    """A playing item: the next check, so that the last one lands just after its end."""
    item, progress = result.item, result.progress_ms
    if item.duration_ms is None or progress is None:
        return policy.check
    remaining = max(0.0, (item.duration_ms - progress) / 1000.0) + policy.end_margin
    steps = max(1, math.ceil(remaining / policy.check))
    return remaining / steps


def _delay(
    result: PlaybackResult, now: float, error_streak: int, jitter: float, policy: PollPolicy
) -> float:
    match result:
        case TrackPlaying() | EpisodePlaying():
            return until_end(result, policy) if result.is_playing else policy.paused
        case AdOrUnknown():
            return policy.ad if result.is_playing else policy.paused
        case NothingPlaying():
            return policy.idle
        case NeedsPairing():
            return policy.pairing
        case Forbidden():
            return policy.forbidden
        case RateLimited():
            return reopens_at(result, policy) - now + _unit(jitter) * policy.spread
        case Unauthorized() | Unavailable():
            return backoff(error_streak, jitter, policy)
        case _:  # pragma: no cover - the union is closed; mypy checks it
            assert_never(result)


def _unit(jitter: float) -> float:
    return min(1.0, max(0.0, jitter))
