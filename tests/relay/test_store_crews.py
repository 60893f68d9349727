"""The crew part of the store contract, run against memory and SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from leeloo.relay.errors import StoreConflictError
from leeloo.relay.store import DeviceRecord, Store, open_store
from leeloo.relay.store.crewstore import CrewRecord, InviteRecord, NewItem, PhoneSession


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    url = "memory:" if request.param == "memory" else f"sqlite:///{tmp_path}/relay.db"
    opened = open_store(url)
    await opened.open()
    for name in ("a", "b", "c"):
        await opened.add_device(DeviceRecord(name, "h", 1.0))
    yield opened
    await opened.close()


def new(item_id: str, key: str, to: tuple[str, ...] = ("b", "c"), exp: float = 1000.0) -> NewItem:
    return NewItem(item_id, "crw", "a", key, "text", {"text": item_id}, 10.0, exp, to)


async def test_crews_members_and_names(store: Store) -> None:
    await store.set_name("a", "Amy")
    await store.create_crew(CrewRecord("crw", "Desk", 1.0), "a")
    await store.join_crew("crw", "b", 2.0)
    with pytest.raises(StoreConflictError):
        await store.join_crew("crw", "b", 3.0)
    await store.touch("b", 5.0)
    assert [(m.device_id, m.name, m.last_seen) for m in await store.members("crw")] == [
        ("a", "Amy", None), ("b", "", 5.0)]  # fmt: skip
    assert await store.get_name("a") == "Amy"
    assert await store.get_name("c") is None
    assert await store.crew_of("b") == "crw"
    assert await store.get_crew("crw") == CrewRecord("crw", "Desk", 1.0)
    assert await store.leave_crew("b") == "crw"
    assert await store.leave_crew("b") is None
    assert await store.crew_of("b") is None
    assert await store.get_crew("nope") is None


async def test_invites(store: Store) -> None:
    await store.create_crew(CrewRecord("crw", "Desk", 1.0), "a")
    await store.add_invite(InviteRecord("LEELOO-BCDF", "crw", "a", 99.0))
    assert await store.get_invite("LEELOO-BCDF") == InviteRecord("LEELOO-BCDF", "crw", "a", 99.0)
    await store.revoke_invites("crw")
    invite = await store.get_invite("LEELOO-BCDF")
    assert invite is not None
    assert invite.revoked
    assert await store.get_invite("LEELOO-XXXX") is None


async def test_append_sequences_idempotency_acks_expiry(store: Store) -> None:
    done = await store.append([new("i1", "k1"), new("i2", "k2", ("b",)), new("i9", "k1")])
    assert [(d.item_id, d.fresh, d.deliveries) for d in done] == [
        ("i1", True, (("b", 1), ("c", 1))),
        ("i2", True, (("b", 2),)),
        ("i1", False, ()),
    ]
    again = await store.append([new("i3", "k1")])
    assert again[0].item_id == "i1"
    assert not again[0].fresh
    pending = await store.pending("b", 0, 0.0, 10)
    assert [(seq, item.item_id, item.body) for seq, item in pending] == [
        (1, "i1", {"text": "i1"}), (2, "i2", {"text": "i2"})]  # fmt: skip
    assert [seq for seq, _ in await store.pending("b", 1, 0.0, 10)] == [2]
    assert await store.pending("b", 0, 1000.0, 10) == []
    await store.ack({"b": 1})
    await store.ack({"b": 0, "zz": 4})
    assert await store.acked("b") == 1
    assert await store.acked("c") == 0
    got = await store.get_item("i2")
    assert got is not None
    assert got.sender_id == "a"
    assert await store.get_item("nope") is None
    assert [i.item_id for i in await store.recent("crw", 5)] == ["i2", "i1"]
    await store.purge_items(500.0)
    assert [seq for seq, _ in await store.pending("b", 0, 0.0, 10)] == [2]
    await store.purge_items(10.0 + 8 * 86400)
    assert await store.pending("b", 0, 0.0, 10) == []
    assert await store.get_item("i1") is None


async def test_claims_and_phone_sessions(store: Store) -> None:
    await store.add_claim("h1", "a", 100.0)
    await store.add_claim("h2", "a", 100.0)
    assert await store.use_claim("h1", 50.0) == "a"
    assert await store.use_claim("h1", 50.0) is None
    assert await store.use_claim("h2", 150.0) is None
    assert await store.use_claim("h3", 1.0) is None
    await store.add_phone_session("s1", PhoneSession("a", "csrf", 100.0))
    assert await store.get_phone_session("s1", 50.0) == PhoneSession("a", "csrf", 100.0)
    assert await store.get_phone_session("s1", 150.0) is None
    assert await store.get_phone_session("s2", 1.0) is None
