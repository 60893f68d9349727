"""Poll schedule: ours vs the fixed 30 s poll, over a scripted listening hour.

The device engine (real client, token session and schedule) polls the Spotify emulator
in-process on a fake clock while a script plays an hour of listening: tracks of varied
lengths, skips (one double skip 12 s apart), pauses, an episode, an idle stretch. The
hour is replayed `--runs` times with every user action shifted by a further 60/runs
seconds, so the actions fall at every phase of the 30, 45 and 60 s poll grids.

Measured per schedule:
- API calls per playing hour: requests (currently-playing and token) made while the
  player was playing, divided by the hours it was playing; and all calls in the hour;
- lateness of natural track changes (an item ending), of user actions while playing
  (skip, pause, stop, a new item: the issue's "skips and pauses") and of resumes/starts
  from pause or idle (polled more slowly on purpose) reaching the published snapshot:
  mean, p95 (nearest rank), max;
- missed: user actions undone or overtaken before any snapshot showed them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import random
from dataclasses import dataclass, field
from statistics import fmean

import httpx

from leeloo.core.playback import PlaybackResult
from leeloo.core.schedule import PollPolicy, next_poll_delay
from leeloo.core.snapshot import PlaybackSnapshot, PlaybackState
from leeloo.device.engine import PlaybackEngine, Schedule
from leeloo.emulator.player import QueueItem
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world, track_queue
from leeloo.emulator.world import World
from leeloo.spotify.client import SpotifyClient
from leeloo.spotify.session import TokenSession
from leeloo.spotify.store import MemoryTokenStore
from leeloo.testing import FakeClock
from leeloo.testing.spotify import BASE_URL, EmulatedSpotify, mint_tokens

HOUR = 3600.0
USER = "alice"
Key = tuple[str, bool] | None  # (spotify URI, is playing), or None when nothing plays

# (seconds into the hour, action). Actions at 0 are not shifted between replays.
SCRIPT: tuple[tuple[float, str], ...] = (
    (0, "tracks"),
    (430, "skip"),
    (700, "skip"),
    (1010, "pause"),
    (1130, "resume"),
    (1400, "skip"),
    (1412, "skip"),
    (1800, "episode"),
    (2050, "pause"),
    (2110, "resume"),
    (2400, "stop"),
    (2950, "tracks"),
    (3280, "skip"),
    (3450, "pause"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=8, help="replays of the hour (default 8)")
    parser.add_argument(
        "--check", type=float, default=PollPolicy().check,
        help="our longest gap between polls while playing, in seconds (default %(default)s)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    logging.disable(logging.INFO)  # thousands of polls: keep warnings only
    try:
        report = asyncio.run(measure(args.runs, PollPolicy(check=args.check)))
    finally:
        logging.disable(logging.NOTSET)
    print(json.dumps(report) if args.json else render(report))
    return 0


@dataclass(frozen=True)
class Change:
    at: float  # seconds into the hour
    key: Key
    kind: str  # "natural" (an item ended), "playing" (skip/pause/stop/new item while
    # playing: the "skips and pauses"), "stopped" (resume/start from pause or idle)


@dataclass
class Tally:
    calls_playing: int = 0
    calls_total: int = 0
    playing_s: float = 0.0
    natural: list[float] = field(default_factory=list)
    playing: list[float] = field(default_factory=list)
    stopped: list[float] = field(default_factory=list)
    missed: int = 0
    replays: int = 0


async def measure(runs: int, policy: PollPolicy) -> dict[str, object]:
    """Replay the hour `runs` times under each schedule; the figures as a dict."""

    def ours(result: PlaybackResult, *, now: float, error_streak: int, jitter: float) -> float:
        return next_poll_delay(result, now=now, error_streak=error_streak, jitter=jitter,
                               policy=policy)  # fmt: skip

    def fixed(result: PlaybackResult, *, now: float, error_streak: int, jitter: float) -> float:
        return 30.0

    schedules: dict[str, Schedule] = {"ours": ours, "fixed_30s": fixed}
    report: dict[str, object] = {"runs": runs, "check_s": policy.check}
    for name, schedule in schedules.items():
        tally = Tally()
        for index in range(runs):
            await replay(schedule, shift=index * 60.0 / runs, seed=index, tally=tally)
        report[name] = summary(tally)
    return report


async def replay(schedule: Schedule, *, shift: float, seed: int, tally: Tally) -> None:
    clock = FakeClock()
    world = build_world(clock, "idle")
    transport = EmulatedSpotify(world)
    start = clock.time()
    shown: list[tuple[float, Key]] = []
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        store = MemoryTokenStore(mint_tokens(world, clock, USER))
        session = TokenSession(store, http, clock, accounts_url=BASE_URL,
                               client_id=LEELOO_CLIENT_ID)  # fmt: skip
        client = SpotifyClient(http, session, clock, api_url=BASE_URL)
        engine = PlaybackEngine(client, clock, schedule=schedule,
                                jitter=random.Random(seed).random)  # fmt: skip
        engine.subscribe(lambda s: shown.append((clock.time() - start, snapshot_key(s))))
        task = asyncio.ensure_future(engine.run())
        truth = await direct(world, clock, shift)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    score(truth, shown, [t - start for t, _ in transport.log], tally)


async def direct(world: World, clock: FakeClock, shift: float) -> list[Change]:
    """Play the script on the emulator's player; the true changes, as they happened."""
    pending = [(at + shift if at else 0.0, action) for at, action in SCRIPT]
    truth: list[Change] = []
    last: Key = None
    now, start = 0.0, clock.time()
    while now < HOUR:
        acted = False
        while pending and pending[0][0] <= now:
            act(world, pending.pop(0)[1], clock.time())
            acted = True
        view = world.player(USER).view(clock.time())
        key = truth_key(world, view)
        if key != last:
            began = now if acted or view is None else now - view.progress_ms / 1000
            kind = "stopped" if last is None or not last[1] else "playing"
            truth.append(Change(began, key, kind if acted else "natural"))
            last = key
        target = min([at for at, _ in pending[:1]] + [math.floor(now) + 1.0, HOUR])
        await clock.advance(target - now)
        now = clock.time() - start
    return truth


