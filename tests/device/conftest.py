"""A real relay (uvicorn on this event loop, on the test's FakeClock) and the Spotify
emulator (in-process for the device, on loopback for the relay's oEmbed), for in-process
device tests. Waits are for I/O between the parts, never for time: the clock only moves
when a test advances it."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp

from leeloo.device.app import DeviceApp
from leeloo.device.config import DeviceSettings, load_settings
from leeloo.device.outputs.memory import MemoryOutput
from leeloo.emulator.app import create_app as create_emulator
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.emulator.world import World
from leeloo.relay.app import Relay, build_relay
from leeloo.relay.app import create_app as create_relay
from leeloo.relay.config import RelaySettings
from leeloo.relay.crewconfig import CrewSettings
from leeloo.relay.store.memory import MemoryStore
from leeloo.testing import FakeClock

EMULATOR = "http://emulator.test"
IO_DEADLINE_S = 10.0


class Routes(httpx.AsyncBaseTransport):
    """emulator.test in-process, everything else (the relay) over loopback sockets."""

    def __init__(self, world: World) -> None:
        self._emulator = httpx.ASGITransport(app=create_emulator(world))
        self._network = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._emulator if request.url.host == "emulator.test" else self._network
        return await inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._network.aclose()


class QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the test runner owns the signals


@dataclass
class Rig:
    world: World
    clock: FakeClock
    settings: DeviceSettings
    relay_url: str
    http: httpx.AsyncClient
    output: MemoryOutput
    relay: Relay
    tmp_path: Path

    def device(self) -> DeviceApp:
        return DeviceApp(self.settings, self.http, self.clock, [self.output])

    def settings_for(self, name: str) -> DeviceSettings:
        """Settings like the rig's, with their own state directory."""
        return device_settings(self.tmp_path / name, self.relay_url)


def device_settings(state_dir: Path, relay_url: str) -> DeviceSettings:
    return load_settings({
        "LEELOO_DEVICE_ENV_FILE": str(state_dir / "none.env"),
        "LEELOO_DEVICE_STATE_DIR": str(state_dir),
        "LEELOO_DEVICE_RELAY_URL": relay_url,
        "LEELOO_DEVICE_SPOTIFY_ACCOUNTS_URL": EMULATOR,
        "LEELOO_DEVICE_SPOTIFY_API_URL": EMULATOR,
        "LEELOO_DEVICE_SCANNABLES_URL": EMULATOR,
        "LEELOO_DEVICE_WEATHER_URL": EMULATOR,
        "LEELOO_DEVICE_LATITUDE": "48.85", "LEELOO_DEVICE_LONGITUDE": "2.35",
    })  # fmt: skip


async def until(check: Callable[[], object], what: str) -> None:
    """Let the loop run until `check()` holds: waiting for I/O between the parts."""
    with anyio.fail_after(IO_DEADLINE_S):
        while not check():  # noqa: ASYNC110 - the parts expose state, not events, to tests
            await asyncio.sleep(0.005)


@contextlib.asynccontextmanager
async def served(app: ASGIApp) -> AsyncIterator[str]:
    """`app` on a loopback port of this event loop; its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = QuietServer(uvicorn.Config(app, log_level="warning", ws="websockets-sansio",
                                        timeout_graceful_shutdown=1))  # fmt: skip
    serving = asyncio.ensure_future(server.serve(sockets=[sock]))
    try:
        await until(lambda: server.started, "the server")
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving
        sock.close()


@contextlib.asynccontextmanager
async def relay_for(world: World, clock: FakeClock, crew: CrewSettings) -> AsyncIterator[Relay]:
    """A relay on the loopback on `clock`, its public URL its own (`relay.settings`)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    relay_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    world.apps[LEELOO_CLIENT_ID].redirect_uris.add(f"{relay_url}/spotify/callback")
    settings = RelaySettings(public_url=relay_url, store="memory:",
                             spotify_accounts_url=EMULATOR,
                             spotify_client_id=LEELOO_CLIENT_ID)  # fmt: skip
    relay = build_relay(settings, MemoryStore(), clock, crew)
    server = QuietServer(uvicorn.Config(create_relay(relay), log_level="warning",
                                        ws="websockets-sansio",
                                        timeout_graceful_shutdown=1))  # fmt: skip
    serving = asyncio.ensure_future(server.serve(sockets=[sock]))
    try:
        await until(lambda: server.started, "the relay")
        yield relay
    finally:
        server.should_exit = True
        await serving
        sock.close()


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    world = build_world(clock, "playing")
    async with served(create_emulator(world)) as emulator:
        crew = CrewSettings(oembed_url=emulator, short_link_url=emulator + "/sl",
                            send_limit=5)  # fmt: skip
        async with relay_for(world, clock, crew) as relay:
            relay_url = relay.settings.public_url
            settings = device_settings(tmp_path / "device", relay_url)
            async with httpx.AsyncClient(transport=Routes(world)) as http:
                yield Rig(world, clock, settings, relay_url, http, MemoryOutput(), relay,
                          tmp_path)  # fmt: skip


@contextlib.asynccontextmanager
async def running(app: DeviceApp) -> AsyncIterator[DeviceApp]:
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(app.run)
        try:
            yield app
        finally:
            app.stop()
