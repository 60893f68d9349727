"""The device's composition root in-process: a real relay (uvicorn on this event loop, on the
test's FakeClock) and the Spotify emulator (in-process transport), the screen drawn into
the in-memory output. Waits are for I/O between the parts, never for time: the clock
only moves when a test advances it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
import pytest
import uvicorn

from leeloo.core.musiccard import ArtPanel, MusicState, PairingPanel
from leeloo.device.app import DeviceApp
from leeloo.device.config import DeviceSettings, load_settings
from leeloo.device.outputs.memory import MemoryOutput
from leeloo.device.pairing import PairingState
from leeloo.emulator.app import create_app as create_emulator
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.emulator.world import World
from leeloo.relay.app import build_relay
from leeloo.relay.app import create_app as create_relay
from leeloo.relay.config import RelaySettings
from leeloo.relay.store.memory import MemoryStore
from leeloo.spotify.store import FileTokenStore
from leeloo.testing import FakeClock
from leeloo.testing.spotify import mint_tokens

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

    def device(self) -> DeviceApp:
        return DeviceApp(self.settings, self.http, self.clock, [self.output])


async def until(check: Callable[[], object], what: str) -> None:
    """Let the loop run until `check()` holds: waiting for I/O between the parts."""
    with anyio.fail_after(IO_DEADLINE_S):
        while not check():  # noqa: ASYNC110 - the parts expose state, not events, to tests
            await asyncio.sleep(0.005)


@pytest.fixture
async def rig(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Rig]:
    world = build_world(clock, "playing")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    relay_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    world.apps[LEELOO_CLIENT_ID].redirect_uris.add(f"{relay_url}/spotify/callback")
    relay_settings = RelaySettings(public_url=relay_url, store="memory:",
                                   spotify_accounts_url=EMULATOR,
                                   spotify_client_id=LEELOO_CLIENT_ID)  # fmt: skip
    relay = create_relay(build_relay(relay_settings, MemoryStore(), clock))
    server = QuietServer(uvicorn.Config(relay, log_level="warning", ws="websockets-sansio",
                                        timeout_graceful_shutdown=1))  # fmt: skip
    served = asyncio.ensure_future(server.serve(sockets=[sock]))
    await until(lambda: server.started, "the relay")
    settings = load_settings({
        "LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none.env"),
        "LEELOO_DEVICE_STATE_DIR": str(tmp_path / "device"),
        "LEELOO_DEVICE_RELAY_URL": relay_url,
        "LEELOO_DEVICE_SPOTIFY_ACCOUNTS_URL": EMULATOR,
        "LEELOO_DEVICE_SPOTIFY_API_URL": EMULATOR,
        "LEELOO_DEVICE_SCANNABLES_URL": EMULATOR,
        "LEELOO_DEVICE_WEATHER_URL": EMULATOR,
        "LEELOO_DEVICE_LATITUDE": "48.85", "LEELOO_DEVICE_LONGITUDE": "2.35",
    })  # fmt: skip
    try:
        async with httpx.AsyncClient(transport=Routes(world)) as http:
            yield Rig(world, clock, settings, relay_url, http, MemoryOutput())
    finally:
        server.should_exit = True
        await served
        sock.close()


@contextlib.asynccontextmanager
async def running(app: DeviceApp) -> AsyncIterator[DeviceApp]:
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(app.run)
        try:
            yield app
        finally:
            app.stop()


def screen_state(settings: DeviceSettings) -> dict[str, object]:
    body: dict[str, object] = json.loads(settings.screen_file.read_text())
    return body


async def test_a_paired_device_shows_what_plays(rig: Rig) -> None:
    FileTokenStore(rig.settings.token_file).save(mint_tokens(rig.world, rig.clock))
    async with running(rig.device()) as app:
        await until(lambda: app.link.connected, "the relay's welcome")
        await until(lambda: app.screen and isinstance(app.screen.album, ArtPanel), "music")
        await until(lambda: app.screen and app.screen.weather.gauges, "the weather")
    assert app.screen is not None
    assert app.music(rig.clock.time()).state is MusicState.PLAYING
    assert app.screen.music.source == "pushed by: You"
    assert app.screen.header.status == "online"
    assert app.screen.crew.message == "no crew yet"
    assert app.pairing.view.state is PairingState.IDLE  # tokens stored: no pairing asked
    last = rig.output.last
    assert last is not None
    assert last.size == (480, 320)
    state = screen_state(rig.settings)
    assert (state["music_state"], state["album"]) == ("playing", "ArtPanel")
    assert rig.settings.png_file.exists() is False  # only the outputs given are used


async def test_an_unpaired_device_shows_the_pairing_qr_and_code(rig: Rig) -> None:
    async with running(rig.device()) as app:
        await until(lambda: app.screen and isinstance(app.screen.album, PairingPanel), "a QR")
        album = app.screen.album if app.screen else None
        view = app.pairing.view
    assert isinstance(album, PairingPanel)
    assert view.user_code is not None
    assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", view.user_code)
    assert album.user_code == view.user_code
    assert album.url == view.verification_uri
    assert album.url.startswith(rig.relay_url + "/p/")
    assert app.music(rig.clock.time()).state is MusicState.NOT_CONNECTED
    pairing = json.loads(rig.settings.pairing_file.read_text())
    assert (pairing["state"], pairing["user_code"]) == ("showing_code", view.user_code)
    state = screen_state(rig.settings)
    assert state["pairing"] == {"url": album.url, "user_code": view.user_code}


async def test_pairing_through_the_phone_pages_wakes_the_engine(rig: Rig) -> None:
    async with running(rig.device()) as app:
        await until(lambda: app.pairing.view.state is PairingState.SHOWING_CODE, "a QR")
        url = app.pairing.view.verification_uri
        assert url is not None
        phone = httpx.AsyncClient(transport=Routes(rig.world), follow_redirects=True)
        async with phone:
            page = await phone.get(url)
            login = await phone.post(str(page.url))  # "It matches": on to Spotify
            await approve(phone, login)
        await until(lambda: app.pairing.view.state is PairingState.CONNECTED, "the exchange")
        await until(lambda: app.screen and isinstance(app.screen.album, ArtPanel), "music")
    assert app.engine.snapshot.state.value == "playing"
    tokens = FileTokenStore(rig.settings.token_file).load()
    assert tokens is not None
    assert tokens.client_id == LEELOO_CLIENT_ID  # the relay's app, kept for refreshes


async def approve(phone: httpx.AsyncClient, login_page: httpx.Response) -> httpx.Response:
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">',
                             login_page.text))  # fmt: skip
    form = {**hidden, "username": "alice", "password": "alice-pass", "action": "agree"}
    return await phone.post(str(login_page.url.copy_with(query=None)), data=form)


async def test_the_clock_ticks_and_stop_leaves_nothing_running(rig: Rig) -> None:
    FileTokenStore(rig.settings.token_file).save(mint_tokens(rig.world, rig.clock))
    app = rig.device()
    before = set(asyncio.all_tasks())
    async with running(app):
        await until(lambda: app.screen and isinstance(app.screen.album, ArtPanel), "music")
        first = app.screen.time if app.screen else None
        await rig.clock.advance(61)
        await until(lambda: app.screen and app.screen.time != first, "a clock tick")
    assert set(asyncio.all_tasks()) - before == set()


def test_configured_outputs(tmp_path: Path) -> None:
    from leeloo.device.app import PreviewServer, configured_outputs
    from leeloo.device.outputs.framebuffer import FramebufferOutput
    from leeloo.device.outputs.png import PngOutput
    from leeloo.device.outputs.preview import PreviewOutput

    sysfs = tmp_path / "fb0"
    sysfs.mkdir()
    (sysfs / "virtual_size").write_text("480,320\n")
    (sysfs / "bits_per_pixel").write_text("16\n")
    env = {"LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none"),
           "LEELOO_DEVICE_STATE_DIR": str(tmp_path), "LEELOO_DEVICE_FRAMEBUFFER": "on",
           "LEELOO_DEVICE_FRAMEBUFFER_SYSFS": str(sysfs), "LEELOO_DEVICE_PREVIEW": "on",
           "LEELOO_DEVICE_PREVIEW_PORT": "0"}  # fmt: skip
    outputs, server = configured_outputs(load_settings(env))
    assert [type(o) for o in outputs] == [PngOutput, FramebufferOutput, PreviewOutput]
    assert isinstance(server, PreviewServer)
    off = {f"LEELOO_DEVICE_{name}": "off" for name in ("PNG", "FRAMEBUFFER", "PREVIEW")}
    none, no_server = configured_outputs(load_settings({**env, **off}))
    assert (none, no_server) == ([], None)


def test_an_unreadable_framebuffer_stops_the_program_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from leeloo.cli import main

    monkeypatch.setenv("LEELOO_DEVICE_ENV_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("LEELOO_DEVICE_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("LEELOO_DEVICE_FRAMEBUFFER", "on")
    monkeypatch.setenv("LEELOO_DEVICE_FRAMEBUFFER_SYSFS", str(tmp_path / "no-fb"))
    assert main(["device"]) == 2
    assert "cannot read framebuffer geometry" in capsys.readouterr().err
