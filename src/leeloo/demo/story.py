"""The demo's story: a few minutes in the life of a crew, played faster than real time.

Why the story is compressed rather than the clocks accelerated: the devices run on the
machine's clock (as on a real desk); their token freshness, poll schedule, the 30-minute
push window and the hang countdown all read it. An emulator on a fake clock advanced at
`speed`x would expire Spotify tokens (1 h) and end tracks while the devices still believe
them fresh and playing, so the two sides would disagree. Everything therefore runs on real
time, and the *story* has its own clock: each step is set at a story time (seconds from
the start) and happens at `story time / speed` real seconds. A skip stands for a track
listened to; pushes, messages and the offline spell are as they would be, only closer
together.

The steps (story time):
    0:00  Amy listens to her queue             1:00, 2:00  Amy skips (a few tracks)
    2:30  Ben pushes a song to the crew, with a note
    3:15  Cat sends a message; 3:40 Cat proposes a hang; 4:00 Amy confirms it
    4:30  Cat's network goes down
    4:45, 5:00, 5:15  Amy, Ben and Amy push three songs while Cat is offline
    5:45  Cat's network is back: Cat catches up ("3 songs arrived while you were offline")
    6:15  the end

`play(story, controls, clock, speed, say)` runs the steps in order on the injected clock;
each step's outcome is a `StepRecord` (story time, real time, words), reported with `say`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from leeloo.clock import Clock
from leeloo.demo.controls import (
    ControlError,
    Controls,
    catalogue_tracks,
    next_friday_evening,
    track_link,
)
from leeloo.demo.system import wait_until

log = logging.getLogger(__name__)

BACK_ONLINE_S = 30.0
Action = Callable[[Controls, "Notes"], Awaitable[str]]


@dataclass
class Notes:
    """What the steps remember for later steps and for the summary."""

    proposal: str = ""
    sent: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    at: float  # story seconds from the start
    action: Action


@dataclass(frozen=True)
class StepRecord:
    story_s: float
    real_s: float
    words: str


TRACKS = catalogue_tracks()


def _pick(n: int) -> tuple[str, str]:
    track, artist = TRACKS[n % len(TRACKS)]
    return track_link(track), f"{track.name}” by {artist}"


async def listen(c: Controls, notes: Notes) -> str:
    return f"Amy listens on Spotify: “{await c.now_playing('Amy')}”"


async def skip(c: Controls, notes: Notes) -> str:
    await c.player("Amy", "skip")
    return f"Amy skips to “{await c.now_playing('Amy')}”"


def push(sender: str, n: int, note: str) -> Action:
    async def step(c: Controls, notes: Notes) -> str:
        link, words = _pick(n)
        item = await c.push(sender, link, note)
        notes.sent.append({"kind": "song", "from": sender, "item_id": item, "link": link})
        with_note = f" with a note: “{note}”" if note else ""
        return f"{sender} pushes “{words}{with_note}"

    return step


async def message(c: Controls, notes: Notes) -> str:
    text = "who's around Friday?"
    item = await c.say("Cat", text)
    notes.sent.append({"kind": "text", "from": "Cat", "item_id": item})
    return f"Cat says “{text}”"


async def propose(c: Controls, notes: Notes) -> str:
    when = next_friday_evening(datetime.now())
    notes.proposal = await c.propose("Cat", "vinyl night", when)
    notes.sent.append({"kind": "hang.propose", "from": "Cat", "item_id": notes.proposal})
    return f"Cat proposes a hang: vinyl night, {when:%a %d %b %H:%M}"


async def confirm(c: Controls, notes: Notes) -> str:
    item = await c.confirm("Amy", notes.proposal)
    notes.sent.append({"kind": "hang.confirm", "from": "Amy", "item_id": item})
    return "Amy confirms vinyl night: the countdown starts on every screen"


async def cut(c: Controls, notes: Notes) -> str:
    c.network("Cat", up=False)
    return "Cat's LEELOO loses its network"


async def restore(c: Controls, notes: Notes) -> str:
    c.network("Cat", up=True)
    await wait_until(lambda: c.crew_online("Cat"), "Cat back online", BACK_ONLINE_S)
    missed = sum(1 for s in notes.sent[-3:] if s["kind"] == "song")
    return f"Cat is back online: {missed} songs arrived while it was offline"


async def the_end(c: Controls, notes: Notes) -> str:
    return "the story is over; the system keeps running"


STORY: tuple[Step, ...] = (
    Step(0, listen),
    Step(60, skip),
    Step(120, skip),
    Step(150, push("Ben", 11, "this one is for your Monday")),
    Step(195, message),
    Step(220, propose),
    Step(240, confirm),
    Step(270, cut),
    Step(285, push("Amy", 17, "")),
    Step(300, push("Ben", 23, "")),
    Step(315, push("Amy", 29, "play it loud")),
    Step(345, restore),
    Step(375, the_end),
)


def story_length(story: tuple[Step, ...] = STORY) -> float:
    return max(step.at for step in story)


async def play(
    story: tuple[Step, ...],
    controls: Controls,
    notes: Notes,
    clock: Clock,
    speed: float,
    say: Callable[[StepRecord], None],
) -> list[StepRecord]:
    """Run each step at `step.at / speed` seconds of `clock` after the start."""
    start = clock.monotonic()
    records = []
    for step in story:
        await clock.sleep(start + step.at / speed - clock.monotonic())
        try:
            words = await step.action(controls, notes)
        except (ControlError, httpx.HTTPError, TimeoutError) as exc:  # told; the story goes on
            log.warning("story step at %s failed: %s", step.at, exc)
            words = f"(a step failed: {exc})"
        record = StepRecord(step.at, round(clock.monotonic() - start, 2), words)
        records.append(record)
        say(record)
    return records
