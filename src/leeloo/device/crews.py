"""The device's crew side: `CrewInbox`, the `CrewFeed` over core/inbox.py and core/crewview.py.

Relay messages it takes (docs/protocol.md "Crews"):
    crew, crew.member   the crew and each other member's presence (kept in arrival order)
    item                taken once (a replay at or below `taken` is dropped), persisted,
                        then acked (cumulative): at once when live, every ACK_EVERY items
                        while catching up, and for the rest at `inbox.synced`
    inbox.synced        live from here; the "N songs arrived while you were offline" notice
    search.request      answered `search.result` through the injected `Search` (the
                        device's own Spotify token: core of push by search words)
    phone.link          kept as `phone_url` (a one-time phone page link, for a QR)

Persistence: the inbox and the members are written atomically (a temporary file renamed
over `state_file`) after every change and BEFORE the ack that covers it, so a restart
neither loses an item (never acked before it is on disk) nor repeats one (a replay of what
was taken is dropped by its seq). A restarted device starts OFFLINE; the relay's replay
after the next welcome brings what was not acked.

`linked(up)` is called by the app when the relay link comes up (welcome) or goes down.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import tzinfo
from pathlib import Path
from typing import Any

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.core.crewview import Member, crew_input, music_input, next_hang
from leeloo.core.inbox import (
    Acked,
    ConfirmedHang,
    Delivered,
    Event,
    Inbox,
    Linked,
    Phase,
    Read,
    Synced,
    Unlinked,
    ack_due,
    step,
)
from leeloo.core.items import HangProposal, item_of
from leeloo.core.musiccard import MusicCard, Track
from leeloo.core.priority import Push
from leeloo.core.screen import Crew, Hang
from leeloo.device.crewfeed import Send
from leeloo.spotify.store import write_atomic

log = logging.getLogger(__name__)

# words -> a Spotify URI; raises SearchFailedError with words for the sender
Search = Callable[[str], Awaitable[str]]
FORMAT = 1


class SearchFailedError(Exception):
    """A search by words found nothing usable; the message is for the sender."""


async def no_search(words: str) -> str:
    raise SearchFailedError("this LEELOO cannot search Spotify")


# -- the state file -------------------------------------------------------------------


def _state_json(inbox: Inbox, members: tuple[Member, ...]) -> bytes:
    body = asdict(inbox)
    body["phase"] = Phase.OFFLINE.value  # a restarted device is offline until welcomed
    return json.dumps({"format": FORMAT, "inbox": body,
                       "members": [asdict(m) for m in members]}).encode()  # fmt: skip


def _pairs(raw: Any) -> tuple[tuple[str, int], ...]:
    return tuple((str(k), int(n)) for k, n in raw)


def _inbox_of(raw: dict[str, Any]) -> Inbox:
    push = raw.get("push")
    nudge = raw.get("nudge")
    return Inbox(
        taken=int(raw["taken"]), acked=int(raw["acked"]), phase=Phase.OFFLINE,
        missed=_pairs(raw["missed"]), synced_at=raw.get("synced_at"),
        unread=_pairs(raw["unread"]),
        push=Push(push["sender_name"], Track(**push["track"]), float(push["arrived_at"]))
        if push else None,
        nudge=(str(nudge[0]), float(nudge[1])) if nudge else None,
        hangs=tuple(ConfirmedHang(**h) for h in raw["hangs"]),
        proposals=tuple((str(i), HangProposal(**p)) for i, p in raw["proposals"]),
    )  # fmt: skip


def load_state(path: Path) -> tuple[Inbox, tuple[Member, ...]]:
    """The persisted inbox and members; a fresh inbox if there is none or it is unreadable."""
    try:
        body = json.loads(path.read_text())
        members = tuple(Member(**m) for m in body["members"])
        return _inbox_of(body["inbox"]), members
    except FileNotFoundError:
        return Inbox(), ()
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("crew state %s is unreadable (%s): starting with an empty inbox", path, exc)
        return Inbox(), ()


# -- the feed -------------------------------------------------------------------------


class CrewInbox:
    """A `CrewFeed` over the persisted inbox (rules in the module docstring)."""

    def __init__(self, state_file: Path, clock: Clock, *, search: Search = no_search,
                 tz: tzinfo | None = None) -> None:  # fmt: skip
        self.state_file = state_file
        self.clock = clock
        self.search = search
        self.tz = tz
        self.inbox, self.members = load_state(state_file)
        self.crew_name: str | None = None
        self.phone_url: str | None = None

    # -- the views (CrewFeed) -------------------------------------------------------------

    def crew(self, now: float) -> Crew:
        return crew_input(self.members, self.inbox, now)

    def hang(self, now: float) -> Hang | None:
        return next_hang(self.inbox, now, self.tz)

    def music(self, playback: MusicCard, now: float) -> MusicCard:
        return music_input(self.inbox, playback, now)

    # -- the link -------------------------------------------------------------------------

    def linked(self, up: bool) -> None:
        """The relay link came up (welcome) or went down."""
        self._apply(Linked() if up else Unlinked())

    def read(self, sender_id: str) -> None:
        """The owner has seen `sender_id`'s items: their unread badge goes."""
        self._apply(Read(sender_id))
        self._save()

    async def handle(self, message: wire.RelayMessage, send: Send) -> None:
        match message:
            case wire.ItemDelivery():
                await self._delivered(message, send)
            case wire.InboxSynced():
                self._apply(Synced(self.clock.time()))
                if self._save():
                    await self._ack(send, queue_empty=True)
            case wire.CrewInfo():
                self._crew(message)
            case wire.CrewMemberInfo():
                self._member(message)
            case wire.SearchRequest():
                await send(await self._search(message))
            case wire.PhoneLink():
                self.phone_url = message.url
            case _:
                log.debug("crew: nothing to do for a %s", type(message).__name__)

    async def _delivered(self, message: wire.ItemDelivery, send: Send) -> None:
        before = self.inbox.taken
        self._apply(Delivered(item_of(message), self.clock.time()))
        if self.inbox.taken == before or not self._save():
            return  # a replay of what was taken, or not on disk: not acked
        await self._ack(send, queue_empty=self.inbox.phase is Phase.LIVE)

    async def _ack(self, send: Send, *, queue_empty: bool) -> None:
        seq = ack_due(self.inbox, queue_empty=queue_empty)
        if seq is not None and await send(wire.Ack(seq=seq)):
            self._apply(Acked(seq))  # `acked` need not be saved: a re-ack is harmless

    def _crew(self, info: wire.CrewInfo) -> None:
        """The crew as the relay tells it now: its members follow, one `crew.member` each."""
        self.crew_name = info.name
        self.members = ()
        self._save()

    def _member(self, info: wire.CrewMemberInfo) -> None:
        member = Member(info.device_id, info.name, info.online, info.last_seen)
        found = [m.device_id for m in self.members]
        if info.device_id in found:
            at = found.index(info.device_id)
            self.members = (*self.members[:at], member, *self.members[at + 1 :])
        else:
            self.members = (*self.members, member)
        self._save()

    async def _search(self, request: wire.SearchRequest) -> wire.SearchResult:
        try:
            uri = await self.search(request.words)
        except SearchFailedError as exc:
            return wire.SearchResult(request.request_id, error=str(exc))
        return wire.SearchResult(request.request_id, uri=uri)

    def _apply(self, event: Event) -> None:
        self.inbox = step(self.inbox, event)

    def _save(self) -> bool:
        """Write the state atomically; False (logged) if the disk refused it."""
        try:
            write_atomic(self.state_file, _state_json(self.inbox, self.members))
        except OSError as exc:
            log.warning("cannot write the crew state %s: %s", self.state_file, exc)
            return False
        return True
