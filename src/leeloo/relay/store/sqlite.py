"""The SQLite store: one file in WAL mode, stdlib `sqlite3` run off the event loop.

One connection, used by one worker thread at a time (an anyio `CapacityLimiter(1)`), so
the loop never blocks on disk and SQLite never sees two writers from this process.
WAL lets readers run beside the writer (https://sqlite.org/wal.html).

Queries are plain SQL that PostgreSQL also speaks (`ON CONFLICT ... DO UPDATE`, no
`INSERT OR REPLACE`, no rowid tricks), with `:name` parameters; only `PRAGMA`s in
`_connect` are SQLite's own. Schema changes are `MIGRATIONS`, applied in order from the
first table on, each in its own transaction, recorded in `schema_version`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from leeloo.core.messages import FailureReason
from leeloo.core.pairing import PairingSession, Status
from leeloo.relay.errors import StoreConflictError, StoreError
from leeloo.relay.store import DeviceRecord
from leeloo.relay.store.sqlite_crews import MIGRATION as CREW_MIGRATION
from leeloo.relay.store.sqlite_crews import SqliteCrews

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS: tuple[str, ...] = (
    # 1: devices and pairing sessions
    """
    CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE pairing_sessions (
        session_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices (device_id),
        user_code TEXT NOT NULL UNIQUE,
        code_challenge TEXT NOT NULL,
        client_id TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL,
        status TEXT NOT NULL,
        state TEXT UNIQUE,
        auth_code TEXT,
        code_expires_at DOUBLE PRECISION,
        failure TEXT,
        version INTEGER NOT NULL
    );
    CREATE INDEX pairing_sessions_device ON pairing_sessions (device_id, created_at);
    """,
    # 2: rate-limit counters (fixed windows)
    """
    CREATE TABLE counters (
        counter_key TEXT NOT NULL,
        window_start BIGINT NOT NULL,
        hits INTEGER NOT NULL,
        PRIMARY KEY (counter_key, window_start)
    );
    """,
    # 3: crews, names and presence, invites, the durable inbox, phone logins
    CREW_MIGRATION,
)

_SESSION_COLUMNS = (
    "session_id, device_id, user_code, code_challenge, client_id, created_at, expires_at, "
    "status, state, auth_code, code_expires_at, failure, version"
)
_SELECT_SESSION = f"SELECT {_SESSION_COLUMNS} FROM pairing_sessions"


def _session_row(s: PairingSession) -> dict[str, Any]:
    return {
        "session_id": s.session_id,
        "device_id": s.device_id,
        "user_code": s.user_code,
        "code_challenge": s.code_challenge,
        "client_id": s.client_id,
        "created_at": s.created_at,
        "expires_at": s.expires_at,
        "status": s.status.value,
        "state": s.state,
        "auth_code": s.auth_code,
        "code_expires_at": s.code_expires_at,
        "failure": s.failure.value if s.failure else None,
        "version": s.version,
    }


def _session_from(row: tuple[Any, ...]) -> PairingSession:
    (sid, device, code, challenge, client, created, expires, status, state, auth_code,
     code_expires, failure, version) = row  # fmt: skip
    return PairingSession(
        session_id=sid,
        device_id=device,
        user_code=code,
        code_challenge=challenge,
        client_id=client,
        created_at=created,
        expires_at=expires,
        status=Status(status),
        state=state,
        auth_code=auth_code,
        code_expires_at=code_expires,
        failure=FailureReason(failure) if failure else None,
        version=version,
    )


class SqliteStore(SqliteCrews):
    """A `Store` in one SQLite file (created with its directory if missing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._limiter = anyio.CapacityLimiter(1)

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        db = self._db
        if db is None:
            raise StoreError("store is not open")

        def call() -> T:
            try:
                return work(db)
            except sqlite3.IntegrityError as exc:
                raise StoreConflictError("unique key taken") from exc
            except sqlite3.Error as exc:
                raise StoreError(f"sqlite: {type(exc).__name__}") from exc

        return await anyio.to_thread.run_sync(call, limiter=self._limiter)

    async def open(self) -> None:
        def connect() -> sqlite3.Connection:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes in WAL
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=5000")
            _migrate(db)
            return db

        try:
            self._db = await anyio.to_thread.run_sync(connect, limiter=self._limiter)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store: {type(exc).__name__}") from exc

    async def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            await anyio.to_thread.run_sync(db.close, limiter=self._limiter)

    async def ping(self) -> None:
        await self._run(lambda db: db.execute("SELECT 1").fetchone())

    async def add_device(self, device: DeviceRecord) -> None:
        sql = "INSERT INTO devices (device_id, secret_hash, created_at) VALUES (:id, :h, :t)"
        params = {"id": device.device_id, "h": device.secret_hash, "t": device.created_at}
        await self._run(lambda db: db.execute(sql, params))

    async def get_device(self, device_id: str) -> DeviceRecord | None:
        sql = "SELECT device_id, secret_hash, created_at FROM devices WHERE device_id = :id"
        row = await self._run(lambda db: db.execute(sql, {"id": device_id}).fetchone())
        return DeviceRecord(*row) if row else None

    async def insert_session(self, session: PairingSession) -> None:
        names = _SESSION_COLUMNS.split(", ")
        sql = (
            f"INSERT INTO pairing_sessions ({_SESSION_COLUMNS}) "
            f"VALUES ({', '.join(':' + n for n in names)})"
        )
        await self._run(lambda db: db.execute(sql, _session_row(session)))

    async def update_session(self, session: PairingSession, expected_version: int) -> bool:
        names = [n for n in _SESSION_COLUMNS.split(", ") if n != "session_id"]
        sql = (
            f"UPDATE pairing_sessions SET {', '.join(f'{n} = :{n}' for n in names)} "
            "WHERE session_id = :session_id AND version = :expected"
        )
        params = {**_session_row(session), "expected": expected_version}
        changed = await self._run(lambda db: db.execute(sql, params).rowcount)
        return changed == 1

    async def _one(self, where: str, value: str) -> PairingSession | None:
        sql = f"{_SELECT_SESSION} WHERE {where} = :v"
        row = await self._run(lambda db: db.execute(sql, {"v": value}).fetchone())
        return _session_from(row) if row else None

    async def get_session(self, session_id: str) -> PairingSession | None:
        return await self._one("session_id", session_id)

    async def session_by_user_code(self, user_code: str) -> PairingSession | None:
        return await self._one("user_code", user_code)

    async def session_by_state(self, state: str) -> PairingSession | None:
        return await self._one("state", state)

    async def sessions_of(self, device_id: str, since: float) -> list[PairingSession]:
        sql = (
            f"{_SELECT_SESSION} WHERE device_id = :d AND created_at >= :since "
            "ORDER BY created_at, session_id"
        )
        rows = await self._run(
            lambda db: db.execute(sql, {"d": device_id, "since": since}).fetchall()
        )
        return [_session_from(r) for r in rows]

    async def hit(self, key: str, window_start: int) -> int:
        upsert = (
            "INSERT INTO counters (counter_key, window_start, hits) VALUES (:k, :w, 1) "
            "ON CONFLICT (counter_key, window_start) DO UPDATE SET hits = counters.hits + 1"
        )
        select = "SELECT hits FROM counters WHERE counter_key = :k AND window_start = :w"
        params = {"k": key, "w": window_start}

        def work(db: sqlite3.Connection) -> int:
            with db:  # one transaction: the count read is the count written
                db.execute("BEGIN")
                db.execute(upsert, params)
                count: int = db.execute(select, params).fetchone()[0]
            return count

        return await self._run(work)

    async def purge(self, sessions_before: float, windows_before: int) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM pairing_sessions WHERE created_at < :t", {"t": sessions_before})
            db.execute("DELETE FROM counters WHERE window_start < :w", {"w": windows_before})

        await self._run(work)


def _migrate(db: sqlite3.Connection) -> None:
    """Apply the migrations this file has not seen yet, each in one transaction."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    current = row[0] or 0
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        db.execute("BEGIN")
        try:
            for statement in filter(str.strip, script.split(";")):
                db.execute(statement)
            db.execute("INSERT INTO schema_version (version) VALUES (:v)", {"v": number})
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        log.info("store schema migrated to version %d", number)
