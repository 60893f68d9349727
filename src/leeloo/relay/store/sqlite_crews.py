"""The crew tables of the SQLite store (migration 3) and their queries (`CrewStore`).

A mixin of `SqliteStore`: every query runs through its `_run` (one worker thread, off the
event loop). `append` is the group commit: one BEGIN…COMMIT for a whole batch, each
recipient's seqs for the batch taken with ONE upsert … RETURNING on `cursors` (SQLite >=
3.35 and PostgreSQL both speak it), the inbox rows written with one executemany.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from leeloo.relay.store.crewstore import (
    Appended,
    CrewRecord,
    InviteRecord,
    MemberRecord,
    NewItem,
    PhoneSession,
    StoredItem,
)

T = TypeVar("T")

MIGRATION = """
CREATE TABLE profiles (
    device_id TEXT PRIMARY KEY REFERENCES devices (device_id),
    name TEXT NOT NULL DEFAULT '',
    last_seen DOUBLE PRECISION
);
CREATE TABLE crews (
    crew_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE memberships (
    device_id TEXT PRIMARY KEY REFERENCES devices (device_id),
    crew_id TEXT NOT NULL REFERENCES crews (crew_id),
    joined_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX memberships_crew ON memberships (crew_id, joined_at);
CREATE TABLE invites (
    code TEXT PRIMARY KEY,
    crew_id TEXT NOT NULL REFERENCES crews (crew_id),
    created_by TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE items (
    item_id TEXT PRIMARY KEY,
    crew_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    UNIQUE (sender_id, idem_key)
);
CREATE INDEX items_crew ON items (crew_id, created_at);
CREATE TABLE cursors (
    device_id TEXT PRIMARY KEY,
    last_seq BIGINT NOT NULL,
    acked BIGINT NOT NULL
);
CREATE TABLE inbox (
    device_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    item_id TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (device_id, seq)
);
CREATE TABLE phone_claims (
    token_hash TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE phone_sessions (
    session_hash TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
"""

_ITEM = "t.item_id, t.crew_id, t.sender_id, t.kind, t.body, t.created_at"
_TAKE_SEQS = (  # n seqs at once for one recipient: the last one taken comes back
    "INSERT INTO cursors (device_id, last_seq, acked) VALUES (:d, :n, 0) "
    "ON CONFLICT (device_id) DO UPDATE SET last_seq = cursors.last_seq + :n RETURNING last_seq"
)
_INSERT_ITEM = (
    "INSERT INTO items (item_id, crew_id, sender_id, idem_key, kind, body, created_at) "
    "VALUES (:id, :crew, :sender, :key, :kind, :body, :at) "
    "ON CONFLICT (sender_id, idem_key) DO NOTHING"
)


def _item(row: tuple[Any, ...]) -> StoredItem:
    item_id, crew_id, sender_id, kind, body, created_at = row
    return StoredItem(item_id, crew_id, sender_id, kind, json.loads(body), created_at)


def _insert_item(db: sqlite3.Connection, item: NewItem) -> str | None:
    """Insert `item`; None if fresh, else the id of the item stored before with its key."""
    params = {"id": item.item_id, "crew": item.crew_id, "sender": item.sender_id,
              "key": item.key, "kind": item.kind, "body": json.dumps(item.body),
              "at": item.created_at}  # fmt: skip
    if db.execute(_INSERT_ITEM, params).rowcount == 1:
        return None
    sql = "SELECT item_id FROM items WHERE sender_id = :s AND idem_key = :k"
    first: str = db.execute(sql, {"s": item.sender_id, "k": item.key}).fetchone()[0]
    return first


def _append_batch(db: sqlite3.Connection, batch: list[NewItem]) -> list[Appended]:
    """The group commit's statements: one INSERT per item, ONE cursor upsert per distinct
    recipient of the batch (taking all its seqs at once), one executemany for the inbox.
    Seqs are handed out in batch order, so each recipient's seqs follow the items'."""
    firsts = [_insert_item(db, item) for item in batch]
    fresh = [item for item, first in zip(batch, firsts, strict=True) if first is None]
    wanted = Counter(r for item in fresh for r in item.recipients)
    next_seq = {r: int(db.execute(_TAKE_SEQS, {"d": r, "n": n}).fetchone()[0]) - n + 1
                for r, n in wanted.items()}  # fmt: skip
    done: list[Appended] = []
    rows: list[tuple[str, int, str, float]] = []
    for item, first in zip(batch, firsts, strict=True):
        if first is not None:
            done.append(Appended(first, fresh=False))
            continue
        deliveries = []
        for r in item.recipients:
            deliveries.append((r, next_seq[r]))
            rows.append((r, next_seq[r], item.item_id, item.expires_at))
            next_seq[r] += 1
        done.append(Appended(item.item_id, True, tuple(deliveries)))
    db.executemany("INSERT INTO inbox (device_id, seq, item_id, expires_at) VALUES (?, ?, ?, ?)",
                   rows)  # fmt: skip
    return done


class SqliteCrews:
    """`CrewStore` queries; the host class provides `_run`."""

    _run: Callable[[Callable[[sqlite3.Connection], Any]], Any]

    async def _all(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = await self._run(lambda db: db.execute(sql, params).fetchall())
        return rows

    async def _write(self, sql: str, params: dict[str, Any]) -> int:
        count: int = await self._run(lambda db: db.execute(sql, params).rowcount)
        return count

    async def set_name(self, device_id: str, name: str) -> None:
        await self._write(
            "INSERT INTO profiles (device_id, name) VALUES (:d, :n) "
            "ON CONFLICT (device_id) DO UPDATE SET name = :n",
            {"d": device_id, "n": name},
        )

    async def get_name(self, device_id: str) -> str | None:
        rows = await self._all("SELECT name FROM profiles WHERE device_id = :d", {"d": device_id})
        return str(rows[0][0]) if rows else None

    async def touch(self, device_id: str, last_seen: float) -> None:
        await self._write(
            "INSERT INTO profiles (device_id, last_seen) VALUES (:d, :t) "
            "ON CONFLICT (device_id) DO UPDATE SET last_seen = :t",
            {"d": device_id, "t": last_seen},
        )

    async def create_crew(self, crew: CrewRecord, device_id: str) -> None:
        def work(db: sqlite3.Connection) -> None:
            with db:
                db.execute("BEGIN")
                db.execute("INSERT INTO crews (crew_id, name, created_at) VALUES (:c, :n, :t)",
                           {"c": crew.crew_id, "n": crew.name, "t": crew.created_at})  # fmt: skip
                db.execute("INSERT INTO memberships (device_id, crew_id, joined_at) "
                           "VALUES (:d, :c, :t)",
                           {"d": device_id, "c": crew.crew_id, "t": crew.created_at})  # fmt: skip

        await self._run(work)

    async def get_crew(self, crew_id: str) -> CrewRecord | None:
        sql = "SELECT crew_id, name, created_at FROM crews WHERE crew_id = :c"
        rows = await self._all(sql, {"c": crew_id})
        return CrewRecord(*rows[0]) if rows else None

    async def join_crew(self, crew_id: str, device_id: str, now: float) -> None:
        await self._write(
            "INSERT INTO memberships (device_id, crew_id, joined_at) VALUES (:d, :c, :t)",
            {"d": device_id, "c": crew_id, "t": now},
        )

    async def leave_crew(self, device_id: str) -> str | None:
        def work(db: sqlite3.Connection) -> str | None:
            sql = "DELETE FROM memberships WHERE device_id = :d RETURNING crew_id"
            row = db.execute(sql, {"d": device_id}).fetchone()
            return str(row[0]) if row else None

        left: str | None = await self._run(work)
        return left

    async def crew_of(self, device_id: str) -> str | None:
        sql = "SELECT crew_id FROM memberships WHERE device_id = :d"
        rows = await self._all(sql, {"d": device_id})
        return str(rows[0][0]) if rows else None

    async def members(self, crew_id: str) -> list[MemberRecord]:
        rows = await self._all(
            "SELECT m.device_id, COALESCE(p.name, ''), p.last_seen FROM memberships m "
            "LEFT JOIN profiles p ON p.device_id = m.device_id WHERE m.crew_id = :c "
            "ORDER BY m.joined_at, m.device_id", {"c": crew_id})  # fmt: skip
        return [MemberRecord(*row) for row in rows]

    async def add_invite(self, invite: InviteRecord) -> None:
        await self._write(
            "INSERT INTO invites (code, crew_id, created_by, expires_at, revoked) "
            "VALUES (:code, :c, :by, :exp, 0)",
            {"code": invite.code, "c": invite.crew_id, "by": invite.created_by,
             "exp": invite.expires_at})  # fmt: skip

    async def get_invite(self, code: str) -> InviteRecord | None:
        sql = "SELECT code, crew_id, created_by, expires_at, revoked FROM invites WHERE code = :c"
        rows = await self._all(sql, {"c": code})
        if not rows:
            return None
        code, crew_id, by, expires_at, revoked = rows[0]
        return InviteRecord(code, crew_id, by, expires_at, bool(revoked))

    async def revoke_invites(self, crew_id: str) -> None:
        await self._write("UPDATE invites SET revoked = 1 WHERE crew_id = :c", {"c": crew_id})

    async def append(self, batch: list[NewItem]) -> list[Appended]:
        def work(db: sqlite3.Connection) -> list[Appended]:
            with db:  # one transaction for the whole batch: the group commit
                db.execute("BEGIN")
                return _append_batch(db, batch)

        done: list[Appended] = await self._run(work)
        return done

    async def ack(self, acks: dict[str, int]) -> None:
        sql = "UPDATE cursors SET acked = :s WHERE device_id = :d AND acked < :s"

        def work(db: sqlite3.Connection) -> None:
            with db:
                db.execute("BEGIN")
                db.executemany(sql, [{"d": d, "s": s} for d, s in acks.items()])

        await self._run(work)

    async def acked(self, device_id: str) -> int:
        rows = await self._all("SELECT acked FROM cursors WHERE device_id = :d", {"d": device_id})
        return int(rows[0][0]) if rows else 0

    async def pending(
        self, device_id: str, after: int, now: float, limit: int
    ) -> list[tuple[int, StoredItem]]:
        rows = await self._all(
            f"SELECT i.seq, {_ITEM} FROM inbox i JOIN items t ON t.item_id = i.item_id "
            "WHERE i.device_id = :d AND i.seq > :after AND i.expires_at > :now "
            "ORDER BY i.seq LIMIT :n",
            {"d": device_id, "after": after, "now": now, "n": limit},
        )
        return [(int(row[0]), _item(row[1:])) for row in rows]

    async def get_item(self, item_id: str) -> StoredItem | None:
        rows = await self._all(f"SELECT {_ITEM} FROM items t WHERE t.item_id = :i", {"i": item_id})
        return _item(rows[0]) if rows else None

    async def recent(self, crew_id: str, limit: int) -> list[StoredItem]:
        rows = await self._all(
            f"SELECT {_ITEM} FROM items t WHERE t.crew_id = :c "
            "ORDER BY t.created_at DESC, t.item_id DESC LIMIT :n",
            {"c": crew_id, "n": limit},
        )
        return [_item(row) for row in rows]

    async def add_claim(self, token_hash: str, device_id: str, expires_at: float) -> None:
        await self._write(
            "INSERT INTO phone_claims (token_hash, device_id, expires_at) VALUES (:h, :d, :e)",
            {"h": token_hash, "d": device_id, "e": expires_at},
        )

    async def use_claim(self, token_hash: str, now: float) -> str | None:
        def work(db: sqlite3.Connection) -> str | None:
            sql = ("UPDATE phone_claims SET used = 1 WHERE token_hash = :h AND used = 0 "
                   "RETURNING device_id, expires_at")  # fmt: skip
            row = db.execute(sql, {"h": token_hash}).fetchone()
            return str(row[0]) if row and row[1] > now else None

        found: str | None = await self._run(work)
        return found

    async def add_phone_session(self, session_hash: str, session: PhoneSession) -> None:
        await self._write(
            "INSERT INTO phone_sessions (session_hash, device_id, csrf, expires_at) "
            "VALUES (:h, :d, :c, :e)",
            {"h": session_hash, "d": session.device_id, "c": session.csrf,
             "e": session.expires_at})  # fmt: skip

    async def get_phone_session(self, session_hash: str, now: float) -> PhoneSession | None:
        rows = await self._all(
            "SELECT device_id, csrf, expires_at FROM phone_sessions "
            "WHERE session_hash = :h AND expires_at > :now",
            {"h": session_hash, "now": now},
        )
        return PhoneSession(*rows[0]) if rows else None

    async def purge_items(self, now: float) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM inbox WHERE expires_at <= :now", {"now": now})
            db.execute("DELETE FROM inbox WHERE seq <= (SELECT acked FROM cursors c "
                       "WHERE c.device_id = inbox.device_id)")  # fmt: skip
            db.execute("DELETE FROM items WHERE created_at < :old AND item_id NOT IN "
                       "(SELECT item_id FROM inbox)", {"old": now - 7 * 86400})  # fmt: skip
            db.execute("DELETE FROM phone_claims WHERE expires_at <= :now", {"now": now})
            db.execute("DELETE FROM phone_sessions WHERE expires_at <= :now", {"now": now})

        await self._run(work)
