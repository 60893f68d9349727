"""The crew part of the relay's store: names, crews, invites, the durable inbox, phone logins.

Durable channel (performance.md "Durability cost"): `append` takes a batch of items and, in
ONE transaction, stores each item once and one inbox row per recipient with the
recipient's next sequence number (1, 2, 3… per device), so a batch costs one commit however
many items and recipients it holds. An item whose (sender, key) was stored before is not
stored again: `append` answers with the first one's id and no deliveries (idempotency).
Acks are cumulative (`ack`: every seq up to n) and only move forward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class MemberRecord:
    device_id: str
    name: str
    last_seen: float | None


@dataclass(frozen=True)
class CrewRecord:
    crew_id: str
    name: str
    created_at: float


@dataclass(frozen=True)
class InviteRecord:
    code: str
    crew_id: str
    created_by: str
    expires_at: float
    revoked: bool = False


@dataclass(frozen=True)
class NewItem:
    """An item to store for `recipients` (the crew's other members when it was sent; the
    whole crew for a hang: core/items.py `recipients`)."""

    item_id: str
    crew_id: str
    sender_id: str
    key: str
    kind: str
    body: dict[str, Any]  # the delivery's optional fields and the sender's name
    created_at: float
    expires_at: float
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Appended:
    """What `append` did with one item: the stored id, and (recipient, seq) for each."""

    item_id: str
    fresh: bool
    deliveries: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class StoredItem:
    item_id: str
    crew_id: str
    sender_id: str
    kind: str
    body: dict[str, Any] = field(hash=False)
    created_at: float


@dataclass(frozen=True)
class PhoneSession:
    device_id: str
    csrf: str
    expires_at: float


class CrewStore(Protocol):
    async def set_name(self, device_id: str, name: str) -> None: ...

    async def get_name(self, device_id: str) -> str | None: ...

    async def touch(self, device_id: str, last_seen: float) -> None:
        """Record when the device was last online (presence's "last seen")."""

    async def create_crew(self, crew: CrewRecord, device_id: str) -> None:
        """A new crew with `device_id` its first member; StoreConflictError if already in one."""

    async def get_crew(self, crew_id: str) -> CrewRecord | None: ...

    async def join_crew(self, crew_id: str, device_id: str, now: float) -> None:
        """StoreConflictError if the device is already in a crew."""

    async def leave_crew(self, device_id: str) -> str | None:
        """Leave the device's crew; the crew left (None if it was in none)."""

    async def crew_of(self, device_id: str) -> str | None: ...

    async def members(self, crew_id: str) -> list[MemberRecord]:
        """Members in the order they joined."""

    async def add_invite(self, invite: InviteRecord) -> None: ...

    async def get_invite(self, code: str) -> InviteRecord | None: ...

    async def revoke_invites(self, crew_id: str) -> None: ...

    async def append(self, batch: list[NewItem]) -> list[Appended]:
        """Store the batch in one transaction (see the module docstring)."""

    async def ack(self, acks: dict[str, int]) -> None:
        """Each device has taken every item up to its seq (never moves back)."""

    async def acked(self, device_id: str) -> int: ...

    async def pending(
        self, device_id: str, after: int, now: float, limit: int
    ) -> list[tuple[int, StoredItem]]:
        """The device's unexpired items with seq > `after`, in seq order, at most `limit`."""

    async def get_item(self, item_id: str) -> StoredItem | None: ...

    async def recent(self, crew_id: str, limit: int) -> list[StoredItem]:
        """The crew's newest items, newest first."""

    async def add_claim(self, token_hash: str, device_id: str, expires_at: float) -> None: ...

    async def use_claim(self, token_hash: str, now: float) -> str | None:
        """The claim's device if it was unused and unexpired; it is used up either way."""

    async def add_phone_session(self, session_hash: str, session: PhoneSession) -> None: ...

    async def get_phone_session(self, session_hash: str, now: float) -> PhoneSession | None: ...

    async def purge_items(self, now: float) -> None:
        """Drop expired inbox rows, and items no inbox row needs that are over 7 days old."""
