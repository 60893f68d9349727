"""The device inbox: sequence, duplicates, cumulative acks, unread, offline counts, the view."""

from __future__ import annotations

from datetime import UTC, datetime

from leeloo.core.crewview import Member, crew_input, music_input, next_hang
from leeloo.core.inbox import (
    ACK_EVERY,
    Acked,
    Delivered,
    Inbox,
    Linked,
    Phase,
    Read,
    Synced,
    Unlinked,
    ack_due,
    missed_notice,
    step,
)
from leeloo.core.items import (
    HangConfirmation,
    HangProposal,
    Item,
    ItemBody,
    Nudge,
    Reaction,
    SongPush,
    TextMessage,
)
from leeloo.core.musiccard import MusicCard, MusicState
from leeloo.core.screen import header_box

T0 = 1_767_225_600.0
SONG = SongPush("spotify:track:" + "a" * 22, "One More Time", "http://x/a.png")


def item(seq: int, body: ItemBody, sender: str = "dev_a", name: str = "Amy") -> Item:
    return Item(seq, f"itm_{seq}", sender, name, int(T0), body)


def run(*events: object, inbox: Inbox | None = None) -> Inbox:
    inbox = inbox or Inbox()
    for event in events:
        inbox = step(inbox, event)  # type: ignore[arg-type]
    return inbox


def test_items_missed_while_offline_are_counted_then_live_ones_are_not() -> None:
    inbox = run(
        Linked(),
        Delivered(item(1, SONG), T0),
        Delivered(item(2, SONG), T0),
        Delivered(item(3, SongPush("u", "t", "a", note="listen!")), T0),
        Delivered(item(4, TextMessage("hi"), "dev_b", "Ben"), T0),
        Synced(T0),
        Delivered(item(5, SONG), T0 + 1),
    )
    assert inbox.phase is Phase.LIVE
    assert inbox.taken == 5
    assert missed_notice(inbox) == "3 songs, 1 message arrived while you were offline"
    assert dict(inbox.unread) == {"dev_a": 4, "dev_b": 1}
    assert inbox.push is not None
    assert inbox.push.arrived_at == T0 + 1


def test_replayed_items_are_taken_once() -> None:
    inbox = run(Linked(), Delivered(item(1, SONG), T0), Unlinked(), Linked(),
                Delivered(item(1, SONG), T0 + 5))  # fmt: skip
    assert inbox.taken == 1
    assert dict(inbox.unread) == {"dev_a": 1}
    assert inbox.missed == ()
    assert missed_notice(inbox) == ""
    assert inbox.phase is Phase.CATCHING_UP


def test_acks_are_cumulative_and_batched() -> None:
    inbox = run(Linked(), *(Delivered(item(n, Nudge()), T0) for n in range(1, ACK_EVERY)))
    assert ack_due(inbox, queue_empty=False) is None
    assert ack_due(inbox, queue_empty=True) == ACK_EVERY - 1
    inbox = run(Delivered(item(ACK_EVERY, Nudge()), T0), inbox=inbox)
    assert ack_due(inbox, queue_empty=False) == ACK_EVERY
    inbox = run(Acked(ACK_EVERY), Acked(2), inbox=inbox)
    assert inbox.acked == ACK_EVERY
    assert ack_due(inbox, queue_empty=True) is None


def test_read_clears_one_senders_badge() -> None:
    inbox = run(
        Delivered(item(1, SONG), T0),
        Delivered(item(2, TextMessage("x"), "dev_b"), T0),
        Delivered(item(3, Reaction("itm_1", "love"), "dev_b"), T0),
        Read("dev_a"),
    )
    assert dict(inbox.unread) == {"dev_b": 1}


def test_hangs_nudges_and_the_screen_inputs() -> None:
    at = int(T0) + 7200
    inbox = run(
        Linked(),
        Synced(T0),
        Delivered(item(1, HangProposal("pizza", at)), T0),
        Delivered(item(2, HangConfirmation("itm_1")), T0),
        Delivered(item(3, HangConfirmation("itm_zz", "picnic", at + 99)), T0),
        Delivered(item(4, HangConfirmation("itm_1")), T0),
        Delivered(item(5, Nudge(), "dev_b", "Ben"), T0 + 10),
    )
    assert next_hang(inbox, T0, UTC) == next_hang(inbox, T0 - 1, UTC)
    hang = next_hang(inbox, T0, UTC)
    assert hang is not None
    assert (hang.title, hang.at) == ("pizza", datetime.fromtimestamp(at, UTC))
    assert next_hang(inbox, at + 99 + 3601, UTC) is None
    members = (Member("dev_a", "Amy", True), Member("dev_b", "Ben", False, last_seen=5))
    crew = crew_input(members, inbox, T0 + 20)
    assert [(m.name, m.unread, m.online) for m in crew.members] == [("Amy", 0, True),
                                                                    ("Ben", 0, False)]  # fmt: skip
    assert crew.nudge_from == "Ben"
    assert crew.linked
    assert header_box(MusicCard(MusicState.NOTHING), crew).status == "nudge from Ben"
    assert crew_input(members, inbox, T0 + 100).nudge_from == ""
    assert not crew_input(members, run(Unlinked(), inbox=inbox), T0).linked


def test_music_input_shows_the_newest_push_and_the_notice() -> None:
    inbox = run(Linked(), Delivered(item(1, SONG), T0), Synced(T0))
    idle = MusicCard(MusicState.NOTHING)
    card = music_input(inbox, idle, T0 + 60)
    assert card.state is MusicState.PUSHED
    assert card.pushed_by == "Amy"
    assert card.notice == "1 song arrived while you were offline"
    assert card.track is not None
    assert card.track.artist == "from Amy"
    later = music_input(inbox, idle, T0 + 3600)
    assert later.state is MusicState.NOTHING
    assert later.notice == ""
    assert music_input(Inbox(), idle, T0) == idle
