"""Time as an injected object.

Every adapter that needs the time or has to wait takes a :class:`Clock`. Production code
gets :class:`SystemClock`; tests get :class:`leeloo.testing.FakeClock`, which moves only
when told to, so a test of a 30-minute rule or a 6-month token runs in milliseconds.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    """Wall time, monotonic time, and an awaitable sleep."""

    def time(self) -> float:
        """Wall-clock time in seconds since the Unix epoch (may jump)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for durations and deadlines)."""

    async def sleep(self, seconds: float) -> None:
        """Wait for `seconds` of this clock's time."""


class SystemClock:
    """The real clock of the machine."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))
