"""The seam between the device's crew side and its screen: a `CrewFeed`.

On every frame the composition root (device/app.py) asks the feed for the crew box, the
next hang and the music card after the priority rules (a friend's push outranks the
owner's playback for 30 minutes: core/priority.py), and it hands the feed every relay
message that is not about pairing. Until crews are wired in, `NoCrew` answers "no crew
yet", applies the priority rules with no pushes, and ignores crew messages.

A crew feed over the inbox is core/crewview.py's three functions (`crew_input`,
`next_hang`, `music_input`) over the feed's state, plus its message handling.

Contract for a feed:
- the three views are cheap and pure over the feed's state (called once a second);
  `now` is wall-clock seconds of the device clock; a `Hang.at` is a naive local
  `datetime` (as the screen's clock), or aware in the zone the app was given;
- `handle(message, send)` may reply (acks) through `send`, which returns False while the
  link is down (the relay re-sends what was not acknowledged);
- the app marks the crew box "relay offline" itself while its link is down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from leeloo.core import messages as wire
from leeloo.core.musiccard import MusicCard
from leeloo.core.priority import music_card
from leeloo.core.screen import Crew, Hang

log = logging.getLogger(__name__)

Send = Callable[[wire.Message], Awaitable[bool]]


class CrewFeed(Protocol):
    def crew(self, now: float) -> Crew:
        """The crew box's input at wall time `now`."""

    def hang(self, now: float) -> Hang | None:
        """The next confirmed hang, or None."""

    def music(self, playback: MusicCard, now: float) -> MusicCard:
        """The music card to show, given the owner's playback card (priority rules)."""

    async def handle(self, message: wire.RelayMessage, send: Send) -> None:
        """A relay message that is not about pairing."""


class NoCrew:
    """No crew yet: an empty crew box, no hang, the owner's music, crew messages dropped."""

    def crew(self, now: float) -> Crew:
        return Crew()

    def hang(self, now: float) -> Hang | None:
        return None

    def music(self, playback: MusicCard, now: float) -> MusicCard:
        return music_card((), playback, now)

    async def handle(self, message: wire.RelayMessage, send: Send) -> None:
        log.debug("no crew yet: ignored a %s", type(message).__name__)
