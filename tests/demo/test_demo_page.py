"""The live demo in headless Chromium: the page shows the three screens, they update, a push
made with the page's control reaches the other devices; then Ctrl-C (SIGINT) stops the
demo and leaves no process behind. (Sync tests only: the module uses `chromium`.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame

pytestmark = pytest.mark.browser

UP_S = 60.0  # the whole system's start-up: polling other processes, not testing time


def wait_for(check: Any, what: str, within: float = 20.0) -> Any:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        body: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return body


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, Any], Path]]:
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEELOO_")}
    with (tmp_path / "demo.out").open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "leeloo", "demo", "--port", "0", "--speed", "30",
             "--state-dir", str(state)], env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        info = wait_for(lambda: (i := read_json(state / "demo.json")) and "page" in i and i,
                        "the demo's page", UP_S)  # fmt: skip
        yield proc, info, tmp_path
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)


def frame_version(frame: Frame) -> int:
    return int(frame.locator("#frame").get_attribute("data-version") or "0")


def test_the_page_shows_live_screens_and_pushes_then_ctrl_c_stops_all(
    chromium: Browser, demo: tuple[subprocess.Popen[bytes], dict[str, Any], Path]
) -> None:
    proc, info, tmp = demo
    page = chromium.new_page()
    page.goto(info["page"])
    assert page.title() == "LEELOO demo"
    frames = {n: page.frame_locator(f"#screen-{n}") for n in ("Amy", "Ben", "Cat")}
    for name in frames:
        frame = page.frame(url=info["devices"][name]["preview"])
        assert frame is not None, name
        first = wait_for(lambda f=frame: frame_version(f), f"{name}'s first frame")
        wait_for(lambda f=frame, v=first: frame_version(f) > v, f"{name}'s screen to update")
    # The story's lines show on the page as it plays; it ends before the page's own push.
    page.locator("#log").filter(has_text="Amy listens on Spotify").wait_for(timeout=20_000)
    page.locator("#log").filter(has_text="the story is over").wait_for(timeout=30_000)
    # A push with the page's control, from Ben, appears on Amy's and Cat's screens.
    push = page.locator("#push")
    push.locator("select[name=from]").select_option("Ben")
    push.locator("select[name=pick]").select_option(index=5)
    title = push.locator("select[name=pick] option:checked").inner_text().split(" — ")[0]
    push.locator("input[name=note]").fill("from the page")
    push.locator("button").click()
    page.locator("#said").filter(has_text="done").wait_for(timeout=10_000)
    state = tmp / "state"
    for name in ("Amy", "Cat"):
        screen = wait_for(lambda n=name: (s := read_json(state / n.lower() / "screen.json"))
                          and s["music"]["headline"] == "from the page" and s,
                          f"the page's push on {name}'s screen")  # fmt: skip
        assert screen["music"]["title"] == f"“{title}”"
        assert screen["music"]["source"] == "pushed by: Ben"
        music = page.locator(f"#music-{name}")
        music.filter(has_text="from the page").wait_for(timeout=5_000)
    page.locator("#log").filter(has_text="(page) Ben pushes").wait_for(timeout=5_000)
    # Cutting a device's network from the page shows on the page.
    page.locator("#device-Cat button", has_text="cut network").click()
    page.locator("#net-Cat").filter(has_text="network cut").wait_for(timeout=5_000)
    page.locator("#device-Cat button", has_text="restore network").click()
    page.locator("#net-Cat").filter(has_text="network up").wait_for(timeout=5_000)
    page.close()
    # Ctrl-C: everything stops, nothing is left behind.
    pids = json.loads((state / "demo.json").read_text())["pids"]
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    assert not [name for name, pid in pids.items() if pid_alive(pid)]
    assert b"stopped: no process left behind" in (tmp / "demo.out").read_bytes()
