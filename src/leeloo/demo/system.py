"""The whole system on loopback: the emulator, a relay on SQLite, three devices.

`System.start()` brings it up in this order, each a real `leeloo` program in its own
process (demo/processes.py), on free loopback ports, with embedded settings:
1. `leeloo emulator` (real time, the `playing` world: alice, bob and carol each play a
   queue), with the relay's callback added to the LEELOO app's redirect URIs;
2. `leeloo relay` on `sqlite:///<state>/relay/relay.db`, its oEmbed pointed at the emulator;
3. per device, a `Cable` to the relay (demo/cable.py), its identity and crew formed
   through the relay's own pages (demo/provision.py);
4. `leeloo device` x3, each with its own state directory, PNG and preview outputs,
   `relay_url` = its cable; then each pairs with Spotify through the real QR flow, a
   scripted phone logging in as the device's Spotify user (demo/phone.py).
`stop()` stops the devices, the relay and the emulator (SIGTERM, then SIGKILL) and closes
the cables. `info()` is what `<state>/demo.json` holds: URLs, pids, device ids.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from leeloo.demo import provision
from leeloo.demo.cable import Cable
from leeloo.demo.phone import pair_spotify
from leeloo.demo.processes import Processes
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID
from leeloo.testing.ports import free_port

log = logging.getLogger(__name__)

UP_WAIT_S = 30.0
CREW_NAME = "Desk Friends"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Member:
    """One owner of the cast: the device's name, their Spotify user, where they live."""

    name: str
    user: str
    latitude: float
    longitude: float

    @property
    def password(self) -> str:
        return f"{self.user}-pass"  # the emulator's test users (docs/emulator.md)


CAST = (
    Member("Amy", "alice", 48.85, 2.35),
    Member("Ben", "bob", 51.51, -0.13),
    Member("Cat", "carol", 52.52, 13.40),
)


@dataclass
class Device:
    """A running demo device: where its files are, its cable, its identity."""

    member: Member
    state_dir: Path
    cable: Cable
    preview_port: int
    identity: provision.Identity | None = None
    pairing_result: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.member.name

    @property
    def preview_url(self) -> str:
        return f"http://127.0.0.1:{self.preview_port}/"

    def screen(self) -> dict[str, Any] | None:
        """The device's screen.json (what its screen says), or None before the first frame."""
        return read_json(self.state_dir / "screen.json")

    def pairing(self) -> dict[str, Any] | None:
        return read_json(self.state_dir / "pairing.json")


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        body = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


