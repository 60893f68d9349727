"""The crew's part of the screen, purely: the crew box, the next hang, the music card.

Inputs: the inbox (core/inbox.py), the members as the relay last told them, the owner's
playback card, and `now` (epoch seconds of the device clock). Outputs are the screen's own
input values (`Crew`, `Hang`, `MusicCard`), so the composition root calls `build_screen`
with them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from leeloo.core.inbox import Inbox, Phase, missed_notice
from leeloo.core.musiccard import MusicCard
from leeloo.core.priority import music_card
from leeloo.core.screen import Crew, CrewMember, Hang

NUDGE_SHOWN_S = 60.0
NOTICE_SHOWN_S = 600.0  # "3 songs arrived while you were offline" stays ten minutes


@dataclass(frozen=True)
class Member:
    """A crew member (not the device itself) and their presence."""

    device_id: str
    name: str
    online: bool
    last_seen: int | None = None


def crew_input(members: tuple[Member, ...], inbox: Inbox, now: float) -> Crew:
    """The crew box's input: names, unread badges, online marks, a fresh nudge."""
    unread = dict(inbox.unread)
    nudge = ""
    if inbox.nudge is not None and now - inbox.nudge[1] < NUDGE_SHOWN_S:
        nudge = inbox.nudge[0]
    return Crew(
        tuple(CrewMember(m.name, unread.get(m.device_id, 0), m.online) for m in members),
        linked=inbox.phase is not Phase.OFFLINE,
        nudge_from=nudge,
    )


def next_hang(inbox: Inbox, now: float, tz: tzinfo | None = None) -> Hang | None:
    """The next confirmed hang not yet an hour past, in local time (`tz`, or the process's)."""
    coming = [h for h in inbox.hangs if h.at > now - 3600]
    if not coming:
        return None
    hang = min(coming, key=lambda h: h.at)
    return Hang(hang.what, datetime.fromtimestamp(hang.at, tz))


def music_input(inbox: Inbox, playback: MusicCard, now: float) -> MusicCard:
    """The music card after the priority rules, with the "while offline" notice."""
    card = music_card([inbox.push] if inbox.push else [], playback, now)
    if inbox.synced_at is not None and now - inbox.synced_at < NOTICE_SHOWN_S:
        return replace(card, notice=missed_notice(inbox))
    return card
