"""`leeloo push` and `leeloo say` as subprocesses against a live relay: words and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.crew.conftest import TRACKS, Dev, track_link

Live = Callable[[], tuple[str, Callable[[], Dev]]]


def leeloo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none.env"),
           "LEELOO_DEVICE_STATE_DIR": str(tmp_path / "state")}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "leeloo", *args], env=env, text=True,
                          capture_output=True, timeout=60, check=False)  # fmt: skip


def credentials(tmp_path: Path, dev: Dev, secret: str | None = None) -> str:
    path = tmp_path / f"{dev.device_id}.json"
    path.write_text(json.dumps({"device_id": dev.device_id, "secret": secret or dev.secret}))
    return str(path)


def test_push_and_say_from_the_command_line(live: Live, tmp_path: Path) -> None:
    base, new = live()
    amy, ben, eve = new(), new(), new()
    for dev, name in ((amy, "Amy"), (ben, "Ben"), (eve, "Eve")):
        dev.connect()
        dev.claim()
        dev.act("name", name=name)
    amy.act("create", name="Desk")
    ben.act("join", code=amy.act("invite").split()[2])
    mine = ["--credentials", credentials(tmp_path, amy), "--relay", base]

    pushed = leeloo(tmp_path, "push", track_link(1), "--note", "listen", *mine)
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.startswith("sent to your crew (itm_")
    item = ben.until("item")[-1]
    assert (item["title"], item["note"], item["sender_name"]) == (TRACKS[1].name, "listen", "Amy")
    said = leeloo(tmp_path, "say", "see", "you", "at", "8", *mine)
    assert said.returncode == 0, said.stderr
    assert ben.until("item")[-1]["text"] == "see you at 8"

    refused = leeloo(tmp_path, "push", "https://youtu.be/x", *mine)
    assert refused.returncode == 1
    assert "cannot push that: " in refused.stderr
    assert "not a Spotify link" in refused.stderr
    alone = leeloo(tmp_path, "say", "hi", "--credentials", credentials(tmp_path, eve),
                   "--relay", base)  # fmt: skip
    assert alone.returncode == 1
    assert "not in a crew" in alone.stderr
    forged = leeloo(tmp_path, "say", "hi", "--credentials", credentials(tmp_path, amy, "x"),
                    "--relay", base)  # fmt: skip
    assert forged.returncode == 3
    assert "does not know this device's credentials" in forged.stderr
    nowhere = leeloo(tmp_path, "say", "hi", *mine[:2], "--relay", "http://127.0.0.1:9",
                     "--retries", "0")  # fmt: skip
    assert nowhere.returncode == 5
    assert "cannot reach the relay at http://127.0.0.1:9" in nowhere.stderr
    missing = leeloo(tmp_path, "say", "hi", "--relay", base)  # the settings' default path
    assert missing.returncode == 2
    assert "no readable device credentials at" in missing.stderr
    assert str(tmp_path / "state" / "relay-credentials.json") in missing.stderr
