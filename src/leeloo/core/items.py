"""Crew items: what a send must carry per kind, and the typed view of a delivered item.

Rules for `check_send` (the relay applies them to the HTTP API and the socket alike):

    kind           required                  optional   limits
    song           link or words (not both)  note       note <= 200 chars, words <= 200
    text           text                      -          text <= 500 chars, not blank
    reaction       target, reaction          -          reaction in REACTIONS
    nudge          -                         -
    hang.propose   what, at                  -          what <= 100 chars
    hang.confirm   target                    -
    every kind     key (idempotency)         crew_id    key <= 100 chars

`recipients` says who gets an item: every other crew member; for a hang (proposal or
confirmation) the whole crew, the sender included, since a hang is the crew's plan and the
device that proposed or confirmed it must show it too (whatever door the send came through:
the device's socket, the phone page, the HTTP API or `leeloo say`).

`item_of` turns an `ItemDelivery` into an `Item` whose `body` is one frozen dataclass per
kind, so a consumer matches on the body and never on loose optional fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from leeloo.core.messages import ErrorCode, ItemDelivery, ItemKind, ItemSend, ProtocolError

REACTIONS = ("love", "fire")
MAX_TEXT = 500
MAX_NOTE = 200
MAX_WHAT = 100
MAX_KEY = 100
# How long an undelivered item waits for its recipient (product.md): texts are short-lived.
KEEP = {kind: timedelta(days=7) for kind in ItemKind} | {ItemKind.TEXT: timedelta(hours=24)}
# Kinds stored for the sender as well as the others (see `recipients`).
TO_SENDER_TOO = frozenset({ItemKind.HANG_PROPOSE, ItemKind.HANG_CONFIRM})


@dataclass(frozen=True)
class SongPush:
    uri: str
    title: str
    art_url: str
    note: str = ""


@dataclass(frozen=True)
class TextMessage:
    text: str


@dataclass(frozen=True)
class Reaction:
    target: str
    reaction: str


@dataclass(frozen=True)
class Nudge:
    pass


@dataclass(frozen=True)
class HangProposal:
    what: str
    at: int  # epoch seconds


@dataclass(frozen=True)
class HangConfirmation:
    target: str  # the proposal's item id
    what: str = ""  # copied from the proposal by the relay
    at: int = 0


ItemBody = SongPush | TextMessage | Reaction | Nudge | HangProposal | HangConfirmation


@dataclass(frozen=True)
class Item:
    """One delivered item: its place in the inbox, who sent it and when, and what it is."""

    seq: int
    item_id: str
    sender_id: str
    sender_name: str
    sent_at: int
    body: ItemBody


def _bad(detail: str) -> ProtocolError:
    return ProtocolError(ErrorCode.BAD_VALUE, detail)


def _need(value: str | int | None, name: str, kind: ItemKind) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ProtocolError(ErrorCode.MISSING_FIELD, f"a {kind.value} needs {name}")


def _at_most(value: str | None, limit: int, name: str) -> None:
    if value is not None and len(value) > limit:
        raise _bad(f"{name} is too long (at most {limit} characters)")


def check_send(send: ItemSend) -> ItemSend:
    """`send` if it carries what its kind needs (table above), else ProtocolError."""
    if not send.key.strip() or len(send.key) > MAX_KEY:
        raise _bad(f"key must be 1 to {MAX_KEY} characters")
    _at_most(send.note, MAX_NOTE, "note")
    _at_most(send.text, MAX_TEXT, "text")
    _at_most(send.what, MAX_WHAT, "what")
    _at_most(send.words, MAX_NOTE, "words")
    kind = send.kind
    if kind is ItemKind.SONG:
        if (send.link is None) == (send.words is None):
            raise _bad("a song needs a link or search words (one of them)")
        _need(send.link if send.words is None else send.words, "a link or words", kind)
    elif kind is ItemKind.TEXT:
        _need(send.text, "text", kind)
    elif kind is ItemKind.REACTION:
        _need(send.target, "target", kind)
        if send.reaction not in REACTIONS:
            raise _bad(f"reaction must be one of {', '.join(REACTIONS)}")
    elif kind is ItemKind.HANG_PROPOSE:
        _need(send.what, "what", kind)
        _need(send.at, "at", kind)
    elif kind is ItemKind.HANG_CONFIRM:
        _need(send.target, "target", kind)
    return send


def recipients(kind: ItemKind, sender_id: str, members: tuple[str, ...]) -> tuple[str, ...]:
    """Who an item of `kind` is stored for: `members` without the sender, or all of them
    (in `members` order) for the kinds in TO_SENDER_TOO."""
    if kind in TO_SENDER_TOO:
        return members
    return tuple(m for m in members if m != sender_id)


def body_of(d: ItemDelivery) -> ItemBody:
    """The typed body of a delivered item (missing optional fields read as empty)."""
    match d.kind:
        case ItemKind.SONG:
            return SongPush(d.uri or "", d.title or "", d.art_url or "", d.note or "")
        case ItemKind.TEXT:
            return TextMessage(d.text or "")
        case ItemKind.REACTION:
            return Reaction(d.target or "", d.reaction or "")
        case ItemKind.NUDGE:
            return Nudge()
        case ItemKind.HANG_PROPOSE:
            return HangProposal(d.what or "", d.at or 0)
        case _:  # ItemKind.HANG_CONFIRM, the last kind
            return HangConfirmation(d.target or "", d.what or "", d.at or 0)


def item_of(d: ItemDelivery) -> Item:
    return Item(d.seq, d.item_id, d.sender_id, d.sender_name, d.sent_at, body_of(d))
