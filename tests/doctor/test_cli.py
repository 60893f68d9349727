"""`leeloo doctor` as a user runs it: the sides it picks, its words, its exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leeloo.cli import main
from leeloo.doctor.sides import choose_sides, side_environ


def isolated(tmp_path: Path, **more: str) -> dict[str, str]:
    """An environment with no LEELOO settings but `more`, and no env files to find."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEELOO_")}
    env["LEELOO_DEVICE_ENV_FILE"] = str(tmp_path / "none.env")
    env["LEELOO_RELAY_ENV_FILE"] = str(tmp_path / "none.env")
    return {**env, **more}


def test_a_misconfigured_device_fails_with_words(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    creds = state / "relay-credentials.json"
    creds.write_text(json.dumps({"device_id": "dev-7", "secret": "do-not-print"}))
    creds.chmod(0o644)
    env = isolated(
        tmp_path,
        LEELOO_DEVICE_STATE_DIR=str(state),
        LEELOO_DEVICE_RELAY_URL="http://127.0.0.1:9",
        LEELOO_DEVICE_FRAMEBUFFER="on",
        LEELOO_DEVICE_FRAMEBUFFER_SYSFS=str(tmp_path / "no-fb"),
        LEELOO_DEVICE_FRAMEBUFFER_DEVICE=str(tmp_path / "no-fb-dev"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "leeloo", "doctor"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "leeloo doctor: device"
    assert (
        "  FAIL  relay: nothing answers at http://127.0.0.1:9/healthz (connection refused)" in lines
    )
    mode = lines.index(f"  FAIL  credential file mode: {creds} is mode 0644: other users can "
                       "read the device's relay secret")  # fmt: skip
    assert lines[mode + 1] == f"        fix: chmod 600 {creds}"
    assert any(line.startswith("  FAIL  screen geometry: cannot read") for line in lines)
    assert "do-not-print" not in done.stdout + done.stderr
    assert "HTTP Request" not in done.stderr  # the report, not a request log


def test_json_and_exit_status_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for key, value in isolated(tmp_path, LEELOO_RELAY_STORE="memory:").items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith("LEELOO_") and "ENV_FILE" not in k]:
        if key != "LEELOO_RELAY_STORE":
            monkeypatch.delenv(key)
    monkeypatch.setenv("LEELOO_RELAY_SPOTIFY_ACCOUNTS_URL", "http://127.0.0.1:9")
    assert main(["doctor", "--relay", "--json", "--timeout", "5"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] is False
    checks = {f["check"]: f["status"] for f in body["sides"]["relay"]}
    assert checks["spotify client id"] == "fail"
    assert checks["store"] == "warn"


def test_a_broken_setting_is_one_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in isolated(tmp_path, LEELOO_DEVICE_POLL_CHECK="often").items():
        monkeypatch.setenv(key, value)
    assert main(["doctor", "--device"]) == 1
    out = capsys.readouterr().out
    assert "  FAIL  settings: LEELOO_DEVICE_POLL_CHECK" in out
    assert "fix: correct that variable (every setting: docs/configuration.md)" in out


def test_sides_follow_the_settings_present(tmp_path: Path) -> None:
    none = tmp_path / "none.env"
    bare = {"LEELOO_DEVICE_ENV_FILE": str(none), "LEELOO_RELAY_ENV_FILE": str(none)}
    relay_file = tmp_path / "relay.env"
    relay_file.write_text("# the relay\nLEELOO_RELAY_PUBLIC_URL=https://r.example\n")
    with_relay = {**bare, "LEELOO_RELAY_ENV_FILE": str(relay_file)}
    assert choose_sides(False, False, {"device": bare, "relay": bare}) == ["device"]
    assert choose_sides(False, False, {"device": bare, "relay": with_relay}) == ["relay"]
    device = {**bare, "LEELOO_DEVICE_RELAY_URL": "https://r.example"}
    assert choose_sides(False, False, {"device": device, "relay": with_relay}) == [
        "device",
        "relay",
    ]
    assert choose_sides(True, False, {"device": bare, "relay": with_relay}) == ["device"]


def test_the_deployed_env_file_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./.env here
    etc = tmp_path / "etc"
    etc.mkdir()
    assert "LEELOO_DEVICE_ENV_FILE" not in side_environ({}, "device", etc=etc)
    (etc / "device.env").write_text("LEELOO_DEVICE_PLACE=Oslo\n")
    found = side_environ({}, "device", etc=etc)
    assert found["LEELOO_DEVICE_ENV_FILE"] == str(etc / "device.env")
    chosen = side_environ({}, "device", tmp_path / "mine.env", etc=etc)
    assert chosen["LEELOO_DEVICE_ENV_FILE"] == str(tmp_path / "mine.env")
    named = {"LEELOO_DEVICE_ENV_FILE": "other.env"}
    assert side_environ(named, "device", etc=etc)["LEELOO_DEVICE_ENV_FILE"] == "other.env"


def test_a_missing_env_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--env-file", str(tmp_path / "device.env")]) == 2
    assert capsys.readouterr().err == f"leeloo doctor: no settings file at {tmp_path}/device.env\n"
