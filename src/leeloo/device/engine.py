"""The now-playing engine: polls Spotify on the schedule, publishes snapshots on change.

One task runs :meth:`PlaybackEngine.run`:

    ask the source → fold the result into the snapshot (`core.snapshot.next_snapshot`)
    → if something a user can see changed: publish it to subscribers and save it
    → wait `schedule(result, now, error streak, jitter)` seconds, or until `wake()`

Rules:
- publish when, and only when, the snapshot changed (its equality ignores progress);
- the last published snapshot is saved atomically and restored at start-up, marked
  offline until the first answer, so the screen shows the last music instead of nothing;
- the engine never blocks anything else: a 429 or an outage only lengthens its own wait;
- time comes from the injected Clock, randomness from the injected `jitter`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import NoReturn, Protocol

from leeloo.clock import Clock
from leeloo.core.playback import PlaybackResult, Unauthorized, Unavailable
from leeloo.core.schedule import next_poll_delay
from leeloo.core.snapshot import PlaybackSnapshot, PlaybackState, next_snapshot
from leeloo.spotify.store import write_atomic

log = logging.getLogger(__name__)

Subscriber = Callable[[PlaybackSnapshot], None]


class PlaybackSource(Protocol):
    """Where results come from: `SpotifyClient`, or a scripted source in tests.

    (`leeloo.device.app.connect` wires the engine to Spotify as the settings say.)
    """

    async def currently_playing(self) -> PlaybackResult: ...

    def login_expires_in_days(self) -> int | None: ...


class Schedule(Protocol):
    """A poll policy (`core.schedule.next_poll_delay`, or a fixed interval to compare)."""

    def __call__(
        self, result: PlaybackResult, *, now: float, error_streak: int, jitter: float
    ) -> float: ...


class PlaybackEngine:
    def __init__(
        self,
        source: PlaybackSource,
        clock: Clock,
        *,
        schedule: Schedule = next_poll_delay,
        jitter: Callable[[], float] = random.random,
        snapshot_file: Path | None = None,
    ) -> None:
        self.source = source
        self.snapshot = PlaybackSnapshot()
        self.error_streak = 0
        self.published = 0
        self._clock, self._schedule, self._jitter = clock, schedule, jitter
        self._snapshot_file = snapshot_file
        self._subscribers: list[Subscriber] = []
        self._wake = asyncio.Event()

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call `subscriber` with every published snapshot (from the engine's task)."""
        self._subscribers.append(subscriber)

    def restore(self) -> PlaybackSnapshot:
        """Load the saved snapshot, marked offline until Spotify answers again."""
        if self._snapshot_file is None:
            return self.snapshot
        try:
            saved = PlaybackSnapshot.from_json(json.loads(self._snapshot_file.read_bytes()))
        except FileNotFoundError:
            return self.snapshot
        except (OSError, ValueError) as exc:
            log.warning("saved snapshot %s unreadable (%s): starting empty",
                        self._snapshot_file, exc)  # fmt: skip
            return self.snapshot
        if saved is None or saved.state is PlaybackState.STARTING:
            return self.snapshot
        self.snapshot = replace(saved, offline=True)
        return self.snapshot

    async def poll_once(self) -> PlaybackResult:
        """Ask once, fold the answer in, publish if visible. Returns the raw result."""
        result = await self.source.currently_playing()
        failed = isinstance(result, Unavailable | Unauthorized)
        self.error_streak = self.error_streak + 1 if failed else 0
        snapshot = next_snapshot(self.snapshot, result, self.source.login_expires_in_days())
        changed = snapshot != self.snapshot
        self.snapshot = snapshot
        if changed:
            self._publish(snapshot)
        return result

    def next_delay(self, result: PlaybackResult) -> float:
        return self._schedule(result, now=self._clock.time(), error_streak=self.error_streak,
                              jitter=self._jitter())  # fmt: skip

    async def run(self) -> NoReturn:
        """Poll forever on the schedule (cancel the task to stop)."""
        while True:
            result = await self.poll_once()
            delay = self.next_delay(result)
            log.debug("%s: next poll in %.1f s", type(result).__name__, delay)
            await self._wait(delay)

    def wake(self) -> None:
        """Poll now instead of at the scheduled time (e.g. right after pairing)."""
        self._wake.set()

    async def _wait(self, delay: float) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep(delay))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
        self._wake.clear()

    def _publish(self, snapshot: PlaybackSnapshot) -> None:
        self.published += 1
        log.info("now playing: %s %s", snapshot.state.value,
                 snapshot.item.title if snapshot.item else snapshot.words or "")  # fmt: skip
        self._save(snapshot)
        for subscriber in self._subscribers:
            subscriber(snapshot)

    def _save(self, snapshot: PlaybackSnapshot) -> None:
        if self._snapshot_file is None:
            return
        try:
            write_atomic(self._snapshot_file, json.dumps(snapshot.to_json()).encode())
        except OSError as exc:
            log.warning("cannot save snapshot to %s: %s", self._snapshot_file, exc)
