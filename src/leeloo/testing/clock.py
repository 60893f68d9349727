"""A virtual clock for tests: time moves only when :meth:`FakeClock.advance` is awaited.

Sleepers are kept in a heap by deadline. ``advance(s)`` walks virtual time forward to each
sleeper's deadline in turn (ties in the order they went to sleep), wakes it, and lets the
event loop run the woken tasks before moving on, so a task that sleeps again inside the
window is woken in the right place. A month of polling runs in milliseconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools

# 2026-01-01T00:00:00Z: a fixed, readable epoch for tests.
DEFAULT_START = 1_767_225_600.0

# How many times the loop may run woken tasks per wake-up before time moves on. Each
# `sleep(0)` lets every ready callback run once; tasks that chain a few awaits (an
# in-process HTTP call through ASGITransport, say) need several turns.
_SETTLE_TURNS = 50


class FakeClock:
    """Virtual wall and monotonic time that advances on request."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._wall_offset = start
        self._now = 0.0
        self._counter = itertools.count()
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []

    def time(self) -> float:
        return self._wall_offset + self._now

    def monotonic(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._counter), future))
        await future

    @property
    def sleepers(self) -> int:
        """How many tasks are asleep on this clock (cancelled ones excluded)."""
        return sum(1 for _, _, f in self._sleepers if not f.done())

    def next_deadline(self) -> float | None:
        """Monotonic time of the earliest pending sleeper, or None."""
        self._drop_cancelled()
        return self._sleepers[0][0] if self._sleepers else None

    async def settle(self) -> None:
        """Let the event loop run everything that is ready, without moving time."""
        for _ in range(_SETTLE_TURNS):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, waking sleepers in deadline order on the way."""
        if seconds < 0:
            raise ValueError("time does not go backwards")
        target = self._now + seconds
        await self.settle()
        while True:
            self._drop_cancelled()
            if not self._sleepers or self._sleepers[0][0] > target:
                break
            deadline, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            future.set_result(None)
            await self.settle()
        self._now = target

    def _drop_cancelled(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
