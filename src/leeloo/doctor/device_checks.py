"""The device side's checks: relay credentials, Spotify tokens, the screen, the weather.

Each function takes what a probe saw (observations.py) and the settings it needs, and
returns one Finding. `RUN_AS` is the fix for files another user owns: the device runs as
its own user (deploy/leeloo-device.service), so doctor must run as that user too.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

from leeloo.core.tokens import DAY_S, TokenFormatError, TokenSet
from leeloo.device.outputs.framebuffer import Geometry
from leeloo.doctor.findings import Finding
from leeloo.doctor.observations import DeviceNode, FileBytes, FileSeen, Missing, Unreadable

RUN_AS = "run doctor as the device's user: sudo -u leeloo leeloo doctor --device"
PAIR = "scan the QR code on the screen with your phone and log in to Spotify"
SCREEN = (480, 320)


def day(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d")


def _unreadable(check: str, seen: Unreadable, fix: str) -> Finding:
    return Finding.fail(
        check, f"cannot read {seen.path}: {seen.reason}", RUN_AS if seen.permission else fix
    )


def credentials(seen: FileSeen) -> Finding:
    """The relay credential file: a device id and a secret (the secret is never shown)."""
    check = "relay credentials"
    again = (
        f"remove {seen.path}: the device registers again at its next start "
        "(and must then join its crew again)"
    )
    if isinstance(seen, Missing):
        return Finding.warn(
            check,
            f"not registered with the relay yet (no {seen.path})",
            "start the device (sudo systemctl start leeloo-device): it registers by itself",
        )
    if isinstance(seen, Unreadable):
        return _unreadable(check, seen, again)
    try:
        body = json.loads(seen.data)
        device_id, secret = body["device_id"], body["secret"]
    except (ValueError, KeyError, TypeError):
        return Finding.fail(check, f"{seen.path} does not hold a device id and secret", again)
    if not isinstance(device_id, str) or not isinstance(secret, str) or not secret:
        return Finding.fail(check, f"{seen.path} does not hold a device id and secret", again)
    return Finding.ok(check, f"registered with the relay as device {device_id}")


def file_mode(check: str, what: str, seen: FileSeen) -> Finding:
    """A secret-holding file must be 0600: nobody but its owner may read it."""
    if not isinstance(seen, FileBytes):
        return Finding.ok(check, f"no file to check at {seen.path}")
    if seen.mode & 0o077:
        return Finding.fail(
            check,
            f"{seen.path} is mode {seen.mode:04o}: other users can read {what}",
            f"chmod 600 {seen.path}",
        )
    return Finding.ok(check, f"{seen.path} is mode {seen.mode:04o}")


def spotify_tokens(seen: FileSeen, now: float, warning_days: int) -> Finding:
    """Logged in, and for how long: a Spotify login ends 6 months after consent."""
    check = "spotify login"
    if isinstance(seen, Missing):
        return Finding.warn(
            check, f"not logged in to Spotify (no {seen.path}): the screen shows a QR code", PAIR
        )
    again = f"remove {seen.path}, then {PAIR}"
    if isinstance(seen, Unreadable):
        return _unreadable(check, seen, again)
    try:
        tokens = TokenSet.from_json(json.loads(seen.data))
    except (ValueError, TokenFormatError):
        return Finding.fail(check, f"{seen.path} does not hold Spotify tokens", again)
    ends = tokens.login_ends_at
    if now >= ends:
        return Finding.fail(
            check,
            f"the Spotify login of {day(tokens.consented_at)} ended on {day(ends)} "
            "(logins last 6 months): Spotify refuses it",
            PAIR + " again (the screen shows the QR code)",
        )
    days = math.ceil((ends - now) / DAY_S)
    if days <= warning_days:
        return Finding.warn(
            check,
            f"the Spotify login expires in {days} day{'s' if days != 1 else ''} ({day(ends)})",
            "log in again before then: when the screen shows the QR code, scan it",
        )
    return Finding.ok(check, f"logged in to Spotify until {day(ends)} ({days} days)")


def framebuffer_geometry(sysfs: Path, geometry: Geometry | str) -> Finding:
    """The screen's size and depth from sysfs; `geometry` is the error's words if unread."""
    check = "screen geometry"
    if isinstance(geometry, str):
        return Finding.fail(
            check,
            f"cannot read the screen's geometry from {sysfs} ({geometry})",
            "install the display driver (a dtoverlay in /boot/firmware/config.txt, see "
            "docs/deploy-pi.md) and reboot; ls /sys/class/graphics lists the framebuffers",
        )
    size = f"{geometry.width}×{geometry.height} at {geometry.bits_per_pixel} bits per pixel"
    if (geometry.width, geometry.height) != SCREEN:
        return Finding.warn(
            check,
            f"the framebuffer is {size}; LEELOO draws 480×320 at its top-left corner",
            "check the overlay's rotate= setting (480×320 is landscape) and that "
            "LEELOO_DEVICE_FRAMEBUFFER_SYSFS names the panel's framebuffer (fb1?)",
        )
    return Finding.ok(check, size)


def framebuffer_device(node: DeviceNode) -> Finding:
    """The framebuffer device exists and this user may write it."""
    check = "screen device"
    if not node.exists:
        return Finding.fail(
            check,
            f"no framebuffer device at {node.path}",
            "install the display driver (docs/deploy-pi.md), or set "
            "LEELOO_DEVICE_FRAMEBUFFER_DEVICE to the panel's /dev/fbN",
        )
    if not node.writable:
        group = node.group or "video"
        return Finding.fail(
            check,
            f"this user cannot write {node.path} (group {group})",
            f"add the device's user to the {group} group: sudo usermod -aG {group} leeloo "
            "(the systemd unit sets SupplementaryGroups=video)",
        )
    return Finding.ok(check, f"{node.path} is writable")


def framebuffer_off() -> Finding:
    return Finding.warn(
        "screen",
        "the framebuffer output is off: nothing shows on a screen (PNG and preview only)",
        "on the Pi, set LEELOO_DEVICE_FRAMEBUFFER=on",
    )


def weather_location(place: str, latitude: float | None, longitude: float | None) -> Finding:
    """A place name or coordinates; without them the weather box says "set location"."""
    check = "weather location"
    if latitude is not None and longitude is not None:
        return Finding.ok(check, f"weather for {latitude:g}, {longitude:g}")
    if place.strip():
        return Finding.ok(check, f"weather for {place.strip()} (looked up once)")
    return Finding.warn(
        check,
        'not set: the weather box says "set location"',
        "set LEELOO_DEVICE_PLACE=Berlin (a city name), or LEELOO_DEVICE_LATITUDE and "
        "LEELOO_DEVICE_LONGITUDE",
    )
