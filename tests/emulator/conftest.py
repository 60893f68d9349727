"""Fixtures: a world on a fake clock, served in-process (no sockets) through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import build_world
from leeloo.emulator.world import World
from leeloo.testing import FakeClock

BASE = "http://emulator.test"


@pytest.fixture
def scenario() -> str:
    """Override in a module (or with parametrize) to start another scenario."""
    return "playing"


@pytest.fixture
def world(clock: FakeClock, scenario: str) -> World:
    return build_world(clock, scenario)


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(world))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        yield http
