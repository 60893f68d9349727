"""Durability: a recipient offline while 50 items are sent, the relay SIGKILLed and restarted
in the middle; the recipient reconnects and gets all 50 exactly once, in order."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.crew.conftest import Dev

from leeloo.testing.ports import free_port

STARTUP_S = 15.0


class RelayProcess:
    def __init__(self, db: Path) -> None:
        self.port = free_port()
        self.db = db
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "LEELOO_RELAY_SPOTIFY_CLIENT_ID": "app",
               "LEELOO_RELAY_SEND_LIMIT": "1000", "LEELOO_RELAY_ENV_FILE": "/nonexistent",
               "LEELOO_RELAY_PUBLIC_URL": self.base}  # fmt: skip
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "leeloo", "relay", "--port", str(self.port),
             "--store", f"sqlite:///{self.db}"], env=env)  # fmt: skip
        deadline = time.monotonic() + STARTUP_S  # start-up wait only, not a timing test
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the relay did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayProcess]:
    process = RelayProcess(tmp_path / "relay.db")
    process.start()
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.proc.terminate()
        process.proc.wait()


def acked_in_store(db: Path, device_id: str, seq: int) -> None:
    """Poll the relay's SQLite file (read-only) until the device's ack is committed."""
    deadline = time.monotonic() + STARTUP_S  # a bound on the wait, not a timing test
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as store:
        while time.monotonic() < deadline:
            row = store.execute("SELECT acked FROM cursors WHERE device_id = ?",
                                (device_id,)).fetchone()  # fmt: skip
            if row is not None and row[0] >= seq:
                return
            time.sleep(0.01)
    raise AssertionError(f"the ack of {seq} was not committed")


def send(relay: RelayProcess, dev: Dev, n: int) -> None:
    body = {"key": f"text-{n}", "kind": "text", "text": f"message {n}"}
    answer = httpx.post(f"{relay.base}/v1/items", headers=dev.auth, json=body)
    assert answer.status_code == 201, answer.text


def test_fifty_items_survive_a_sigkill_and_arrive_once_in_order(relay: RelayProcess) -> None:
    amy, ben = Dev(relay.base), Dev(relay.base)
    for dev, name in ((amy, "Amy"), (ben, "Ben")):
        dev.connect()
        dev.claim()
        dev.act("name", name=name)
    amy.act("create", name="Desk")
    ben.act("join", code=amy.act("invite").split()[2])
    assert ben.ws is not None
    ben.ws.close()
    for n in range(25):
        send(relay, amy, n)
    relay.kill()
    relay.start()
    send(relay, amy, 24)  # a retry of the last send (same key) after the restart
    for n in range(25, 50):
        send(relay, amy, n)
    send(relay, amy, 49)
    frames = ben.connect()
    items = [f for f in frames if f["type"] == "item"]
    assert [i["text"] for i in items] == [f"message {n}" for n in range(50)]
    assert [i["seq"] for i in items] == list(range(1, 51))
    assert frames[-1] == {"type": "inbox.synced", "seq": 50}
    # acked: a reconnect gets nothing more
    assert ben.ws is not None
    ben.ws.send('{"type":"ack","seq":50}')
    acked_in_store(relay.db, ben.device_id, 50)  # the ack's group commit has no reply
    ben.ws.close()
    assert [f for f in ben.connect() if f["type"] == "item"] == []
    amy.close()
    ben.close()
