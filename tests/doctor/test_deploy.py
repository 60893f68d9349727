"""The shipped deploy/ files: units that systemd reads, env examples that cannot drift.

An env example may only name variables the settings objects read (a renamed or removed
setting fails here), and each example, with its commented-out lines switched on, must
load through the program's own settings loader.
"""

from __future__ import annotations

import configparser
import dataclasses
import re
from pathlib import Path

import pytest

from leeloo.device.config import DeviceSettings
from leeloo.device.config import load_settings as load_device
from leeloo.relay.config import RelaySettings
from leeloo.relay.config import load_settings as load_relay
from leeloo.relay.crewconfig import CrewSettings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
VARIABLE = re.compile(r"^#?\s*(LEELOO_[A-Z0-9_]+)=", re.MULTILINE)


def read_unit(name: str) -> configparser.ConfigParser:
    # systemd units repeat keys (Environment=): strict=False keeps the last; `str` keeps case.
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / name).read_text())
    return unit


def readable(prefix: str, *settings: type) -> set[str]:
    names = {prefix + "ENV_FILE"}
    for kind in settings:
        names |= {prefix + f.name.upper() for f in dataclasses.fields(kind)}
    return names


DEVICE_NAMES = readable("LEELOO_DEVICE_", DeviceSettings)
RELAY_NAMES = readable("LEELOO_RELAY_", RelaySettings, CrewSettings)


@pytest.mark.parametrize(
    ("name", "user", "state"),
    [
        ("leeloo-device.service", "leeloo", "/var/lib/leeloo"),
        ("leeloo-relay.service", "leeloo-relay", "/var/lib/leeloo-relay"),
    ],
)
def test_units_restart_on_failure_and_start_at_boot(name: str, user: str, state: str) -> None:
    unit = read_unit(name)
    assert unit["Unit"]["After"].startswith("network-online.target")
    assert unit["Unit"]["Wants"] == "network-online.target"
    service = unit["Service"]
    assert service["Restart"] == "on-failure"
    assert int(service["RestartSec"]) > 0
    assert service["User"] == user
    assert service["ExecStart"].startswith("/opt/leeloo/venv/bin/leeloo ")
    assert service["EnvironmentFile"].startswith("/etc/leeloo/")
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == state
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_device_unit_may_write_the_framebuffer() -> None:
    service = read_unit("leeloo-device.service")["Service"]
    assert service["SupplementaryGroups"] == "video"
    assert "PrivateDevices" not in service  # it would hide /dev/fb0


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("device.env.example", DEVICE_NAMES),
        ("relay.env.example", RELAY_NAMES),
        ("leeloo-device.service", DEVICE_NAMES),
        ("leeloo-relay.service", RELAY_NAMES),
    ],
)
def test_shipped_files_name_only_variables_the_programs_read(name: str, allowed: set[str]) -> None:
    named = set(VARIABLE.findall((DEPLOY / name).read_text()))
    named |= set(re.findall(r"Environment=(LEELOO_[A-Z0-9_]+)=", (DEPLOY / name).read_text()))
    assert named, name
    assert named - allowed == set()


def switched_on(name: str, tmp_path: Path) -> Path:
    """The example with its commented-out settings switched on (empty ones left out)."""
    text = (DEPLOY / name).read_text()
    on = re.sub(r"^#(LEELOO_[A-Z0-9_]+=.+)$", r"\1", text, flags=re.MULTILINE)
    path = tmp_path / name
    path.write_text(on)
    return path


def test_the_device_example_loads(tmp_path: Path) -> None:
    env_file = switched_on("device.env.example", tmp_path)
    settings = load_device({"LEELOO_DEVICE_ENV_FILE": str(env_file)})
    assert settings.relay_url == "https://relay.example.org"
    assert settings.framebuffer
    assert settings.latitude == 52.52
    assert settings.preview_port == 8788


def test_the_relay_example_loads(tmp_path: Path) -> None:
    env_file = switched_on("relay.env.example", tmp_path)
    settings = load_relay({"LEELOO_RELAY_ENV_FILE": str(env_file)})
    assert settings.callback_url == "https://relay.example.org/spotify/callback"
    assert settings.store == "sqlite:////var/lib/leeloo-relay/relay.db"


@pytest.mark.parametrize("name", ["device.env.example", "relay.env.example"])
def test_every_example_variable_is_explained(name: str) -> None:
    """Each variable sits in a block (lines up to a blank one) with a comment in words."""
    for block in (DEPLOY / name).read_text().split("\n\n"):
        lines = block.splitlines()
        words = [ln for ln in lines if ln.startswith("#") and not VARIABLE.match(ln)]
        if any(VARIABLE.match(ln) for ln in lines):
            assert words, f"{name}: no comment explains {block!r}"


def test_the_proxies_pass_websocket_upgrades() -> None:
    nginx = (DEPLOY / "nginx-leeloo-relay.conf").read_text()
    assert "proxy_set_header Upgrade $http_upgrade;" in nginx
    assert "proxy_set_header Connection $connection_upgrade;" in nginx
    assert "proxy_read_timeout 3600s;" in nginx
    assert "proxy_pass http://127.0.0.1:8787;" in nginx
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert "reverse_proxy 127.0.0.1:8787" in caddy
