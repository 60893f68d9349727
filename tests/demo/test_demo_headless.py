"""`leeloo demo --headless` end to end, as a user runs it: a fresh state directory, the story
at high speed, then the three final screens (screen.json words and PNGs) checked against
the story, and no process left behind."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PIL import Image

from leeloo.demo.story import STORY

RUN_LIMIT_S = 90.0  # start-up (~5 s) + the story (~13 s at 30x) + 14 s + shutdown


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_headless_demo_plays_the_story(tmp_path: Path) -> None:
    state, out = tmp_path / "state", tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEELOO_")}
    args = ["demo", "--headless", "--speed", "30", "--duration", "14"]
    done = subprocess.run(
        [sys.executable, "-m", "leeloo", *args, "--state-dir", str(state), "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=RUN_LIMIT_S,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    printed = done.stdout
    for line in ("crew 'Desk Friends' created", "Cat is back online: 3 songs", "stopped"):
        assert line in printed, printed
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text())
    devices = summary["devices"]
    assert sorted(devices) == ["Amy", "Ben", "Cat"]
    users = {"Amy": "alice", "Ben": "bob", "Cat": "carol"}
    for name, device in devices.items():
        assert device["pairing"]["state"] == "connected"
        assert device["pairing"]["user"] == users[name]
        assert device["network"] == "up"
        screen = device["screen"]
        assert (screen["album"], screen["pairing"]) == ("ArtPanel", None)
        assert screen["header"]["status"] == "online"
        assert screen["crew"] == [n for n in users if n != name]  # the crew, names set
        # Proposed by Cat, confirmed by Amy: a hang reaches the whole crew, its sender too.
        assert screen["hang"] == "vinyl night"
        assert screen["hang_when"].startswith("Fri")
        # The newest push that reached each device is on its screen ("pushed by: NAME").
        assert screen["music_state"] == "pushed"
        with Image.open(out / device["png"]) as png:
            assert png.size == (480, 320)
    steps = summary["story"]
    assert [s["story_s"] for s in steps] == [s.at for s in STORY]
    assert not [s for s in steps if "failed" in s["words"]], steps
    assert all(b["real_s"] >= a["real_s"] for a, b in itertools.pairwise(steps))
    pushes = [s["words"] for s in steps if " pushes " in s["words"]]
    newest = {"Amy": pushes[2], "Ben": pushes[3], "Cat": pushes[3]}  # Ben: Amy's last
    for name, words in newest.items():
        music = devices[name]["screen"]["music"]
        assert music["title"].strip("“”") in words
        assert music["source"] == f"pushed by: {words.split()[0]}"
    assert devices["Ben"]["screen"]["music"]["headline"] == "play it loud"  # Amy's note
    # Cat was cut off for three songs and says so after coming back.
    cat = devices["Cat"]["screen"]["music"]
    assert cat["warning"] == "3 songs arrived while you were offline"
    assert [devices[n]["screen"]["music"]["warning"] for n in ("Amy", "Ben")] == ["", ""]
    songs_to_cat = [s for s in devices["Cat"]["received"] if s["kind"] == "song"]
    assert [s["from"] for s in songs_to_cat] == ["Ben", "Amy", "Ben", "Amy"]
    assert {s["kind"] for s in devices["Amy"]["received"]} == {"song", "text", "hang.propose"}
    with Image.open(out / "demo.png") as picture:
        assert picture.width > 3 * 480
    # Every program the demo started has stopped.
    pids = json.loads((state / "demo.json").read_text())["pids"]
    assert set(pids) == {"emulator", "relay", "device-amy", "device-ben", "device-cat"}
    assert not [name for name, pid in pids.items() if pid_alive(pid)]
