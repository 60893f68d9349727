"""The store contract, run against every implementation (memory and SQLite)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from leeloo.core.pairing import CallbackCode, Confirm, PairingSession, apply
from leeloo.relay.errors import ConfigError, StoreConflictError, StoreError
from leeloo.relay.store import DeviceRecord, Store, open_store
from leeloo.relay.store.memory import MemoryStore
from leeloo.relay.store.sqlite import MIGRATIONS, SqliteStore


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    url = "memory:" if request.param == "memory" else f"sqlite:///{tmp_path}/db/relay.db"
    opened = open_store(url)
    await opened.open()
    await opened.add_device(DeviceRecord("dev-1", "h1", 1.0))
    await opened.add_device(DeviceRecord("dev-2", "h2", 1.0))
    yield opened
    await opened.close()


def session(
    sid: str = "ps-1", code: str = "BBBB-BBBB", device: str = "dev-1", at: float = 100.0
) -> PairingSession:
    return PairingSession(sid, device, code, "c" * 43, "app", at, at + 600)


async def test_devices(store: Store) -> None:
    assert await store.get_device("dev-1") == DeviceRecord("dev-1", "h1", 1.0)
    assert await store.get_device("nope") is None
    with pytest.raises(StoreConflictError):
        await store.add_device(DeviceRecord("dev-1", "other", 2.0))
    assert "h1" not in repr(await store.get_device("dev-1"))


async def test_sessions_round_trip_every_field(store: Store) -> None:
    s = apply(apply(session(), Confirm("st-1"), 100), CallbackCode("code", 60), 101)
    await store.insert_session(session())
    assert await store.update_session(s, expected_version=0)
    assert await store.get_session("ps-1") == s
    assert await store.session_by_user_code("BBBB-BBBB") == s
    assert await store.session_by_state("st-1") == s
    assert await store.get_session("ps-x") is None
    assert await store.session_by_user_code("ZZZZ-ZZZZ") is None
    assert await store.session_by_state("nope") is None


async def test_update_is_compare_and_set(store: Store) -> None:
    await store.insert_session(session())
    first = apply(session(), Confirm("st-1"), 100)
    assert await store.update_session(first, expected_version=0)
    assert not await store.update_session(apply(session(), Confirm("st-2"), 100), 0)
    assert (await store.get_session("ps-1")) == first
    assert not await store.update_session(session("ps-unknown"), 0)


async def test_unique_keys(store: Store) -> None:
    await store.insert_session(session())
    with pytest.raises(StoreConflictError):
        await store.insert_session(session())
    with pytest.raises(StoreConflictError):
        await store.insert_session(session("ps-2"))  # same user code
    await store.insert_session(session("ps-2", "CCCC-CCCC"))
    await store.update_session(apply(session(), Confirm("st-1"), 100), 0)
    other = apply(session("ps-2", "CCCC-CCCC"), Confirm("st-1"), 100)
    with pytest.raises(StoreConflictError):
        await store.update_session(other, 0)  # same state


async def test_sessions_of_a_device_since(store: Store) -> None:
    await store.insert_session(session("ps-2", "CCCC-CCCC", at=200))
    await store.insert_session(session("ps-1", "BBBB-BBBB", at=100))
    await store.insert_session(session("ps-3", "DDDD-DDDD", at=300, device="dev-2"))
    assert [s.session_id for s in await store.sessions_of("dev-1", 0)] == ["ps-1", "ps-2"]
    assert [s.session_id for s in await store.sessions_of("dev-1", 150)] == ["ps-2"]


async def test_counters_and_purge(store: Store) -> None:
    assert [await store.hit("ip:1", 600) for _ in range(3)] == [1, 2, 3]
    assert await store.hit("ip:1", 1200) == 1
    assert await store.hit("ip:2", 600) == 1
    await store.insert_session(session("ps-1", at=100))
    await store.insert_session(session("ps-2", "CCCC-CCCC", at=900))
    await store.purge(sessions_before=500, windows_before=1200)
    assert await store.get_session("ps-1") is None
    assert await store.get_session("ps-2") is not None
    assert await store.hit("ip:1", 600) == 1  # that window was purged
    assert await store.hit("ip:1", 1200) == 2


async def test_ping(store: Store) -> None:
    await store.ping()


async def test_memory_store_can_be_broken() -> None:
    store = MemoryStore()
    store.broken = True
    with pytest.raises(StoreError):
        await store.ping()


async def test_sqlite_migrates_once_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "relay.db"
    for _ in range(2):
        store = SqliteStore(path)
        await store.open()
        await store.close()
    with sqlite3.connect(path) as db:
        versions = [r[0] for r in db.execute("SELECT version FROM schema_version")]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    db.close()
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert mode == "wal"


async def test_sqlite_errors_are_store_errors(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "relay.db")
    with pytest.raises(StoreError, match="not open"):
        await store.ping()
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match="cannot open"):
        await SqliteStore(tmp_path / "dir.db").open()


def test_unknown_store_url() -> None:
    with pytest.raises(ConfigError, match="postgres"):
        open_store("postgres://x")
