"""The in-memory store: the contract's reference, for tests and one-off runs.

Same rules as the SQLite store, checked by the same contract suite: unique device ids,
user codes and states; compare-and-set on a session's version; counters per window.
"""

from __future__ import annotations

from leeloo.core.pairing import PairingSession
from leeloo.relay.errors import StoreConflictError, StoreError
from leeloo.relay.store import DeviceRecord
from leeloo.relay.store.memory_crews import MemoryCrews


class MemoryStore(MemoryCrews):
    """A `Store` in dicts; `broken = True` makes every call fail (for health tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.devices: dict[str, DeviceRecord] = {}
        self.sessions: dict[str, PairingSession] = {}
        self.counters: dict[tuple[str, int], int] = {}
        self.broken = False

    def _check(self) -> None:
        if self.broken:
            raise StoreError("store unreachable")

    async def open(self) -> None:
        self._check()

    async def close(self) -> None:
        return None

    async def ping(self) -> None:
        self._check()

    async def add_device(self, device: DeviceRecord) -> None:
        self._check()
        if device.device_id in self.devices:
            raise StoreConflictError("device id taken")
        self.devices[device.device_id] = device

    async def get_device(self, device_id: str) -> DeviceRecord | None:
        self._check()
        return self.devices.get(device_id)

    def _clashes(self, session: PairingSession) -> bool:
        for other in self.sessions.values():
            if other.session_id == session.session_id:
                continue
            if other.user_code == session.user_code:
                return True
            if session.state is not None and other.state == session.state:
                return True
        return False

    async def insert_session(self, session: PairingSession) -> None:
        self._check()
        if session.session_id in self.sessions or self._clashes(session):
            raise StoreConflictError("pairing session key taken")
        self.sessions[session.session_id] = session

    async def update_session(self, session: PairingSession, expected_version: int) -> bool:
        self._check()
        current = self.sessions.get(session.session_id)
        if current is None or current.version != expected_version:
            return False
        if self._clashes(session):
            raise StoreConflictError("pairing session key taken")
        self.sessions[session.session_id] = session
        return True

    async def get_session(self, session_id: str) -> PairingSession | None:
        self._check()
        return self.sessions.get(session_id)

    async def session_by_user_code(self, user_code: str) -> PairingSession | None:
        self._check()
        return next((s for s in self.sessions.values() if s.user_code == user_code), None)

    async def session_by_state(self, state: str) -> PairingSession | None:
        self._check()
        return next((s for s in self.sessions.values() if s.state == state), None)

    async def sessions_of(self, device_id: str, since: float) -> list[PairingSession]:
        self._check()
        mine = [
            s for s in self.sessions.values() if s.device_id == device_id and s.created_at >= since
        ]
        return sorted(mine, key=lambda s: (s.created_at, s.session_id))

    async def hit(self, key: str, window_start: int) -> int:
        self._check()
        count = self.counters.get((key, window_start), 0) + 1
        self.counters[(key, window_start)] = count
        return count

    async def purge(self, sessions_before: float, windows_before: int) -> None:
        self._check()
        for sid in [s.session_id for s in self.sessions.values() if s.created_at < sessions_before]:
            del self.sessions[sid]
        for key in [k for k in self.counters if k[1] < windows_before]:
            del self.counters[key]
