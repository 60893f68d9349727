"""Item sends: what each kind needs; delivered items as typed bodies; the wire additions."""

from __future__ import annotations

import pytest

from leeloo.core import messages as wire
from leeloo.core.items import (
    TO_SENDER_TOO,
    HangConfirmation,
    HangProposal,
    Nudge,
    Reaction,
    SongPush,
    TextMessage,
    check_send,
    item_of,
    recipients,
)
from leeloo.core.messages import ItemKind, ItemSend, ProtocolError

GOOD = [
    ItemSend("k", ItemKind.SONG, link="spotify:track:x", note="hi"),
    ItemSend("k", ItemKind.SONG, words="daft punk"),
    ItemSend("k", ItemKind.TEXT, text="hello"),
    ItemSend("k", ItemKind.REACTION, target="itm_1", reaction="fire"),
    ItemSend("k", ItemKind.NUDGE),
    ItemSend("k", ItemKind.HANG_PROPOSE, what="pizza", at=1_800_000_000),
    ItemSend("k", ItemKind.HANG_CONFIRM, target="itm_1"),
]


@pytest.mark.parametrize("send", GOOD)
def test_good_sends_pass(send: ItemSend) -> None:
    assert check_send(send) is send


@pytest.mark.parametrize(
    ("send", "words"),
    [
        (ItemSend(" ", ItemKind.NUDGE), "key must be"),
        (ItemSend("k" * 101, ItemKind.NUDGE), "key must be"),
        (ItemSend("k", ItemKind.SONG), "a link or search words"),
        (ItemSend("k", ItemKind.SONG, link="a", words="b"), "a link or search words"),
        (ItemSend("k", ItemKind.SONG, link="  "), "needs a link or words"),
        (ItemSend("k", ItemKind.SONG, link="x", note="n" * 201), "note is too long"),
        (ItemSend("k", ItemKind.TEXT, text="t" * 501), "text is too long"),
        (ItemSend("k", ItemKind.TEXT), "needs text"),
        (ItemSend("k", ItemKind.REACTION, reaction="love"), "needs target"),
        (ItemSend("k", ItemKind.REACTION, target="t", reaction="meh"), "love, fire"),
        (ItemSend("k", ItemKind.HANG_PROPOSE, what="w" * 101, at=1), "what is too long"),
        (ItemSend("k", ItemKind.HANG_PROPOSE, what="pizza"), "needs at"),
        (ItemSend("k", ItemKind.HANG_CONFIRM), "needs target"),
        (ItemSend("k", ItemKind.SONG, words="w" * 201), "words is too long"),
    ],
)
def test_bad_sends_say_why(send: ItemSend, words: str) -> None:
    with pytest.raises(ProtocolError, match=words):
        check_send(send)


def _delivery(kind: ItemKind, **fields: object) -> wire.ItemDelivery:
    return wire.ItemDelivery(seq=3, item_id="itm_9", kind=kind, sender_id="dev_a",
                             sender_name="Amy", sent_at=100, **fields)  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.parametrize(
    ("delivery", "body"),
    [
        (_delivery(ItemKind.SONG, uri="spotify:track:x", title="T", art_url="u", note="n"),
         SongPush("spotify:track:x", "T", "u", "n")),
        (_delivery(ItemKind.SONG), SongPush("", "", "", "")),
        (_delivery(ItemKind.TEXT, text="hey"), TextMessage("hey")),
        (_delivery(ItemKind.TEXT), TextMessage("")),
        (_delivery(ItemKind.REACTION, target="itm_1", reaction="love"), Reaction("itm_1", "love")),
        (_delivery(ItemKind.REACTION), Reaction("", "")),
        (_delivery(ItemKind.NUDGE), Nudge()),
        (_delivery(ItemKind.HANG_PROPOSE, what="pizza", at=5), HangProposal("pizza", 5)),
        (_delivery(ItemKind.HANG_PROPOSE), HangProposal("", 0)),
        (_delivery(ItemKind.HANG_CONFIRM, target="itm_1", what="p", at=5),
         HangConfirmation("itm_1", "p", 5)),
        (_delivery(ItemKind.HANG_CONFIRM), HangConfirmation("", "", 0)),
    ],
)  # fmt: skip
def test_deliveries_become_typed_items(delivery: wire.ItemDelivery, body: object) -> None:
    item = item_of(delivery)
    assert (item.seq, item.item_id, item.sender_name, item.body) == (3, "itm_9", "Amy", body)


def test_crew_messages_round_trip() -> None:
    for message in (
        _delivery(ItemKind.SONG, uri="spotify:track:x"),
        wire.ItemSent("k", "itm_1"),
        wire.InboxSynced(7),
        wire.CrewInfo(3, crew_id="crw_1", name="Desk"),
        wire.CrewMemberInfo("dev_a", "Amy", online=False, last_seen=5),
        wire.SearchRequest("r1", "daft punk"),
        wire.PhoneLink("http://relay/c/x", 600),
    ):
        assert wire.parse_relay_message(message.to_json()) == message
    for sent in (*GOOD, wire.Ack(4), wire.PhoneClaim(), wire.SearchResult("r1", uri="u")):
        assert wire.parse_device_message(sent.to_json()) == sent


def test_booleans_are_checked() -> None:
    frame = '{"type":"crew.member","device_id":"d","name":"n","online":1}'
    with pytest.raises(ProtocolError, match="true or false"):
        wire.parse_relay_message(frame)


@pytest.mark.parametrize("kind", list(ItemKind))
def test_hangs_go_to_the_whole_crew_everything_else_to_the_others(kind: ItemKind) -> None:
    crew = ("amy", "ben", "cat")
    hang = kind in (ItemKind.HANG_PROPOSE, ItemKind.HANG_CONFIRM)
    assert (kind in TO_SENDER_TOO) is hang
    assert recipients(kind, "ben", crew) == (crew if hang else ("amy", "cat"))
