"""The crew part of the in-memory store (`CrewStore` in dicts), a mixin of `MemoryStore`.

Same rules as `SqliteCrews`, held to them by the same contract suite.
"""

from __future__ import annotations

import copy

from leeloo.relay.errors import StoreConflictError
from leeloo.relay.store.crewstore import (
    Appended,
    CrewRecord,
    InviteRecord,
    MemberRecord,
    NewItem,
    PhoneSession,
    StoredItem,
)


class MemoryCrews:
    """`CrewStore` in dicts; the host class provides `_check`."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.last_seen: dict[str, float] = {}
        self.crews: dict[str, CrewRecord] = {}
        self.memberships: dict[str, tuple[str, float]] = {}  # device -> (crew, joined_at)
        self.invites: dict[str, InviteRecord] = {}
        self.items: dict[str, StoredItem] = {}
        self.keys: dict[tuple[str, str], str] = {}  # (sender, key) -> item id
        self.cursors: dict[str, list[int]] = {}  # device -> [last_seq, acked]
        self.inbox: dict[str, list[tuple[int, str, float]]] = {}  # device -> (seq, item, expiry)
        self.claims: dict[str, tuple[str, float, bool]] = {}
        self.phone_sessions: dict[str, PhoneSession] = {}

    def _check(self) -> None: ...

    async def set_name(self, device_id: str, name: str) -> None:
        self._check()
        self.names[device_id] = name

    async def get_name(self, device_id: str) -> str | None:
        self._check()
        if device_id not in self.names and device_id not in self.last_seen:
            return None
        return self.names.get(device_id, "")

    async def touch(self, device_id: str, last_seen: float) -> None:
        self._check()
        self.last_seen[device_id] = last_seen

    async def create_crew(self, crew: CrewRecord, device_id: str) -> None:
        self._check()
        if crew.crew_id in self.crews or device_id in self.memberships:
            raise StoreConflictError("crew id taken or device already in a crew")
        self.crews[crew.crew_id] = crew
        self.memberships[device_id] = (crew.crew_id, crew.created_at)

    async def get_crew(self, crew_id: str) -> CrewRecord | None:
        self._check()
        return self.crews.get(crew_id)

    async def join_crew(self, crew_id: str, device_id: str, now: float) -> None:
        self._check()
        if device_id in self.memberships:
            raise StoreConflictError("device already in a crew")
        self.memberships[device_id] = (crew_id, now)

    async def leave_crew(self, device_id: str) -> str | None:
        self._check()
        left = self.memberships.pop(device_id, None)
        return left[0] if left else None

    async def crew_of(self, device_id: str) -> str | None:
        self._check()
        found = self.memberships.get(device_id)
        return found[0] if found else None

    async def members(self, crew_id: str) -> list[MemberRecord]:
        self._check()
        mine = sorted((joined, d) for d, (c, joined) in self.memberships.items() if c == crew_id)
        return [MemberRecord(d, self.names.get(d, ""), self.last_seen.get(d)) for _, d in mine]

    async def add_invite(self, invite: InviteRecord) -> None:
        self._check()
        if invite.code in self.invites:
            raise StoreConflictError("invite code taken")
        self.invites[invite.code] = invite

    async def get_invite(self, code: str) -> InviteRecord | None:
        self._check()
        return self.invites.get(code)

    async def revoke_invites(self, crew_id: str) -> None:
        self._check()
        for code, invite in list(self.invites.items()):
            if invite.crew_id == crew_id:
                self.invites[code] = InviteRecord(code, crew_id, invite.created_by,
                                                  invite.expires_at, revoked=True)  # fmt: skip

    def _append_one(self, item: NewItem) -> Appended:
        first = self.keys.get((item.sender_id, item.key))
        if first is not None:
            return Appended(first, fresh=False)
        self.keys[(item.sender_id, item.key)] = item.item_id
        self.items[item.item_id] = StoredItem(item.item_id, item.crew_id, item.sender_id,
                                              item.kind, copy.deepcopy(item.body),
                                              item.created_at)  # fmt: skip
        deliveries = []
        for recipient in item.recipients:
            cursor = self.cursors.setdefault(recipient, [0, 0])
            cursor[0] += 1
            self.inbox.setdefault(recipient, []).append((cursor[0], item.item_id, item.expires_at))
            deliveries.append((recipient, cursor[0]))
        return Appended(item.item_id, True, tuple(deliveries))

    async def append(self, batch: list[NewItem]) -> list[Appended]:
        self._check()
        return [self._append_one(item) for item in batch]

    async def ack(self, acks: dict[str, int]) -> None:
        self._check()
        for device_id, seq in acks.items():
            cursor = self.cursors.get(device_id)
            if cursor is not None:
                cursor[1] = max(cursor[1], seq)

    async def acked(self, device_id: str) -> int:
        self._check()
        return self.cursors.get(device_id, [0, 0])[1]

    async def pending(
        self, device_id: str, after: int, now: float, limit: int
    ) -> list[tuple[int, StoredItem]]:
        self._check()
        rows = [(seq, self.items[i]) for seq, i, exp in self.inbox.get(device_id, [])
                if seq > after and exp > now]  # fmt: skip
        return rows[:limit]

    async def get_item(self, item_id: str) -> StoredItem | None:
        self._check()
        return self.items.get(item_id)

    async def recent(self, crew_id: str, limit: int) -> list[StoredItem]:
        self._check()
        mine = [i for i in self.items.values() if i.crew_id == crew_id]
        return sorted(mine, key=lambda i: (i.created_at, i.item_id), reverse=True)[:limit]

    async def add_claim(self, token_hash: str, device_id: str, expires_at: float) -> None:
        self._check()
        self.claims[token_hash] = (device_id, expires_at, False)

    async def use_claim(self, token_hash: str, now: float) -> str | None:
        self._check()
        claim = self.claims.get(token_hash)
        if claim is None or claim[2]:
            return None
        self.claims[token_hash] = (claim[0], claim[1], True)
        return claim[0] if claim[1] > now else None

    async def add_phone_session(self, session_hash: str, session: PhoneSession) -> None:
        self._check()
        self.phone_sessions[session_hash] = session

    async def get_phone_session(self, session_hash: str, now: float) -> PhoneSession | None:
        self._check()
        found = self.phone_sessions.get(session_hash)
        return found if found and found.expires_at > now else None

    async def purge_items(self, now: float) -> None:
        self._check()
        for device_id, rows in self.inbox.items():
            acked = self.cursors.get(device_id, [0, 0])[1]
            rows[:] = [r for r in rows if r[2] > now and r[0] > acked]
        needed = {i for rows in self.inbox.values() for _, i, _ in rows}
        for item_id in [i for i, it in self.items.items()
                        if it.created_at < now - 7 * 86400 and i not in needed]:  # fmt: skip
            del self.items[item_id]
