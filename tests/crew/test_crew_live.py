"""Three devices in one crew and one outside it, on a live relay."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tests.crew.conftest import TRACKS, Dev, track_link
from websockets.exceptions import ConnectionClosed

from leeloo.core import messages as wire

Live = Callable[[], tuple[str, Callable[[], Dev]]]


def crew_of_three(new: Callable[[], Dev]) -> tuple[Dev, Dev, Dev, Dev]:
    amy, ben, cat, eve = new(), new(), new(), new()
    for dev, name in ((amy, "Amy"), (ben, "Ben"), (cat, "Cat"), (eve, "Eve")):
        dev.connect()
        dev.claim()
        assert dev.act("name", name=name) == f"Saved: {name}"
    assert amy.act("create", name="Desk").startswith("Crew created")
    invite = amy.act("invite")
    code = invite.split()[2]
    assert code.startswith("LEELOO-")
    assert ben.act("join", code=code.lower()) == "You joined the crew"
    assert cat.act("join", code=code) == "You joined the crew"
    assert eve.act("create", name="Elsewhere").startswith("Crew created")
    return amy, ben, cat, eve


def test_items_reach_exactly_the_crew_and_the_outsider_can_do_nothing(live: Live) -> None:
    base, new = live()
    amy, ben, cat, eve = crew_of_three(new)
    crew = httpx.get(f"{base}/v1/crew", headers=amy.auth).json()
    assert [m["name"] for m in crew["members"]] == ["Amy", "Ben", "Cat"]
    assert all(m["online"] for m in crew["members"])

    song = {"key": "k1", "kind": "song", "link": track_link(0), "note": "!"}
    sent = httpx.post(f"{base}/v1/items", headers=amy.auth, json=song)
    assert sent.status_code == 201, sent.text
    for dev in (ben, cat):
        item = dev.until("item")[-1]
        assert (item["sender_name"], item["title"], item["note"]) == ("Amy", TRACKS[0].name, "!")
        assert item["uri"] == f"spotify:track:{TRACKS[0].id}"
    assert amy.ws is not None
    amy.ws.send(wire.ItemSend("k2", wire.ItemKind.TEXT, text="hi crew").to_json())
    assert amy.until("item.sent")[-1]["key"] == "k2"
    for dev in (ben, cat):
        assert dev.until("item")[-1]["text"] == "hi crew"
    # Eve got nothing (the next frame she sees is her own answer)
    assert eve.ws is not None
    eve.ws.send(wire.ItemSend("e1", wire.ItemKind.NUDGE, crew_id=crew["crew_id"]).to_json())
    refusal = eve.until("error")
    assert "item" not in [f["type"] for f in refusal]
    assert refusal[-1]["code"] == "not_in_crew"
    forged = {"Authorization": f"Bearer {amy.device_id}:{eve.secret}"}
    assert httpx.post(f"{base}/v1/items", headers=forged,
                      json={"key": "x", "kind": "nudge"}).status_code == 401  # fmt: skip
    assert httpx.get(f"{base}/v1/items", headers=forged).status_code == 401
    api = httpx.post(f"{base}/v1/items", headers=eve.auth,
                     json={"key": "x", "kind": "nudge", "crew_id": crew["crew_id"]})  # fmt: skip
    assert (api.status_code, api.json()["error"]) == (403, "not_in_crew")
    mine = httpx.get(f"{base}/v1/items", headers=eve.auth).json()["items"]
    assert mine == []
    # a forged hello for Amy with Eve's secret is closed 4001
    ws = eve.ws
    eve.ws = None
    ws.close()
    impostor = Dev.__new__(Dev)
    impostor.base, impostor.device_id, impostor.secret = base, amy.device_id, eve.secret
    with pytest.raises(ConnectionClosed, match="4001"):
        impostor.connect()


def test_openapi_refusals_and_a_retry_stores_once(live: Live) -> None:
    base, new = live()
    amy, ben, _cat, _eve = crew_of_three(new)
    spec = httpx.get(f"{base}/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert "/v1/items" in spec["paths"]
    for _ in range(3):
        answer = httpx.post(f"{base}/v1/items", headers=amy.auth,
                            json={"key": "same", "kind": "text", "text": "once"})  # fmt: skip
        assert answer.status_code == 201
    items: list[dict[str, Any]] = httpx.get(f"{base}/v1/items", headers=ben.auth).json()["items"]
    assert [i["text"] for i in items] == ["once"]
    bad = httpx.post(f"{base}/v1/items", headers=amy.auth,
                     json={"key": "a", "kind": "song", "link": "https://youtu.be/x"})  # fmt: skip
    assert (bad.status_code, bad.json()["error"]) == (422, "refused_link")
    assert "not a Spotify link" in bad.json()["message"]
    nowhere = {"key": "b", "kind": "song", "link": "https://spotify.link/nope"}
    short = httpx.post(f"{base}/v1/items", headers=amy.auth, json=nowhere)
    assert short.status_code == 422
    garbage = httpx.post(f"{base}/v1/items", headers=amy.auth, content=b"{")
    assert garbage.status_code == 400
    assert json.loads(garbage.text)["error"] == "malformed_json"


def items_until(dev: Dev, kind: str) -> list[dict[str, Any]]:
    """The `item` frames `dev` gets up to and including the first one of `kind`."""
    items: list[dict[str, Any]] = []
    while not items or items[-1]["kind"] != kind:
        items.append(dev.until("item")[-1])
    return items


def test_a_hang_reaches_the_whole_crew_the_sender_included(live: Live) -> None:
    base, new = live()
    amy, ben, cat, _eve = crew_of_three(new)
    text = {"key": "t", "kind": "text", "text": "who is free on Friday?"}
    assert httpx.post(f"{base}/v1/items", headers=amy.auth, json=text).status_code == 201
    plan = {"key": "p", "kind": "hang.propose", "what": "vinyl night", "at": 1_900_000_000}
    proposed = httpx.post(f"{base}/v1/items", headers=cat.auth, json=plan)
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()["item_id"]
    # Amy's own text never came back to her; Cat's proposal reached every member, Cat too.
    assert [i["kind"] for i in items_until(amy, "hang.propose")] == ["hang.propose"]
    assert [i["kind"] for i in items_until(ben, "hang.propose")] == ["text", "hang.propose"]
    assert [i["kind"] for i in items_until(cat, "hang.propose")] == ["text", "hang.propose"]
    assert amy.ws is not None  # Amy confirms over her socket: she gets her confirmation back
    amy.ws.send(wire.ItemSend("c", wire.ItemKind.HANG_CONFIRM, target=proposal).to_json())
    for dev in (amy, ben, cat):
        confirmed = items_until(dev, "hang.confirm")
        assert len(confirmed) == 1
        assert (confirmed[0]["target"], confirmed[0]["what"]) == (proposal, "vinyl night")
        assert confirmed[0]["sender_name"] == "Amy"
