#!/usr/bin/env python3
"""The README's two commands: `python3 tasks.py demo` and `python3 tasks.py test`.

Hand-written on purpose: a fresh machine has only python3 and pip, so the entry point
cannot depend on make, tox, nox or uv being installed. It makes a virtual environment in
`.venv`, installs the package with the exact versions in `requirements.lock` (only when
pyproject.toml or the lock changed since the last install), then runs the job:

- `demo`: the whole system on loopback with embedded defaults;
- `test`: every gate (ruff lint, ruff format check, mypy --strict, pytest with
  branch coverage, 100 % branch coverage of `leeloo.core`); the first failing gate
  stops the run with its exit code.
Extra arguments after `test` go to pytest (e.g. `python3 tasks.py test -k token`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".leeloo-installed"


def _fingerprint(extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for name in ("pyproject.toml", "requirements.lock"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_installed(extra: str) -> None:
    if not PY.exists():
        print("tasks: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = _fingerprint(extra)
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print(f"tasks: installing leeloo{extra} into .venv (pinned by requirements.lock)", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    target = f"{ROOT}{extra}"
    subprocess.run([*pip, "-c", str(ROOT / "requirements.lock"), "-e", target], check=True)
    STAMP.write_text(wanted)


def run(*cmd: str) -> None:
    print("tasks: $ " + " ".join(cmd), flush=True)
    code = subprocess.run(cmd, cwd=ROOT).returncode
    if code != 0:
        print(f"tasks: FAILED ({code}): {' '.join(cmd)}", flush=True)
        sys.exit(code)


def test(pytest_args: list[str]) -> None:
    ensure_installed("[test]")
    run(str(BIN / "ruff"), "check", "src", "tests", "tasks.py")
    run(str(BIN / "ruff"), "format", "--check", "src", "tests", "tasks.py")
    run(str(BIN / "mypy"), "--strict", "src")
    run(
        str(PY), "-m", "pytest",
        "--cov=leeloo", "--cov-branch", "--cov-report=term",
        *pytest_args,
    )  # fmt: skip
    if not pytest_args:  # a partial run (-k ...) cannot judge coverage
        # The pure core is small and decides everything: every branch of it is tested.
        run(str(PY), "-m", "coverage", "report", "--include=*/leeloo/core/*", "--fail-under=100")


def demo(args: list[str]) -> None:
    ensure_installed("")
    os.execv(str(BIN / "leeloo"), [str(BIN / "leeloo"), "demo", *args])


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        sys.exit("usage: python3 tasks.py demo|test [args...]")
    job, rest = sys.argv[1], sys.argv[2:]
    if job == "test":
        test(rest)
    else:
        demo(rest)


if __name__ == "__main__":
    main()
