"""The device's crew inbox as a pure state machine: sequence, acks, unread, what to show.

States: OFFLINE (no link) -> CATCHING_UP (welcome seen, stored items replaying) -> LIVE
(after `inbox.synced`); any link loss goes back to OFFLINE.

Events (`step(inbox, event)`, transitions in `_TRANSITIONS`):
    Linked        a new session: CATCHING_UP, the "while offline" counts start at zero
    Delivered     an item: taken only if its seq is above `taken` (a replayed duplicate is
                  dropped, not counted twice); counted as "while offline" during catch-up,
                  as unread for its sender, and remembered by kind (push, nudge, hangs)
    Synced        the relay has sent everything stored: LIVE
    Acked         the device told the relay it has every item up to seq (cumulative)
    Unlinked      the link is gone: OFFLINE
    Read          the owner has seen a sender's items: that sender's unread count is 0

Ack rule (`ack_due`): ack the highest taken seq once it is persisted, at the latest when
ACK_EVERY items are unacked or when the relay has nothing more queued (the caller's timer),
so a burst costs one ack, not one per item (performance.md: cumulative acks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from leeloo.core.items import (
    HangConfirmation,
    HangProposal,
    Item,
    Nudge,
    Reaction,
    SongPush,
    TextMessage,
)
from leeloo.core.messages import ItemKind
from leeloo.core.musiccard import Track
from leeloo.core.priority import Push

ACK_EVERY = 16
NOUNS = {
    ItemKind.SONG: ("song", "songs"),
    ItemKind.TEXT: ("message", "messages"),
    ItemKind.REACTION: ("reaction", "reactions"),
    ItemKind.NUDGE: ("nudge", "nudges"),
    ItemKind.HANG_PROPOSE: ("hang", "hangs"),
    ItemKind.HANG_CONFIRM: ("hang", "hangs"),
}
UNREAD_KINDS = frozenset({ItemKind.SONG, ItemKind.TEXT})
MAX_HANGS = 16


class Phase(Enum):
    OFFLINE = "offline"
    CATCHING_UP = "catching_up"
    LIVE = "live"


@dataclass(frozen=True)
class ConfirmedHang:
    item_id: str
    what: str
    at: int  # epoch seconds


@dataclass(frozen=True)
class Inbox:
    """Everything the device keeps about its crew items (persisted between runs)."""

    taken: int = 0
    acked: int = 0
    phase: Phase = Phase.OFFLINE
    missed: tuple[tuple[str, int], ...] = ()  # (noun, count) arrived while offline
    synced_at: float | None = None
    unread: tuple[tuple[str, int], ...] = ()  # (sender_id, count)
    push: Push | None = None
    nudge: tuple[str, float] | None = None  # (sender name, arrival)
    hangs: tuple[ConfirmedHang, ...] = ()
    proposals: tuple[tuple[str, HangProposal], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Linked:
    pass


@dataclass(frozen=True)
class Unlinked:
    pass


@dataclass(frozen=True)
class Delivered:
    item: Item
    now: float  # device clock: a push shows for 30 minutes from here


@dataclass(frozen=True)
class Synced:
    now: float


@dataclass(frozen=True)
class Acked:
    seq: int


@dataclass(frozen=True)
class Read:
    sender_id: str


Event = Linked | Unlinked | Delivered | Synced | Acked | Read


def _bump(counts: tuple[tuple[str, int], ...], key: str) -> tuple[tuple[str, int], ...]:
    found = dict(counts)
    found[key] = found.get(key, 0) + 1
    return tuple(found.items())


_KIND_OF: dict[type, ItemKind] = {
    SongPush: ItemKind.SONG, TextMessage: ItemKind.TEXT, Reaction: ItemKind.REACTION,
    Nudge: ItemKind.NUDGE, HangProposal: ItemKind.HANG_PROPOSE,
    HangConfirmation: ItemKind.HANG_CONFIRM,
}  # fmt: skip


def _remember(inbox: Inbox, item: Item, now: float) -> Inbox:
    body = item.body
    if isinstance(body, SongPush):
        track = Track(body.title, body.note or f"from {item.sender_name}", "", body.art_url,
                      body.uri)  # fmt: skip
        return replace(inbox, push=Push(item.sender_name, track, now))
    if isinstance(body, Nudge):
        return replace(inbox, nudge=(item.sender_name, now))
    if isinstance(body, HangProposal):
        return replace(inbox, proposals=(*inbox.proposals, (item.item_id, body))[-MAX_HANGS:])
    if isinstance(body, HangConfirmation):
        proposal = dict(inbox.proposals).get(body.target)
        what, at = (proposal.what, proposal.at) if proposal else (body.what, body.at)
        hangs = tuple(h for h in inbox.hangs if h.item_id != body.target)
        return replace(inbox, hangs=(*hangs, ConfirmedHang(body.target, what, at))[-MAX_HANGS:])
    return inbox


def _delivered(inbox: Inbox, event: Delivered) -> Inbox:
    item = event.item
    if item.seq <= inbox.taken:
        return inbox  # a replay of what was taken before the last ack reached the relay
    kind = _KIND_OF[type(item.body)]
    inbox = replace(inbox, taken=item.seq)
    if inbox.phase is Phase.CATCHING_UP:
        inbox = replace(inbox, missed=_bump(inbox.missed, NOUNS[kind][1]))
    if kind in UNREAD_KINDS:
        inbox = replace(inbox, unread=_bump(inbox.unread, item.sender_id))
    return _remember(inbox, item, event.now)


_TRANSITIONS: dict[type, Callable[[Inbox, Any], Inbox]] = {
    Linked: lambda inbox, e: replace(inbox, phase=Phase.CATCHING_UP, missed=(), synced_at=None),
    Unlinked: lambda inbox, e: replace(inbox, phase=Phase.OFFLINE),
    Delivered: _delivered,
    Synced: lambda inbox, e: replace(inbox, phase=Phase.LIVE, synced_at=e.now),
    Acked: lambda inbox, e: replace(inbox, acked=max(inbox.acked, e.seq)),
    Read: lambda inbox, e: replace(
        inbox, unread=tuple((s, n) for s, n in inbox.unread if s != e.sender_id)
    ),
}


def step(inbox: Inbox, event: Event) -> Inbox:
    """The inbox after `event` (rules in the module docstring)."""
    return _TRANSITIONS[type(event)](inbox, event)


def ack_due(inbox: Inbox, *, queue_empty: bool) -> int | None:
    """The seq to ack now, or None: when ACK_EVERY are unacked, or the relay's queue drained."""
    unacked = inbox.taken - inbox.acked
    if unacked > 0 and (queue_empty or unacked >= ACK_EVERY):
        return inbox.taken
    return None


def missed_notice(inbox: Inbox) -> str:
    """ "3 songs arrived while you were offline" (songs first, then the other kinds), or ""."""
    counts = dict(inbox.missed)
    parts = [
        f"{counts[plural]} {singular if counts[plural] == 1 else plural}"
        for singular, plural in dict.fromkeys(NOUNS.values())
        if plural in counts
    ]
    if not parts:
        return ""
    return f"{', '.join(parts)} arrived while you were offline"
