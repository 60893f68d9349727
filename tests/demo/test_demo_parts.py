"""The demo's parts on their own: the cable that cuts a device's network, the story's
pacing on a fake clock, and the next Friday evening of the hang."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from pathlib import Path

import httpx

from leeloo.demo.cable import Cable
from leeloo.demo.controls import ControlError, Controls, next_friday_evening
from leeloo.demo.story import STORY, Notes, Step, StepRecord, play, story_length
from leeloo.demo.system import System
from leeloo.testing import FakeClock


class Echo:
    """A TCP echo server standing in for the relay (it closes its ends on `close`)."""

    def __init__(self) -> None:
        self.writers: set[asyncio.StreamWriter] = set()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        with contextlib.suppress(OSError):
            while data := await reader.read(1024):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def close(self) -> None:
        for writer in self.writers:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def _round_trip(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    try:
        answer = await asyncio.wait_for(reader.read(1024), 5)
    except ConnectionResetError:  # closed with our bytes unread: a refusal too
        answer = b""
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return answer


async def test_a_cable_carries_bytes_until_cut_and_again_once_restored() -> None:
    echo = Echo()
    server = await asyncio.start_server(echo.serve, "127.0.0.1", 0)
    cable = Cable("Cat", server.sockets[0].getsockname()[1])
    await cable.start()
    try:
        assert await _round_trip(cable.port, b"hello") == b"hello"
        reader, writer = await asyncio.open_connection("127.0.0.1", cable.port)
        writer.write(b"ping")
        assert await asyncio.wait_for(reader.read(1024), 5) == b"ping"
        cable.cut()
        assert await asyncio.wait_for(reader.read(1024), 5) == b""  # the live one dropped
        assert await _round_trip(cable.port, b"anyone?") == b""  # new ones refused
        writer.close()
        await writer.wait_closed()
        cable.restore()
        assert await _round_trip(cable.port, b"back") == b"back"
    finally:
        await cable.close()
        await echo.close()
        server.close()
        await server.wait_closed()


async def test_the_story_runs_each_step_at_its_story_time_over_the_speed(
    tmp_path: Path, clock: FakeClock
) -> None:
    seen: list[float] = []

    async def mark(controls: Controls, notes: Notes) -> str:
        seen.append(clock.monotonic())
        return "marked"

    async def refused(controls: Controls, notes: Notes) -> str:
        raise ControlError("no such link")

    steps = (Step(0, mark), Step(60, refused), Step(150, mark))
    told: list[StepRecord] = []
    async with httpx.AsyncClient() as http:
        controls = Controls(System(tmp_path, lambda line: None), http)
        running = asyncio.ensure_future(play(steps, controls, Notes(), clock, 10.0, told.append))
        await clock.advance(20)
        records = await running
    assert seen == [0.0, 15.0]
    assert [(r.story_s, r.real_s) for r in records] == [(0, 0.0), (60, 6.0), (150, 15.0)]
    assert records[1].words == "(a step failed: no such link)"  # told, and the story goes on
    assert told == records


def test_the_story_is_in_order_and_lasts_a_few_minutes() -> None:
    times = [step.at for step in STORY]
    assert times == sorted(times)
    assert story_length() == 375.0


def test_the_hang_is_next_friday_evening() -> None:
    wednesday = datetime(2026, 11, 25, 14, 0)
    assert next_friday_evening(wednesday) == datetime(2026, 11, 27, 19, 0)
    friday_night = datetime(2026, 11, 27, 20, 0)
    assert next_friday_evening(friday_night) == datetime(2026, 12, 4, 19, 0)
    friday_noon = datetime(2026, 11, 27, 12, 0)
    assert next_friday_evening(friday_noon) == datetime(2026, 11, 27, 19, 0)
