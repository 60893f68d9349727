"""The probes against real local things: served apps, a closed port, tmp files, SQLite."""

from __future__ import annotations

import os
import pickle
import shutil
import socket
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from leeloo.doctor import probes
from leeloo.doctor.observations import (
    Failure,
    FileBytes,
    MemoryStore,
    Missing,
    NoStoreFile,
    Reply,
    StoreSchema,
    StoreUnreadable,
    UnknownStore,
    Unreachable,
    Unreadable,
)
from leeloo.relay.store.sqlite import MIGRATIONS, SqliteStore
from leeloo.testing import FakeClock

Serve = Callable[[ASGIApp], str]


def closed_port() -> int:
    """A port nothing listens on: bound, then released (the OS does not hand it out again
    at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def hello(_: object) -> PlainTextResponse:
    return PlainTextResponse("hi", headers={"Location": "/elsewhere"}, status_code=302)


def hello_app() -> Starlette:
    return Starlette(routes=[Route("/", hello)])


async def test_a_reply_keeps_status_headers_body_and_times(serve: Serve) -> None:
    base = serve(hello_app())
    clock = FakeClock(start=time.time())
    async with httpx.AsyncClient() as http:
        answer = await probes.fetch(http, base + "/", clock)
    assert isinstance(answer, Reply)
    assert answer.status == 302  # not followed
    assert answer.headers["location"] == "/elsewhere"
    assert "date" in answer.headers  # uvicorn's, the server clock
    assert answer.body == b"hi"
    assert answer.sent_at == answer.received_at == clock.time()


async def test_a_closed_port_is_refused() -> None:
    url = f"http://127.0.0.1:{closed_port()}/healthz"
    async with httpx.AsyncClient() as http:
        answer = await probes.fetch(http, url, FakeClock())
    assert answer == Unreachable(url, Failure.REFUSED, answer.detail)


async def test_https_to_a_plain_http_server_is_a_tls_failure(serve: Serve) -> None:
    url = serve(hello_app()).replace("http://", "https://") + "/"
    async with httpx.AsyncClient() as http:
        answer = await probes.fetch(http, url, FakeClock())
    assert isinstance(answer, Unreachable)
    assert answer.failure is Failure.TLS


async def test_an_unknown_name_is_a_dns_failure() -> None:
    # .invalid never resolves (RFC 6761 §6.4); the resolver says so without a network.
    async with httpx.AsyncClient() as http:
        answer = await probes.fetch(http, "http://leeloo-relay.invalid/healthz", FakeClock())
    assert isinstance(answer, Unreachable)
    assert answer.failure is Failure.DNS


def test_timeouts_and_unknown_errors_are_classified() -> None:
    assert probes.classify(httpx.ReadTimeout("slow")) is Failure.TIMEOUT
    assert probes.classify(httpx.RemoteProtocolError("garbled")) is Failure.OTHER


def test_look_at_files(tmp_path: Path) -> None:
    secret = tmp_path / "tokens.json"
    assert probes.look(secret) == Missing(secret)
    secret.write_bytes(b"{}")
    secret.chmod(0o644)
    assert probes.look(secret) == FileBytes(secret, 0o644, b"{}")
    secret.chmod(0o600)
    assert probes.look(secret) == FileBytes(secret, 0o600, b"{}")
    seen = probes.look(tmp_path)
    assert isinstance(seen, Unreadable)
    assert seen.reason == "Is a directory"


def unprivileged(probe: Callable[[], object]) -> object:
    """Run `probe` as a user without root's powers and return what it returns.

    Root reads and writes every file, so as root (CI runs as root) the probe runs in a
    forked child that has dropped to `nobody` first; the answer comes back pickled.
    """
    if os.geteuid() != 0:
        return probe()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, probe, report, exit without cleanup
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(writer, pickle.dumps(probe()))
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as answer:
        data = answer.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder anyone may enter (pytest's tmp_path sits under root's private folder)."""
    folder = Path(tempfile.mkdtemp(prefix="leeloo-doctor-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder)


def test_a_file_of_another_mode_is_unreadable_by_permission(open_dir: Path) -> None:
    secret = open_dir / "tokens.json"
    secret.write_bytes(b"{}")
    secret.chmod(0o000)
    seen = unprivileged(lambda: probes.look(secret))
    assert isinstance(seen, Unreadable)
    assert seen.permission


def fake_sysfs(root: Path, size: str = "480,320", bpp: str = "16") -> Path:
    sysfs = root / "fb1"
    sysfs.mkdir()
    (sysfs / "virtual_size").write_text(size + "\n")
    (sysfs / "bits_per_pixel").write_text(bpp + "\n")
    return sysfs


def test_geometry_from_a_fake_sysfs(tmp_path: Path) -> None:
    geometry = probes.geometry(fake_sysfs(tmp_path))
    assert not isinstance(geometry, str)
    assert (geometry.width, geometry.height, geometry.bits_per_pixel) == (480, 320, 16)


def test_geometry_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    missing = probes.geometry(tmp_path / "fb9")
    assert missing == f"No such file or directory: {tmp_path / 'fb9' / 'virtual_size'}"
    assert probes.geometry(fake_sysfs(tmp_path, bpp="24")) == (
        "24 bits per pixel is not supported (16 or 32)"
    )


def test_device_node(open_dir: Path) -> None:
    node = open_dir / "fb0"
    assert not probes.device_node(node).exists
    node.write_bytes(b"\0" * 16)
    seen = probes.device_node(node)
    assert seen.exists
    assert seen.writable
    assert seen.group
    node.chmod(0o444)
    assert not unprivileged(lambda: probes.device_node(node).writable)


def test_store_urls(tmp_path: Path) -> None:
    assert probes.store("memory:", 3) == MemoryStore()
    assert probes.store("postgres://db/leeloo", 3) == UnknownStore("postgres://db/leeloo")
    new = tmp_path / "state" / "relay.db"
    assert probes.store(f"sqlite:///{new}", 3) == NoStoreFile(new, creatable=True)


def test_a_store_in_a_folder_nobody_may_write(open_dir: Path) -> None:
    locked = open_dir / "locked"
    locked.mkdir(mode=0o555)
    locked.chmod(0o555)
    seen = unprivileged(lambda: probes.store(f"sqlite:///{locked}/relay.db", 3))
    locked.chmod(0o700)
    assert seen == NoStoreFile(locked / "relay.db", creatable=False)


async def test_a_store_the_relay_made_is_current(tmp_path: Path) -> None:
    path = tmp_path / "relay.db"
    relay_store = SqliteStore(path)
    await relay_store.open()
    await relay_store.close()
    before = path.read_bytes()
    seen = probes.store(f"sqlite:///{path}", len(MIGRATIONS))
    assert seen == StoreSchema(path, len(MIGRATIONS), len(MIGRATIONS))
    assert path.read_bytes() == before  # read only


def test_an_old_store_and_a_file_that_is_not_one(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (1)")
    db.close()
    assert probes.store(f"sqlite:///{old}", 3) == StoreSchema(old, 1, 3)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert probes.store(f"sqlite:///{empty}", 3) == StoreSchema(empty, 0, 3)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not SQLite" * 100)
    seen = probes.store(f"sqlite:///{junk}", 3)
    assert seen == StoreUnreadable(junk, "file is not a database")
