from __future__ import annotations

import asyncio

import pytest

from leeloo.clock import SystemClock
from leeloo.testing import FakeClock


async def test_sleepers_wake_in_deadline_order_at_their_deadline(clock: FakeClock) -> None:
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.monotonic()))

    tasks = [asyncio.create_task(sleeper(n, s)) for n, s in [("c", 30), ("a", 10), ("b", 20)]]
    await clock.settle()
    assert clock.sleepers == 3
    await clock.advance(25)
    assert woke == [("a", 10.0), ("b", 20.0)]
    assert clock.monotonic() == 25.0
    await clock.advance(5)
    assert woke[-1] == ("c", 30.0)
    await asyncio.gather(*tasks)


async def test_a_task_that_sleeps_again_inside_the_window_is_woken_in_place(
    clock: FakeClock,
) -> None:
    ticks: list[float] = []

    async def ticker() -> None:
        for _ in range(5):
            await clock.sleep(60)
            ticks.append(clock.monotonic())

    task = asyncio.create_task(ticker())
    await clock.advance(3600)  # an hour of virtual time, instantly
    await task
    assert ticks == [60.0, 120.0, 180.0, 240.0, 300.0]


async def test_months_pass_in_no_real_time(clock: FakeClock) -> None:
    start_wall = clock.time()
    await clock.advance(183 * 86400)
    assert clock.time() - start_wall == 183 * 86400
    assert clock.next_deadline() is None


async def test_cancelled_sleepers_are_forgotten(clock: FakeClock) -> None:
    task = asyncio.create_task(clock.sleep(10))
    await clock.settle()
    task.cancel()
    await clock.settle()
    assert clock.sleepers == 0
    assert clock.next_deadline() is None
    await clock.advance(20)


async def test_zero_sleep_yields_and_negative_advance_is_refused(clock: FakeClock) -> None:
    await clock.sleep(0)
    with pytest.raises(ValueError, match="backwards"):
        await clock.advance(-1)


async def test_system_clock_reads_the_machine() -> None:
    clock = SystemClock()
    assert clock.time() > 1_700_000_000
    before = clock.monotonic()
    await clock.sleep(0)
    assert clock.monotonic() >= before
