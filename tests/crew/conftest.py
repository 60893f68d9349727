"""A live relay (uvicorn in a thread, SQLite) with the emulator for oEmbed, and devices on
real WebSockets (websockets' sync client) plus their phone pages (httpx with cookies)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.types import ASGIApp
from websockets.sync.client import ClientConnection, connect

from leeloo.core import messages as wire
from leeloo.emulator.app import create_app as emulator_app
from leeloo.emulator.catalogue import build_catalogue
from leeloo.emulator.scenarios import build_world
from leeloo.relay.app import build_relay, create_app
from leeloo.relay.config import RelaySettings
from leeloo.relay.crewconfig import CrewSettings
from leeloo.relay.store.sqlite import SqliteStore
from leeloo.testing import FakeClock

CATALOGUE = build_catalogue()
TRACKS = list(CATALOGUE.tracks.values())


class Dev:
    """One registered device: its link, and its phone page once claimed."""

    def __init__(self, base: str) -> None:
        self.base = base
        body = httpx.post(f"{base}/v1/devices").json()
        self.device_id: str = body["device_id"]
        self.secret: str = body["secret"]
        self.ws: ClientConnection | None = None
        self.phone = httpx.Client(base_url=base, follow_redirects=True)
        self.csrf = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.device_id}:{self.secret}"}

    def connect(self) -> list[dict[str, Any]]:
        """Open the link; the frames up to and including `inbox.synced`."""
        self.ws = connect(self.base.replace("http", "ws") + "/v1/link", open_timeout=5, legacy=True)
        self.ws.send(wire.Hello(1, self.device_id, self.secret, crew=True).to_json())
        return self.until("inbox.synced")

    def until(self, kind: str, timeout: float = 5.0) -> list[dict[str, Any]]:
        assert self.ws is not None
        frames = []
        while True:
            frame = json.loads(self.ws.recv(timeout=timeout))
            frames.append(frame)
            if frame["type"] == kind:
                return frames

    def claim(self) -> str:
        assert self.ws is not None
        self.ws.send(wire.PhoneClaim().to_json())
        url = self.until("phone.link")[-1]["url"]
        page = self.phone.get(urlsplit(url).path)  # the relay's public URL is not this port
        assert page.status_code == 200
        match = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert match is not None
        self.csrf = match.group(1)
        return page.text

    def act(self, action: str, **fields: str) -> str:
        page = self.phone.post(f"/crew/{action}", data={"csrf": self.csrf, **fields})
        assert page.status_code == 200, page.text
        match = re.search(r'id="flash">([^<]*)<', page.text)
        assert match is not None
        return match.group(1)

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        self.phone.close()


@pytest.fixture
def live(
    serve: Callable[[ASGIApp], str], tmp_path: Path
) -> Iterator[Callable[[], tuple[str, Callable[[], Dev]]]]:
    devices: list[Dev] = []

    def start() -> tuple[str, Callable[[], Dev]]:
        emulator = serve(emulator_app(build_world(FakeClock(), "playing")))
        settings = RelaySettings(public_url="", store="sqlite:///x", spotify_client_id="app")
        crew = CrewSettings(oembed_url=emulator, short_link_url=emulator + "/sl", send_limit=500)
        relay = build_relay(settings, SqliteStore(tmp_path / "relay.db"), None, crew)
        base = serve(create_app(relay))

        def new() -> Dev:
            dev = Dev(base)
            devices.append(dev)
            return dev

        return base, new

    yield start
    for dev in devices:
        dev.close()


def track_link(n: int) -> str:
    return f"https://open.spotify.com/track/{TRACKS[n].id}?si=abc"
