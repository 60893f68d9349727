"""The device's composition root in-process: a real relay and the Spotify emulator (see
conftest.py), the screen drawn into the in-memory output."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import pytest
from tests.device.conftest import Rig, Routes, running, until

from leeloo.core.musiccard import ArtPanel, MusicState, PairingPanel
from leeloo.device.config import DeviceSettings, load_settings
from leeloo.device.pairing import PairingState
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID
from leeloo.spotify.store import FileTokenStore
from leeloo.testing.spotify import mint_tokens


def screen_state(settings: DeviceSettings) -> dict[str, object]:
    body: dict[str, object] = json.loads(settings.screen_file.read_text())
    return body


async def test_a_paired_device_shows_what_plays(rig: Rig) -> None:
    FileTokenStore(rig.settings.token_file).save(mint_tokens(rig.world, rig.clock))
    async with running(rig.device()) as app:
        await until(lambda: app.link.connected, "the relay's welcome")
        await until(lambda: app.screen and isinstance(app.screen.album, ArtPanel), "music")
        await until(lambda: app.screen and app.screen.weather.gauges, "the weather")
        await until(lambda: app.screen and app.screen.header.status == "online", "the link")
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
