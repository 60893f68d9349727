"""A user's Spotify player as a timeline that follows the clock.

States: inactive (no device: the API answers 204), playing, paused. A private session
is a flag on top (the API answers 204 whatever plays). The queue holds catalogue items
and ads; while playing, `progress_ms` grows with the clock and when an item ends the next
begins (wrapping to the start when `repeat` is on, going inactive at the end otherwise).

Rules kept as data: the position is stored as (anchor wall time, position at the anchor),
and every read first rolls the timeline forward to `now`, so reading is always consistent
with any amount of (fake) time having passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ItemKind = Literal["track", "episode", "ad"]
AD_DURATION_MS = 30_000


@dataclass(frozen=True)
class QueueItem:
    kind: ItemKind
    id: str  # catalogue id; for an ad, a label
    duration_ms: int


@dataclass(frozen=True)
class PlayerView:
    """What the player is doing at one instant."""

    item: QueueItem
    progress_ms: int
    is_playing: bool
    private_session: bool
    shuffle: bool
    repeat: bool
    timestamp_ms: int  # when this view was taken (Spotify: unreliable, but present)


@dataclass
class Player:
    queue: list[QueueItem] = field(default_factory=list)
    index: int = 0
    active: bool = False
    playing: bool = False
    private_session: bool = False
    repeat: bool = True
    shuffle: bool = False
    device_name: str = "Kitchen speaker"
    _anchor_time: float = 0.0
    _anchor_ms: float = 0.0

    # -- reading ---------------------------------------------------------------------
    def view(self, now: float) -> PlayerView | None:
        """The player at `now`, or None when no device is active."""
        self._roll(now)
        if not self.active or not self.queue:
            return None
        return PlayerView(
            item=self.queue[self.index],
            progress_ms=int(self._anchor_ms),
            is_playing=self.playing,
            private_session=self.private_session,
            shuffle=self.shuffle,
            repeat=self.repeat,
            timestamp_ms=int(now * 1000),
        )

    def _roll(self, now: float) -> None:
        if not (self.active and self.playing and self.queue):
            self._anchor_time = now
            return
        position = self._anchor_ms + (now - self._anchor_time) * 1000.0
        self._anchor_time = now
        total = sum(item.duration_ms for item in self.queue)
        remaining_in_queue = total - sum(item.duration_ms for item in self.queue[: self.index])
        if self.repeat and position >= remaining_in_queue + total:
            # Skip whole laps of the queue at once (months of fake time stay cheap).
            laps = int((position - remaining_in_queue) // total)
            position -= laps * total
        while position >= self.queue[self.index].duration_ms:
            position -= self.queue[self.index].duration_ms
            if self.index + 1 < len(self.queue):
                self.index += 1
            elif self.repeat:
                self.index = 0
            else:
                self.active = self.playing = False
                self.index, position = 0, 0.0
                break
        self._anchor_ms = position

    # -- commands (all take `now` so the timeline is rolled first) ---------------------
    def load(self, now: float, queue: list[QueueItem], *, index: int = 0,
             position_ms: int = 0, playing: bool = True) -> None:  # fmt: skip
        if not queue:
            raise ValueError("a queue needs at least one item")
        self.queue = list(queue)
        self.index = index % len(queue)
        self.active, self.playing = True, playing
        self._anchor_time, self._anchor_ms = now, float(position_ms)

    def pause(self, now: float) -> None:
        self._roll(now)
        self.playing = False

    def resume(self, now: float) -> None:
        self._roll(now)
        if self.queue:
            self.active = self.playing = True

    def skip(self, now: float, steps: int = 1) -> None:
        self._roll(now)
        if self.queue:
            self.index = (self.index + steps) % len(self.queue)
            self._anchor_ms = 0.0
            self.active = True

    def seek(self, now: float, position_ms: int) -> None:
        self._roll(now)
        if self.queue:
            limit = self.queue[self.index].duration_ms - 1
            self._anchor_ms = float(max(0, min(position_ms, limit)))

    def stop(self, now: float) -> None:
        """The device goes away: nothing is active any more."""
        self._roll(now)
        self.active = self.playing = False

    def set_private(self, now: float, on: bool) -> None:
        self._roll(now)
        self.private_session = on