def act(world: World, action: str, now: float) -> None:
    player = world.player(USER)
    if action == "tracks":
        # 14 catalogue tracks of 2 to 7 minutes, from a different place each time.
        player.load(now, track_queue(world, 3 if player.queue else 0, 14))
    elif action == "episode":
        episode = world.catalogue.episode_list()[1]
        player.load(now, [QueueItem("episode", episode.id, episode.duration_ms)])
    else:
        getattr(player, action)(now)  # skip, pause, resume, stop


def truth_key(world: World, view: object) -> Key:
    from leeloo.emulator.player import PlayerView

    if not isinstance(view, PlayerView):
        return None
    return f"spotify:{view.item.kind}:{view.item.id}", view.is_playing


def snapshot_key(snapshot: PlaybackSnapshot) -> Key:
    if snapshot.item is None or snapshot.state not in (PlaybackState.PLAYING,
                                                       PlaybackState.PAUSED):  # fmt: skip
        return None
    return snapshot.item.uri, snapshot.is_playing


def score(truth: list[Change], shown: list[tuple[float, Key]], calls: list[float],
          tally: Tally) -> None:  # fmt: skip
    """Add one replay's figures: lateness per change, calls while playing."""
    for index, change in enumerate(truth):
        end = truth[index + 1].at if index + 1 < len(truth) else HOUR
        late = lateness(change, end, shown)
        if late is None:
            tally.missed += change.kind != "natural"
        else:
            getattr(tally, change.kind).append(late)
        if change.key is not None and change.key[1]:
            tally.playing_s += end - change.at
            tally.calls_playing += sum(1 for t in calls if change.at <= t < end)
    tally.calls_total += len(calls)
    tally.replays += 1


def lateness(change: Change, end: float, shown: list[tuple[float, Key]]) -> float | None:
    """Seconds from the change until the snapshot showed it (None: it never did)."""
    before = [key for t, key in shown if t <= change.at]
    if before and before[-1] == change.key:
        return 0.0
    return next((t - change.at for t, key in shown if change.at < t < end
                 and key == change.key), None)  # fmt: skip


def summary(tally: Tally) -> dict[str, object]:
    hours = tally.playing_s / HOUR
    return {
        "calls_per_playing_hour": round(tally.calls_playing / hours, 1) if hours else None,
        "calls_per_hour": round(tally.calls_total / max(1, tally.replays), 1),
        "natural": stats(tally.natural),
        "skips_pauses": stats(tally.playing),
        "resumes_starts": stats(tally.stopped),
        "missed_user_actions": tally.missed,
    }


def stats(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"n": len(values), "mean": round(fmean(values), 1), "p95": round(p95, 1),
            "max": round(ordered[-1], 1)}  # fmt: skip


def render(report: dict[str, object]) -> str:
    ours, fixed = report["ours"], report["fixed_30s"]
    assert isinstance(ours, dict)
    assert isinstance(fixed, dict)
    rows = [
        ("API calls per playing hour", "calls_per_playing_hour", None),
        ("API calls per hour (all)", "calls_per_hour", None),
        ("natural changes: mean / p95 / max", "natural", "s"),
        ("skips/pauses: mean / p95 / max", "skips_pauses", "s"),
        ("resumes/starts: mean / p95 / max", "resumes_starts", "s"),
        ("user actions never shown", "missed_user_actions", None),
    ]
    lines = [
        f"poll schedule, scripted listening hour x {report['runs']} "
        f"(ours: check every <= {report['check_s']:g} s)",
        f"{'':36}{'ours':>32}{'fixed 30 s':>32}",
    ]
    for label, key, unit in rows:
        lines.append(f"{label:36}{_cell(ours[key], unit):>32}{_cell(fixed[key], unit):>32}")
    return "\n".join(lines)


def _cell(value: object, unit: str | None) -> str:
    if isinstance(value, dict):
        if not value.get("n"):
            return "-"
        return f"{value['mean']} / {value['p95']} / {value['max']} {unit} (n={value['n']})"
    return str(value)
