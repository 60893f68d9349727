"""Fixtures: a relay on a fake clock and an in-memory store, served by Starlette's
TestClient (HTTP and WebSockets in-process; `portal` runs coroutines on the app's loop)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():
    # Starlette 1.x would rather have `httpx2` behind its TestClient; `httpx` is what we pin,
    # and the warning fires once, at import, about that choice only.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient, WebSocketTestSession

from leeloo.core.messages import Hello
from leeloo.relay.app import Relay, build_relay, create_app
from leeloo.relay.config import RelaySettings
from leeloo.relay.store.memory import MemoryStore
from leeloo.testing import FakeClock

ACCOUNTS = "http://accounts.test"


@pytest.fixture
def settings() -> RelaySettings:
    return RelaySettings(
        public_url="http://relay.test",
        store="memory:",
        spotify_accounts_url=ACCOUNTS,
        spotify_client_id="relay-app",
        ping_interval=20,
        ping_timeout=50,
        hello_timeout=10,
        max_frame=4096,
        max_errors=5,
        guess_limit=8,
        register_limit=5,
    )


@pytest.fixture
def relay(settings: RelaySettings, clock: FakeClock) -> Relay:
    return build_relay(settings, MemoryStore(), clock)


@pytest.fixture
def client(relay: Relay) -> Iterator[TestClient]:
    with TestClient(create_app(relay), base_url="http://relay.test") as test_client:
        yield test_client


class Device:
    """A registered device's credentials, and a way to open its link."""

    def __init__(self, client: TestClient) -> None:
        answer = client.post("/v1/devices")
        assert answer.status_code == 201
        body = answer.json()
        self.client = client
        self.device_id: str = body["device_id"]
        self.secret: str = body["secret"]

    def connect(self, stack: Any) -> WebSocketTestSession:
        ws: WebSocketTestSession = stack.enter_context(self.client.websocket_connect("/v1/link"))
        ws.send_text(Hello(v=1, device_id=self.device_id, secret=self.secret).to_json())
        welcome = json.loads(ws.receive_text())
        assert welcome["type"] == "welcome"
        return ws


def advance(client: TestClient, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock on the app's loop (wakes the sweeper)."""
    assert client.portal is not None
    client.portal.call(clock.advance, seconds)


def receive(ws: WebSocketTestSession) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.receive_text())
    return message
