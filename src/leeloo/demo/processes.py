"""The demo's child programs: each `leeloo <program>` in its own process group.

Contract:
- `start` runs `python -m leeloo <args>` with the given environment, stdout and stderr to
  `<log_dir>/<name>.log`, in a new session (its own process group), so a Ctrl-C in the
  terminal reaches the demo alone and the demo stops its children in its own order;
- `stop(name)` sends SIGTERM to the child's whole group, waits up to `grace_s`, then
  SIGKILLs the group; it returns the exit code (negative: killed by that signal);
- `stop_all` stops the children newest first (devices before the relay before the
  emulator) and leaves no process behind; calling it twice is harmless.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

GRACE_S = 5.0


class Processes:
    """The running children by name, in start order."""

    def __init__(self, log_dir: Path, grace_s: float = GRACE_S) -> None:
        self.log_dir = log_dir
        self.grace_s = grace_s
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, args: Sequence[str], env: Mapping[str, str]) -> int:
        """Start `leeloo <args>` as `name`; returns its pid."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{name}.log").open("ab") as out:
            child = subprocess.Popen(
                [sys.executable, "-m", "leeloo", *args],
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running[name] = child
        log.debug("started %s (pid %d)", name, child.pid)
        return child.pid

    def alive(self, name: str) -> bool:
        child = self.running.get(name)
        return child is not None and child.poll() is None

    def pids(self) -> dict[str, int]:
        return {name: child.pid for name, child in self.running.items()}

    def stop(self, name: str) -> int | None:
        """SIGTERM the child's group, SIGKILL it after the grace time; the exit code."""
        child = self.running.pop(name, None)
        if child is None:
            return None
        _signal_group(child.pid, signal.SIGTERM)
        try:
            code = child.wait(timeout=self.grace_s)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0f s: killing it", name, self.grace_s)
            _signal_group(child.pid, signal.SIGKILL)
            code = child.wait()
        # Anything the child left in its group (it should leave nothing) goes too.
        _signal_group(child.pid, signal.SIGKILL)
        return code

    def stop_all(self) -> dict[str, int | None]:
        """Stop every child, newest first; their exit codes by name."""
        return {name: self.stop(name) for name in reversed(list(self.running))}


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group is gone already
        os.killpg(pgid, signum)
