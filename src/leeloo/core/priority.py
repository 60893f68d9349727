"""The music priority (product.md "Music priority"): what the music card shows, purely.

States, from the inputs (the newest crew push, the owner's playback card, `now`):

    PUSHED   a crew push arrived less than 30 minutes ago   "pushed by: NAME", N min left
    OWNER    otherwise, the owner plays something            "pushed by: You" (the card as is)
    IDLE     otherwise                                       the idle look ("awaiting music")

Events and rules:
    push arrives        -> PUSHED; a newer push replaces the shown one and restarts the 30 min
    30 minutes pass     -> OWNER if the playback card shows something, else IDLE
    playback changes    -> no effect while PUSHED; decides between OWNER and IDLE otherwise

The minutes left are rounded up (29:59 shown means "1 min left" at its last second), and at
exactly 30:00 the push is over. The playback card's marks (offline, rate-limited, login
expiring) stay on whatever card is shown: they describe the device, not the song.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from leeloo.core.musiccard import MusicCard, MusicState, Track

PUSH_SHOWN_S = 30 * 60
# Playback states that are "what the owner plays" (everything else falls to IDLE).
OWNER_STATES = frozenset({MusicState.PLAYING, MusicState.PAUSED, MusicState.EPISODE, MusicState.AD})
# Cards that say something the owner must act on: shown rather than the idle look.
ATTENTION_STATES = frozenset({MusicState.NOT_CONNECTED, MusicState.RELOGIN, MusicState.FORBIDDEN})


class Shown(Enum):
    PUSHED = "pushed"
    OWNER = "owner"
    IDLE = "idle"


@dataclass(frozen=True)
class Push:
    """A crew song push as the device took it; `arrived_at` in the device clock's seconds."""

    sender_name: str
    track: Track
    arrived_at: float


def newest(pushes: tuple[Push, ...] | list[Push]) -> Push | None:
    """The push that counts: the latest to arrive (a newer one replaces the older)."""
    return max(pushes, key=lambda p: p.arrived_at, default=None)


def shown(push: Push | None, playback: MusicCard, now: float) -> Shown:
    """Which state the rules above give."""
    if push is not None and 0 <= now - push.arrived_at < PUSH_SHOWN_S:
        return Shown.PUSHED
    if playback.state in OWNER_STATES and playback.track is not None:
        return Shown.OWNER
    return Shown.IDLE


def minutes_left(push: Push, now: float) -> int:
    """Whole minutes left of the push's 30, rounded up (1 at 29:59, 30 at arrival)."""
    left = push.arrived_at + PUSH_SHOWN_S - now
    return max(0, -int(-left // 60))


def _pushed(push: Push, playback: MusicCard, now: float) -> MusicCard:
    return MusicCard(
        MusicState.PUSHED,
        track=push.track,
        pushed_by=push.sender_name,
        push_minutes_left=minutes_left(push, now),
        login_days_left=playback.login_days_left,
        rate_limited_until=playback.rate_limited_until,
        offline=playback.offline,
    )


def _idle(push: Push | None, playback: MusicCard, now: float) -> MusicCard:
    if playback.state in ATTENTION_STATES:
        return playback
    return replace(playback, state=MusicState.NOTHING, track=None)


# The transitions as data: state -> the card it shows.
CARDS: dict[Shown, Callable[[Any, MusicCard, float], MusicCard]] = {
    Shown.PUSHED: lambda push, playback, now: _pushed(push, playback, now),
    Shown.OWNER: lambda push, playback, now: playback,
    Shown.IDLE: _idle,
}


def music_card(pushes: tuple[Push, ...] | list[Push], playback: MusicCard, now: float) -> MusicCard:
    """The music card for the screen: the rules above applied to (pushes, playback, now)."""
    push = newest(pushes)
    return CARDS[shown(push, playback, now)](push, playback, now)


def next_change(pushes: tuple[Push, ...] | list[Push], now: float) -> float | None:
    """When the card next changes on its own (a minute tick or the end): for the caller's timer."""
    push = newest(pushes)
    if push is None or not 0 <= now - push.arrived_at < PUSH_SHOWN_S:
        return None
    end = push.arrived_at + PUSH_SHOWN_S
    step = (end - now) % 60
    return min(end, now + (step or 60))