async def wait_until(check: Callable[[], Any], what: str, within: float = UP_WAIT_S) -> Any:
    """Poll `check` (sync or async) until truthy; TimeoutError names `what`."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def answers(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=1.0) as http:
            return (await http.get(url)).status_code < 500
    except httpx.HTTPError:
        return False


class System:
    """The emulator, the relay and the devices of one demo run under `state_dir`."""

    def __init__(self, state_dir: Path, progress: Progress) -> None:
        self.state_dir = state_dir
        self.progress = progress
        self.processes = Processes(state_dir / "logs")
        self.emulator_url = f"http://127.0.0.1:{free_port()}"
        self.relay_port = free_port()
        self.relay_url = f"http://127.0.0.1:{self.relay_port}"
        self.devices: dict[str, Device] = {}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LEELOO_")}

    async def start(self) -> None:
        await self._start_emulator()
        await self._start_relay()
        claims = {}
        for member in CAST:
            device = await self._provision(member)
            assert device.identity is not None
            claims[member.name] = await provision.claim_phone_link(self.relay_url, device.identity)
        code = await provision.form_crew(self.relay_url, claims, CREW_NAME)
        self.progress(f"crew '{CREW_NAME}' created by Amy; Ben and Cat joined with {code}")
        for device in self.devices.values():
            self._start_device(device)
        await asyncio.gather(*(self._pair(d) for d in self.devices.values()))
        self._write_info()

    async def _start_emulator(self) -> None:
        port = self.emulator_url.rsplit(":", 1)[1]
        self.processes.start("emulator", ["emulator", "--port", port], self.env)
        await wait_until(lambda: answers(f"{self.emulator_url}/_emulator/state"), "the emulator")
        async with httpx.AsyncClient(timeout=5.0) as http:
            answer = await http.patch(
                f"{self.emulator_url}/_emulator/apps/{LEELOO_CLIENT_ID}",
                json={"add_redirect_uris": [f"{self.relay_url}/spotify/callback"]},
            )
            answer.raise_for_status()
        self.progress(f"Spotify emulator up on {self.emulator_url}")

    async def _start_relay(self) -> None:
        (self.state_dir / "relay").mkdir(parents=True, exist_ok=True)
        self.processes.start("relay", ["relay"], self.relay_env())
        await wait_until(lambda: answers(f"{self.relay_url}/healthz"), "the relay")
        self.progress(f"relay up on {self.relay_url} (SQLite in {self.state_dir / 'relay'})")

    def relay_env(self) -> dict[str, str]:
        return self.env | {
            "LEELOO_RELAY_PORT": str(self.relay_port),
            "LEELOO_RELAY_STORE": f"sqlite:///{self.state_dir}/relay/relay.db",
            "LEELOO_RELAY_ENV_FILE": str(self.state_dir / "no.env"),
            "LEELOO_RELAY_SPOTIFY_ACCOUNTS_URL": self.emulator_url,
            "LEELOO_RELAY_SPOTIFY_CLIENT_ID": LEELOO_CLIENT_ID,
            "LEELOO_RELAY_OEMBED_URL": self.emulator_url,
            "LEELOO_RELAY_SHORT_LINK_URL": f"{self.emulator_url}/sl",
        }

    async def _provision(self, member: Member) -> Device:
        cable = Cable(member.name, self.relay_port)
        await cable.start()
        state = self.state_dir / member.name.lower()
        device = Device(member, state, cable, free_port())
        device.identity = await provision.register(self.relay_url, state / "relay-credentials.json")
        self.devices[member.name] = device
        return device

    def device_env(self, device: Device) -> dict[str, str]:
        member, emulator = device.member, self.emulator_url
        return self.env | {
            "LEELOO_DEVICE_STATE_DIR": str(device.state_dir),
            "LEELOO_DEVICE_ENV_FILE": str(self.state_dir / "no.env"),
            "LEELOO_DEVICE_RELAY_URL": device.cable.url,
            "LEELOO_DEVICE_SPOTIFY_ACCOUNTS_URL": emulator,
            "LEELOO_DEVICE_SPOTIFY_API_URL": emulator,
            "LEELOO_DEVICE_SCANNABLES_URL": emulator,
            "LEELOO_DEVICE_WEATHER_URL": emulator,
            "LEELOO_DEVICE_GEOCODING_URL": f"{emulator}/geocoding/v1/search",
            "LEELOO_DEVICE_LATITUDE": str(member.latitude),
            "LEELOO_DEVICE_LONGITUDE": str(member.longitude),
            "LEELOO_DEVICE_POLL_CHECK": "2",  # a skip shows within 2 s (the story is fast)
            "LEELOO_DEVICE_PREVIEW": "1",
            "LEELOO_DEVICE_PREVIEW_PORT": str(device.preview_port),
        }

    def _start_device(self, device: Device) -> None:
        self.processes.start(f"device-{device.name.lower()}", ["device"], self.device_env(device))

    async def _pair(self, device: Device) -> None:
        started = time.monotonic()
        view = await wait_until(
            lambda: (v := device.pairing()) and v.get("state") == "showing_code" and v,
            f"{device.name}'s QR",
        )
        self.progress(
            f"{device.name} shows a QR ({view['user_code']}): the phone scans it "
            f"and logs into Spotify as {device.member.user}"
        )
        await pair_spotify(
            view["verification_uri"], view["user_code"], device.member.user, device.member.password
        )
        await wait_until(
            lambda: (s := device.screen()) and s.get("music_state") == "playing",
            f"{device.name} to show the music",
        )
        device.pairing_result = {
            "user": device.member.user,
            "user_code": view["user_code"],
            "state": (device.pairing() or {}).get("state"),
            "seconds": round(time.monotonic() - started, 2),
        }
        self.progress(f"{device.name} paired with Spotify ({device.member.user}): now playing")

    def info(self) -> dict[str, Any]:
        return {
            "emulator": self.emulator_url,
            "relay": self.relay_url,
            "pids": self.processes.pids(),
            "devices": {
                d.name: {
                    "state_dir": str(d.state_dir),
                    "preview": d.preview_url,
                    "device_id": d.identity.device_id if d.identity else None,
                    "spotify_user": d.member.user,
                    "cable": d.cable.url,
                }
                for d in self.devices.values()
            },
        }

    def _write_info(self, extra: Mapping[str, Any] | None = None) -> None:
        body = self.info() | dict(extra or {})
        (self.state_dir / "demo.json").write_text(json.dumps(body, indent=2))

    async def stop(self) -> None:
        """Stop every program (devices first) and close the cables."""
        await asyncio.to_thread(self.processes.stop_all)
        for device in self.devices.values():
            await device.cable.close()
