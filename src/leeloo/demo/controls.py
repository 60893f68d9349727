"""What the story and the page can do to the running system, each through a public door.

- crew items (song push with a note, message, hang proposal and confirmation) go through
  the relay's HTTP API (`POST /v1/items`), authenticated by the sending device's own
  credentials, exactly as `leeloo push` / `leeloo say` would;
- Spotify playback (play, pause, resume, skip) through the emulator's control API, as the
  owner's phone app would change what their account plays;
- a device's network through its `Cable` (cut: the link drops; restore: it comes back).

Every method raises ControlError with the relay's or emulator's words when refused.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from leeloo.demo.system import System
from leeloo.emulator.catalogue import Track, build_catalogue

PLAYER_ACTIONS = ("play", "pause", "resume", "skip")


class ControlError(Exception):
    """A control the relay or the emulator refused; the message says why."""


def catalogue_tracks() -> list[tuple[Track, str]]:
    """The emulator's tracks with their artist's name (the same catalogue it serves)."""
    catalogue = build_catalogue()
    return [(t, catalogue.artists[t.artist_id].name) for t in catalogue.track_list()]


def track_link(track: Track) -> str:
    return f"https://open.spotify.com/track/{track.id}"


def next_friday_evening(now: datetime) -> datetime:
    """Next Friday at 19:00 local time (a week on if it is Friday evening already)."""
    days = (4 - now.weekday()) % 7
    moment = (now + timedelta(days=days)).replace(hour=19, minute=0, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=7)


class Controls:
    """The doors into one running `System`."""

    def __init__(self, system: System, http: httpx.AsyncClient) -> None:
        self.system = system
        self.http = http

    async def send(self, sender: str, **fields: Any) -> str:
        """Send one crew item from device `sender`; the relay's item id."""
        identity = self.system.devices[sender].identity
        assert identity is not None, "a demo device has its identity before it starts"
        body = {"key": "demo-" + uuid.uuid4().hex, **fields}
        answer = await self.http.post(
            f"{self.system.relay_url}/v1/items", json=body, headers=identity.auth
        )
        if answer.status_code != 201:
            raise ControlError(_words(answer))
        return str(answer.json()["item_id"])

    async def push(self, sender: str, link: str, note: str = "") -> str:
        return await self.send(sender, kind="song", link=link, note=note or None)

    async def say(self, sender: str, text: str) -> str:
        return await self.send(sender, kind="text", text=text)

    async def propose(self, sender: str, what: str, at: datetime) -> str:
        return await self.send(sender, kind="hang.propose", what=what, at=int(at.timestamp()))

    async def confirm(self, sender: str, proposal: str) -> str:
        return await self.send(sender, kind="hang.confirm", target=proposal)

    async def player(self, name: str, action: str, items: list[str] | None = None) -> None:
        """Play, pause, resume or skip the Spotify account of device `name`."""
        if action not in PLAYER_ACTIONS:
            raise ControlError(f"unknown player action {action!r}")
        user = self.system.devices[name].member.user
        body = {"items": items} if items else {}
        answer = await self.http.post(
            f"{self.system.emulator_url}/_emulator/players/{user}/{action}", json=body
        )
        if answer.status_code >= 400:
            raise ControlError(_words(answer))

    async def now_playing(self, name: str) -> str:
        """The name of what device `name`'s Spotify account plays ("" when nothing)."""
        user = self.system.devices[name].member.user
        state = (await self.http.get(f"{self.system.emulator_url}/_emulator/state")).json()
        for account in state["users"]:
            if account["id"] == user and account["player"].get("active"):
                return str(account["player"]["name"])
        return ""

    def network(self, name: str, up: bool) -> None:
        cable = self.system.devices[name].cable
        cable.restore() if up else cable.cut()

    async def crew_online(self, name: str) -> bool:
        """Whether the relay sees device `name` online (its link is up)."""
        me = self.system.devices[name].identity
        assert me is not None
        answer = await self.http.get(f"{self.system.relay_url}/v1/crew", headers=me.auth)
        members = answer.json().get("members", [])
        return any(m["device_id"] == me.device_id and m["online"] for m in members)

    async def inbox(self, name: str) -> list[dict[str, Any]]:
        """Every item the relay stored for device `name` (delivered or not)."""
        me = self.system.devices[name].identity
        assert me is not None
        answer = await self.http.get(f"{self.system.relay_url}/v1/items", headers=me.auth)
        items: list[dict[str, Any]] = answer.json().get("items", [])
        return items


def _words(answer: httpx.Response) -> str:
    try:
        body = answer.json()
        return str(body.get("message") or body.get("error") or body)
    except ValueError:
        return f"{answer.status_code} {answer.text[:200]}"
