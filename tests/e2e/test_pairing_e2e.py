"""End to end on loopback: emulator, relay and the device program (`leeloo device`), each its
own process; the phone is an HTTP client following redirects. The device ends paired, its
screen (PNG output and the JSON written with it) showing what plays; the relay's database
and log hold no Spotify token; SIGTERM stops the device cleanly."""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser

from leeloo.emulator.scenarios import LEELOO_CLIENT_ID
from leeloo.testing.ports import free_port

DEADLINE_S = 20.0


def wait_for(check: object, what: str) -> object:
    """Poll `check()` until truthy: waiting for other processes' I/O, not testing time."""
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        result = check()  # type: ignore[operator]
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code < 500
    except httpx.HTTPError:
        return False


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, object]]:
    emu_port, relay_port = free_port(), free_port()
    emulator = f"http://127.0.0.1:{emu_port}"
    relay = f"http://127.0.0.1:{relay_port}"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("LEELOO_")}
    leeloo = [sys.executable, "-m", "leeloo"]
    procs = []
    logs = contextlib.ExitStack()
    try:
        procs.append(subprocess.Popen([*leeloo, "emulator", "--port", str(emu_port)],
                                      env=base_env, stdout=subprocess.DEVNULL))  # fmt: skip
        wait_for(lambda: up(f"{emulator}/_emulator/state"), "the emulator")
        callback = f"{relay}/spotify/callback"
        httpx.patch(f"{emulator}/_emulator/apps/{LEELOO_CLIENT_ID}",
                    json={"add_redirect_uris": [callback]}).raise_for_status()  # fmt: skip
        relay_env = {**base_env, "LEELOO_RELAY_PORT": str(relay_port),
                     "LEELOO_RELAY_STORE": f"sqlite:///{tmp_path}/relay/relay.db",
                     "LEELOO_RELAY_LOG_FILE": str(tmp_path / "relay.log"),
                     "LEELOO_RELAY_ENV_FILE": str(tmp_path / "none.env"),
                     "LEELOO_RELAY_SPOTIFY_ACCOUNTS_URL": emulator,
                     "LEELOO_RELAY_SPOTIFY_CLIENT_ID": LEELOO_CLIENT_ID}  # fmt: skip
        relay_err = logs.enter_context((tmp_path / "relay.stderr").open("wb"))
        procs.append(subprocess.Popen([*leeloo, "-v", "relay"], env=relay_env, stderr=relay_err))
        wait_for(lambda: up(f"{relay}/healthz"), "the relay")
        device_env = {**base_env, "LEELOO_DEVICE_STATE_DIR": str(tmp_path / "device"),
                      "LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none.env"),
                      "LEELOO_DEVICE_RELAY_URL": relay,
                      "LEELOO_DEVICE_SPOTIFY_ACCOUNTS_URL": emulator,
                      "LEELOO_DEVICE_SPOTIFY_API_URL": emulator,
                      "LEELOO_DEVICE_SCANNABLES_URL": emulator,
                      "LEELOO_DEVICE_WEATHER_URL": emulator,
                      "LEELOO_DEVICE_LATITUDE": "48.85",
                      "LEELOO_DEVICE_LONGITUDE": "2.35"}  # fmt: skip
        device_err = logs.enter_context((tmp_path / "device.log").open("wb"))
        device = subprocess.Popen([*leeloo, "device"], env=device_env, stderr=device_err)
        procs.append(device)
        yield {"tmp": tmp_path, "relay": relay, "emulator": emulator, "device": device}
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=10)
        logs.close()


def read_view(path: Path) -> dict[str, object] | None:
    try:
        view: dict[str, object] = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return view


def approve_on_spotify(phone: httpx.Client, login_page: httpx.Response) -> httpx.Response:
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">',
                             login_page.text))  # fmt: skip
    form = {html.unescape(k): html.unescape(v) for k, v in hidden.items()}
    form |= {"username": "alice", "password": "alice-pass", "action": "agree"}
    return phone.post(str(login_page.url.copy_with(query=None)), data=form)


