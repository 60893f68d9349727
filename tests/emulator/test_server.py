"""`leeloo emulator` as a user runs it: a real server process on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from leeloo.cli import build_parser
from leeloo.testing.ports import free_port


@pytest.fixture
def emulator_process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    cmd = [sys.executable, "-m", "leeloo", "emulator", "--port", str(port),
           "--scenario", "podcast", "--fake-clock"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20  # start-up only: waits for the port, tests no timing
    while True:
        try:
            httpx.get(f"{base}/_emulator/state", timeout=1)
            break
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"emulator did not start: {proc.communicate()[0]}") from None
            time.sleep(0.05)
    yield proc, base
    proc.terminate()
    proc.wait(timeout=10)
    assert proc.stdout is not None
    proc.stdout.close()


def test_the_emulator_serves_its_world_and_says_what_it_is(
    emulator_process: tuple[subprocess.Popen[str], str],
) -> None:
    proc, base = emulator_process
    state = httpx.get(f"{base}/_emulator/state").json()
    alice = next(u for u in state["users"] if u["id"] == "alice")
    assert alice["player"]["kind"] == "episode"
    advanced = httpx.post(f"{base}/_emulator/clock/advance", json={"seconds": 60})
    assert advanced.json()["now"] == state["now"] + 60
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    assert "LEELOO Spotify emulator on " + base in out
    assert "scenario: podcast" in out


def test_the_cli_knows_the_scenarios() -> None:
    parser = build_parser()
    args = parser.parse_args(["emulator", "--scenario", "flaky", "--port", "1"])
    assert (args.scenario, args.port, args.host) == ("flaky", 1, "127.0.0.1")
    with pytest.raises(SystemExit):
        parser.parse_args(["emulator", "--scenario", "nonsense"])
