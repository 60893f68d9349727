"""Hostile input against a live relay (its own process, real sockets): 10,000 random and
malformed frames from a seeded generator, before and after the hello. The relay stays up,
answers every bad frame with an error or a close code, and a bystander device keeps working.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from leeloo.core.messages import Hello, PairingStart
from leeloo.testing.ports import free_port

FRAMES = 10_000
BATCH = 250
MAX_FRAME = 4096
VALID = [
    {"type": "pong", "t": 1},
    {"type": "pairing.cancel", "session_id": "ps_x"},
    {"type": "pairing.complete", "session_id": "ps_x", "outcome": "connected"},
    {"type": "hello", "v": 1, "device_id": "d", "secret": "s"},
]
ODD_VALUES: list[object] = [None, True, -1, 2**70, 1.5, "", "x" * 3000, [], {}, [[[]]], "\u0000"]


def hostile_frame(rng: random.Random) -> str | bytes:
    """One frame that is wrong in some way (or, by chance, right: that is allowed too)."""
    kind = rng.randrange(9)
    base = dict(rng.choice(VALID))
    if kind == 0:
        return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 200)))
    if kind == 1:
        return rng.randbytes(rng.randrange(1, 300))
    if kind == 2:
        base[rng.choice(list(base))] = rng.choice(ODD_VALUES)
        return json.dumps(base)
    if kind == 3:
        text = json.dumps(base)
        return text[: rng.randrange(len(text))]
    if kind == 4:
        depth = rng.randrange(10, 1500)
        return "[" * depth + "]" * rng.randrange(depth + 1)
    if kind == 5:
        return '{"type":"pong","t":' + "9" * rng.randrange(10, 4000) + "}"
    if kind == 6:
        return json.dumps(rng.choice(ODD_VALUES))
    if kind == 7:
        keys = ["type", "t", "session_id", "outcome", "code_challenge", "v", "zz"]
        return json.dumps({rng.choice(keys): rng.choice(ODD_VALUES) for _ in range(4)})
    if rng.random() < 0.1:
        return "x" * (MAX_FRAME + rng.randrange(1, 5000))  # oversized: closes with 1009
    base["type"] = rng.choice(["welcome", "ping", "error", "pairing.authorized", "", "PONG"])
    return json.dumps(base)


@pytest.fixture
def relay_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEELOO_")}
    env |= {"LEELOO_RELAY_PORT": str(port), "LEELOO_RELAY_STORE": "memory:",
            "LEELOO_RELAY_ENV_FILE": str(tmp_path / "none.env"),
            "LEELOO_RELAY_MAX_FRAME": str(MAX_FRAME), "LEELOO_RELAY_MAX_ERRORS": "100000",
            "LEELOO_RELAY_REGISTER_LIMIT": "100000",
            "LEELOO_RELAY_SPOTIFY_CLIENT_ID": "app"}  # fmt: skip
    with (tmp_path / "relay.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "leeloo", "relay"], env=env, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            end = time.monotonic() + 15  # waiting for the process to listen, not testing time
            while time.monotonic() < end:
                try:
                    httpx.get(f"{url}/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.05)
            yield url
            assert proc.poll() is None, "the relay died"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    assert b"Traceback" not in (tmp_path / "relay.log").read_bytes()


def link(url: str) -> ClientConnection:
    ws_url = url.replace("http", "ws") + "/v1/link"
    return connect(ws_url, compression=None, ping_interval=None, max_queue=None)


def linked_device(url: str, stack: contextlib.ExitStack) -> ClientConnection:
    body = httpx.post(f"{url}/v1/devices").json()
    ws = stack.enter_context(link(url))
    ws.send(Hello(v=1, device_id=body["device_id"], secret=body["secret"]).to_json())
    assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
    return ws


def test_hostile_frames_do_not_hurt_the_relay(relay_url: str) -> None:
    rng = random.Random(20261125)
    stack = contextlib.ExitStack()
    with stack:
        bystander = linked_device(relay_url, stack)
        attack(relay_url, rng, stack)
        assert httpx.get(f"{relay_url}/healthz").json()["status"] == "ok"
        bystander.send(PairingStart(code_challenge="c" * 43).to_json())
        assert json.loads(bystander.recv(timeout=5))["type"] == "pairing.started"
    metrics = httpx.get(f"{relay_url}/metrics").text
    assert 'leeloo_relay_errors_total{kind="malformed_json"}' in metrics


def attack(relay_url: str, rng: random.Random, stack: contextlib.ExitStack) -> None:
    closes: dict[int | None, int] = {}
    for _ in range(200):  # garbage instead of a hello
        with link(relay_url) as ws:
            ws.send(hostile_frame(rng))
            with pytest.raises(ConnectionClosed) as info:
                ws.recv(timeout=5)
            code = info.value.rcvd.code if info.value.rcvd else None
            closes[code] = closes.get(code, 0) + 1
    assert set(closes) <= {1009, 4000, 4001, 4002}
    sent = 200
    attacker = linked_device(relay_url, stack)
    after_hello: list[int | None] = []
    marker = '{"type":"ps_marker"}'  # its error names it: "unknown message type 'ps_marker'"
    while sent < FRAMES:
        try:
            for _ in range(BATCH):
                attacker.send(hostile_frame(rng))
                sent += 1
            attacker.send(marker)  # its error comes back after every earlier reply
            while "ps_marker" not in str(attacker.recv(timeout=5)):
                pass
        except ConnectionClosed as exc:
            # 1009 after an oversized frame; or no close frame at all when our later writes
            # reached the closed socket first and the reset dropped it
            after_hello.append(exc.rcvd.code if exc.rcvd else None)
            attacker = linked_device(relay_url, stack)
    assert set(after_hello) <= {1009, None}