def test_a_device_pairs_through_the_relay(world: dict[str, object]) -> None:
    tmp = world["tmp"]
    assert isinstance(tmp, Path)
    pairing_file = tmp / "device" / "pairing.json"
    screen_file = tmp / "device" / "screen.json"
    view = wait_for(
        lambda: (v := read_view(pairing_file)) and v["state"] == "showing_code" and v, "a QR"
    )
    assert isinstance(view, dict)
    shown = wait_for(lambda: (s := read_view(screen_file)) and s["pairing"] and s, "the QR drawn")
    assert isinstance(shown, dict)
    assert shown["pairing"] == {"url": view["verification_uri"], "user_code": view["user_code"]}
    pairing_png = tmp / "pairing-screen.png"
    pairing_png.write_bytes((tmp / "device" / "screen.png").read_bytes())  # kept for a look
    with httpx.Client(follow_redirects=True, timeout=10) as phone:
        page = phone.get(str(view["verification_uri"]))
        assert str(view["user_code"]) in page.text
        login = phone.post(str(page.url))  # "It matches": on to Spotify's login page
        assert "Log in to continue" in login.text
        waiting = approve_on_spotify(phone, login)
        assert waiting.url.path.startswith("/p/s/")
        final = wait_for(lambda: "Connected" in (r := phone.get(waiting.url)).text and r, "done")
        assert isinstance(final, httpx.Response)
    screen = wait_for(
        lambda: (s := read_view(screen_file)) and s["music_state"] == "playing" and s, "music"
    )
    assert isinstance(screen, dict)
    assert (screen["album"], screen["pairing"]) == ("ArtPanel", None)
    assert screen["music"]["source"] == "pushed by: You"
    album = (230, 9, 473, 313)  # the album column: the QR before, the cover now
    with Image.open(tmp / "device" / "screen.png") as png, Image.open(pairing_png) as before:
        assert png.size == before.size == (480, 320)
        assert png.crop(album).tobytes() != before.crop(album).tobytes()
    done = read_view(pairing_file)
    assert done is not None
    assert done["state"] == "connected"
    device = world["device"]
    assert isinstance(device, subprocess.Popen)
    device.terminate()  # SIGTERM: a clean stop
    assert device.wait(timeout=DEADLINE_S) == 0
    assert b"device stopped" in (tmp / "device.log").read_bytes()
    token_file = tmp / "device" / "spotify-tokens.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    credentials = tmp / "device" / "relay-credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    tokens = json.loads(token_file.read_text())
    secrets = [
        tokens["access_token"],
        tokens["refresh_token"],
        json.loads(credentials.read_text())["secret"],
    ]
    relay_files = [*(tmp / "relay").iterdir(), tmp / "relay.log", tmp / "relay.stderr"]
    for path in relay_files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"{path.name} holds a secret"
    assert b"registered device" in (tmp / "relay.log").read_bytes()  # the log was written


@pytest.mark.browser
def test_a_phone_browser_pairs_the_device(world: dict[str, object], chromium: Browser) -> None:
    """The same flow with a real browser as the phone: CSP, redirects and forms as a
    phone's browser enforces them (an HTTP client would follow a redirect a browser
    refuses)."""
    tmp = world["tmp"]
    assert isinstance(tmp, Path)
    view = wait_for(
        lambda: (
            (v := read_view(tmp / "device" / "pairing.json")) and v["state"] == "showing_code" and v
        ),
        "a QR",
    )
    assert isinstance(view, dict)
    context = chromium.new_context(viewport={"width": 390, "height": 760})
    phone = context.new_page()
    phone.goto(str(view["verification_uri"]))
    assert phone.locator("#user-code").inner_text() == view["user_code"]
    phone.get_by_role("button", name="It matches: continue to Spotify").click()
    phone.wait_for_url(f"{world['emulator']}/authorize?**")
    phone.fill("input[name=username]", "alice")
    phone.fill("input[name=password]", "alice-pass")
    phone.get_by_role("button", name="Agree").click()
    phone.wait_for_url(f"{world['relay']}/p/s/**")
    # The waiting page refreshes itself until the device has confirmed.
    phone.get_by_role("heading", name="Connected").wait_for(timeout=DEADLINE_S * 1000)
    phone.screenshot(path=str(tmp / "phone-connected.png"))
    context.close()
    screen = wait_for(
        lambda: (
            (s := read_view(tmp / "device" / "screen.json")) and s["music_state"] == "playing" and s
        ),
        "music",
    )
    assert isinstance(screen, dict)
    assert screen["music"]["source"] == "pushed by: You"
