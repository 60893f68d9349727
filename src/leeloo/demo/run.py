"""`leeloo demo` as a program: bring the system up, play the story, serve the page or write
the headless outputs, and stop everything on Ctrl-C (SIGINT) or SIGTERM.

Contract of `run_demo`:
- every line for the person watching goes through `say` (the CLI prints it);
- SIGINT/SIGTERM at any point (during start-up too) stops the story, the page, and every
  child program (demo/processes.py: SIGTERM, then SIGKILL after a grace time), then
  returns 0 (130 if interrupted before the system was up);
- live mode serves the page on `port` (0: a free one) until a signal;
- headless mode plays the story and keeps the system running until `duration` seconds
  after the story began (or the story's end, if later), then writes the outputs
  (demo/summary.py) to `out` and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from leeloo.clock import SystemClock
from leeloo.demo import story
from leeloo.demo.controls import Controls
from leeloo.demo.page import create_app
from leeloo.demo.summary import write_outputs
from leeloo.demo.system import System

log = logging.getLogger(__name__)

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    state_dir: Path
    speed: float = 8.0
    port: int = 8700
    host: str = "127.0.0.1"
    headless: bool = False
    duration: float = 60.0
    out: Path | None = None


class PageServer(uvicorn.Server):
    """uvicorn for the page, leaving SIGINT and SIGTERM to the demo."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run_demo(options: DemoOptions, say: Say) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    system = System(options.state_dir, say)
    try:
        if not await _until_stopped(system.start(), stop):
            say("stopping (interrupted during start-up)")
            return 130
        async with httpx.AsyncClient(timeout=10.0) as http:
            controls = Controls(system, http)
            if options.headless:
                await _headless(options, system, controls, stop, say)
            else:
                await _live(options, controls, stop, say)
        return 0
    finally:
        await system.stop()
        say("stopped: no process left behind")
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _until_stopped(work: object, stop: asyncio.Event) -> bool:
    """Await `work` unless `stop` is set first (then `work` is cancelled); True if done."""
    task = asyncio.ensure_future(work)  # type: ignore[call-overload]
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task.done():
        task.result()  # raise what went wrong
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


def _story_task(
    controls: Controls, notes: story.Notes, speed: float, say: Say, log_lines: list[str]
) -> asyncio.Task[list[story.StepRecord]]:
    def told(record: story.StepRecord) -> None:
        minutes, seconds = divmod(int(record.story_s), 60)
        line = f"[{minutes}:{seconds:02d} story, {record.real_s:5.1f} s] {record.words}"
        log_lines.append(line)
        say(line)

    return asyncio.create_task(story.play(story.STORY, controls, notes, SystemClock(), speed, told))


async def _headless(
    options: DemoOptions, system: System, controls: Controls, stop: asyncio.Event, say: Say
) -> None:
    notes = story.Notes()
    say(
        f"headless: the story at {options.speed:g}x, "
        f"{story.story_length() / options.speed:.0f} s; running {options.duration:g} s"
    )
    started = asyncio.get_running_loop().time()
    playing = _story_task(controls, notes, options.speed, say, [])
    if not await _until_stopped(playing, stop):
        return
    left = options.duration - (asyncio.get_running_loop().time() - started)
    if left > 0 and not await _until_stopped(asyncio.sleep(left), stop):
        return
    out = options.out or options.state_dir / "out"
    path = write_outputs(out, system, playing.result(), notes)
    say(f"wrote {path} and the screens' PNGs in {out}")


async def _live(options: DemoOptions, controls: Controls, stop: asyncio.Event, say: Say) -> None:
    log_lines: list[str] = []
    config = uvicorn.Config(
        create_app(controls, log_lines),
        host=options.host,
        port=options.port,
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = PageServer(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
            raise OSError(f"the page could not listen on port {options.port}")
        await asyncio.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://{options.host}:{port}/"
    info = options.state_dir / "demo.json"
    info.write_text(json.dumps(json.loads(info.read_text()) | {"page": url}, indent=2))
    say(f"\n  Open {url}  (three screens live, and controls). Ctrl-C stops everything.\n")
    playing = _story_task(controls, story.Notes(), options.speed, say, log_lines)
    await stop.wait()
    playing.cancel()
    server.should_exit = True
    await serving
