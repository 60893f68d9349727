"""The relay's store: one small interface, an SQLite and an in-memory implementation.

Everything that must survive a restart or be shared between relay nodes lives here
(devices, pairing sessions, rate-limit counters); nothing of that kind is kept in a
node's memory. Both implementations pass one contract suite (tests/relay/test_store.py).
`open_store(url)` picks one by URL: `memory:` or `sqlite:///path/to/relay.db`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from leeloo.core.pairing import PairingSession
from leeloo.relay.errors import ConfigError
from leeloo.relay.store.crewstore import CrewStore


@dataclass(frozen=True)
class DeviceRecord:
    """A registered device: only the SHA-256 of its secret is kept (hex)."""

    device_id: str
    secret_hash: str
    created_at: float

    def __repr__(self) -> str:
        return f"DeviceRecord({self.device_id!r})"


class Store(CrewStore, Protocol):
    """The relay's durable state. Every method may raise StoreError."""

    async def open(self) -> None:
        """Connect and bring the schema up to date (migrations run once, in order)."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Return if the store answers a trivial query; raise StoreError otherwise."""

    async def add_device(self, device: DeviceRecord) -> None:
        """Insert a device; StoreConflictError if its id exists."""

    async def get_device(self, device_id: str) -> DeviceRecord | None: ...

    async def insert_session(self, session: PairingSession) -> None:
        """Insert a new session; StoreConflictError if its id, user code or state is taken."""

    async def update_session(self, session: PairingSession, expected_version: int) -> bool:
        """Compare-and-set: store `session` if the stored one still has `expected_version`.

        False if another writer got there first (reload and decide again). StoreConflictError
        if the new `state` is taken by another session.
        """

    async def get_session(self, session_id: str) -> PairingSession | None: ...

    async def session_by_user_code(self, user_code: str) -> PairingSession | None: ...

    async def session_by_state(self, state: str) -> PairingSession | None: ...

    async def sessions_of(self, device_id: str, since: float) -> list[PairingSession]:
        """The device's sessions created at or after `since`, oldest first."""

    async def hit(self, key: str, window_start: int) -> int:
        """Count one more event for (`key`, `window_start`) and return the new count."""

    async def purge(self, sessions_before: float, windows_before: int) -> None:
        """Delete sessions created before `sessions_before` and older counter windows."""


def open_store(url: str) -> Store:
    """The store for `url` (not yet opened): `memory:` or `sqlite:///<path>`."""
    if url == "memory:":
        from leeloo.relay.store.memory import MemoryStore

        return MemoryStore()
    if url.startswith("sqlite:///"):
        from leeloo.relay.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    raise ConfigError(
        f"unknown store URL scheme in {url.split(':')[0]!r}: use memory: or sqlite:///"
    )
