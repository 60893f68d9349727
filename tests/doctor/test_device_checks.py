"""The device's checks, one failure at a time, from hand-made observations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leeloo.core.tokens import DAY_S, LOGIN_LIFETIME_S, TokenSet
from leeloo.device.outputs.framebuffer import Geometry
from leeloo.doctor import device_checks as checks
from leeloo.doctor.findings import Status
from leeloo.doctor.observations import DeviceNode, FileBytes, Missing, Unreadable

NOW = 1_767_225_600.0  # 2026-01-01
STATE = Path("/var/lib/leeloo")
CREDS = STATE / "relay-credentials.json"
TOKENS = STATE / "spotify-tokens.json"


def token_bytes(consented_at: float) -> bytes:
    tokens = TokenSet("access-secret", "refresh-secret", NOW + 3600, consented_at)
    return json.dumps(tokens.to_json()).encode()


def test_registered_credentials_show_the_id_never_the_secret() -> None:
    data = json.dumps({"device_id": "dev-1", "secret": "s3cret"}).encode()
    finding = checks.credentials(FileBytes(CREDS, 0o600, data))
    assert (finding.status, finding.words) == (
        Status.OK,
        "registered with the relay as device dev-1",
    )
    assert "s3cret" not in repr(finding)


def test_missing_credentials_mean_not_registered_yet() -> None:
    finding = checks.credentials(Missing(CREDS))
    assert finding.status is Status.WARN
    assert finding.words == f"not registered with the relay yet (no {CREDS})"
    assert "systemctl start leeloo-device" in finding.fix


@pytest.mark.parametrize(
    "data", [b"not json", b"[]", b'{"device_id": "d"}', b'{"device_id": 1, "secret": ""}']
)
def test_garbled_credentials(data: bytes) -> None:
    finding = checks.credentials(FileBytes(CREDS, 0o600, data))
    assert finding.status is Status.FAIL
    assert finding.words == f"{CREDS} does not hold a device id and secret"
    assert finding.fix.startswith(f"remove {CREDS}: the device registers again")


def test_credentials_owned_by_another_user() -> None:
    finding = checks.credentials(Unreadable(CREDS, "Permission denied", permission=True))
    assert finding.status is Status.FAIL
    assert finding.words == f"cannot read {CREDS}: Permission denied"
    assert finding.fix == "run doctor as the device's user: sudo -u leeloo leeloo doctor --device"


def test_credentials_unreadable_for_another_reason() -> None:
    finding = checks.credentials(Unreadable(CREDS, "Is a directory"))
    assert finding.fix.startswith(f"remove {CREDS}")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o666])
def test_a_secret_file_others_can_read_fails(mode: int) -> None:
    finding = checks.file_mode(
        "token file mode", "your Spotify login", FileBytes(TOKENS, mode, b"")
    )
    assert finding.status is Status.FAIL
    assert finding.words == f"{TOKENS} is mode {mode:04o}: other users can read your Spotify login"
    assert finding.fix == f"chmod 600 {TOKENS}"


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_a_private_file_is_fine(mode: int) -> None:
    finding = checks.file_mode("token file mode", "x", FileBytes(TOKENS, mode, b""))
    assert finding.status is Status.OK


def test_no_file_no_mode_to_check() -> None:
    assert checks.file_mode("token file mode", "x", Missing(TOKENS)).status is Status.OK


def test_a_fresh_login_is_ok_with_its_end_date() -> None:
    finding = checks.spotify_tokens(FileBytes(TOKENS, 0o600, token_bytes(NOW)), NOW, 7)
    assert finding.status is Status.OK
    assert finding.words == "logged in to Spotify until 2026-07-03 (183 days)"
    assert "secret" not in finding.words


@pytest.mark.parametrize(("days_left", "words"), [(7, "7 days"), (1, "1 day ("), (3, "3 days")])
def test_a_login_about_to_expire_warns(days_left: int, words: str) -> None:
    consented = NOW - LOGIN_LIFETIME_S + days_left * DAY_S
    finding = checks.spotify_tokens(FileBytes(TOKENS, 0o600, token_bytes(consented)), NOW, 7)
    assert finding.status is Status.WARN
    assert finding.words.startswith(f"the Spotify login expires in {words}")
    assert "scan it" in finding.fix


def test_a_login_past_six_months_fails() -> None:
    consented = NOW - LOGIN_LIFETIME_S - 2 * DAY_S
    finding = checks.spotify_tokens(FileBytes(TOKENS, 0o600, token_bytes(consented)), NOW, 7)
    assert finding.status is Status.FAIL
    assert finding.words == (
        "the Spotify login of 2025-06-30 ended on 2025-12-30 (logins last 6 months): "
        "Spotify refuses it"
    )
    assert "scan the QR code" in finding.fix


def test_no_tokens_means_not_logged_in() -> None:
    finding = checks.spotify_tokens(Missing(TOKENS), NOW, 7)
    assert finding.status is Status.WARN
    assert finding.words == f"not logged in to Spotify (no {TOKENS}): the screen shows a QR code"


@pytest.mark.parametrize("data", [b"{", b"{}", b'{"access_token": "a"}'])
def test_tokens_that_are_not_tokens(data: bytes) -> None:
    finding = checks.spotify_tokens(FileBytes(TOKENS, 0o600, data), NOW, 7)
    assert finding.status is Status.FAIL
    assert finding.words == f"{TOKENS} does not hold Spotify tokens"
    assert finding.fix.startswith(f"remove {TOKENS}, then scan")


def test_tokens_owned_by_another_user() -> None:
    finding = checks.spotify_tokens(Unreadable(TOKENS, "Permission denied", True), NOW, 7)
    assert finding.status is Status.FAIL
    assert "sudo -u leeloo" in finding.fix


SYSFS = Path("/sys/class/graphics/fb1")


def test_a_480_by_320_screen_is_ok() -> None:
    finding = checks.framebuffer_geometry(SYSFS, Geometry(480, 320, 16, 960))
    assert (finding.status, finding.words) == (Status.OK, "480×320 at 16 bits per pixel")


def test_another_size_warns() -> None:
    finding = checks.framebuffer_geometry(SYSFS, Geometry(320, 480, 16, 640))
    assert finding.status is Status.WARN
    assert finding.words.startswith("the framebuffer is 320×480 at 16 bits per pixel")
    assert "rotate=" in finding.fix


def test_unreadable_geometry_fails_and_points_at_the_driver() -> None:
    finding = checks.framebuffer_geometry(SYSFS, "No such file or directory: x/virtual_size")
    assert finding.status is Status.FAIL
    assert finding.words == (
        f"cannot read the screen's geometry from {SYSFS} "
        "(No such file or directory: x/virtual_size)"
    )
    assert "dtoverlay" in finding.fix


def test_framebuffer_device_states() -> None:
    fb = Path("/dev/fb1")
    missing = checks.framebuffer_device(DeviceNode(fb, exists=False, writable=False))
    assert (missing.status, missing.words) == (Status.FAIL, "no framebuffer device at /dev/fb1")
    locked = checks.framebuffer_device(DeviceNode(fb, True, False, "video"))
    assert (locked.status, locked.words) == (
        Status.FAIL,
        "this user cannot write /dev/fb1 (group video)",
    )
    assert "usermod -aG video leeloo" in locked.fix
    fine = checks.framebuffer_device(DeviceNode(fb, True, True, "video"))
    assert (fine.status, fine.words) == (Status.OK, "/dev/fb1 is writable")


def test_framebuffer_off_warns() -> None:
    finding = checks.framebuffer_off()
    assert finding.status is Status.WARN
    assert finding.fix == "on the Pi, set LEELOO_DEVICE_FRAMEBUFFER=on"


def test_weather_location() -> None:
    none = checks.weather_location("", None, None)
    assert (none.status, none.words) == (
        Status.WARN,
        'not set: the weather box says "set location"',
    )
    assert "LEELOO_DEVICE_PLACE" in none.fix
    assert checks.weather_location(" Berlin ", None, None).words == (
        "weather for Berlin (looked up once)"
    )
    assert checks.weather_location("", 52.52, 13.405).words == "weather for 52.52, 13.405"
