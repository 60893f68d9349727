"""Crews on the relay: names, create/join/leave, invites, the crew index, presence.

- The crew index (`members_of`, `crew_of`) keeps each crew's member ids in memory, loaded
  from the store on first use and dropped on every join/leave, so fan-out and
  authorization cost one dict lookup (performance.md: index members by crew, never scan
  the fleet); `name_of` keeps display names the same way (replaced by `set_name`). The
  store stays the source of truth.
- Invites: `LEELOO-XXXXXX` over a reduced alphabet (no vowels, no 0/O/1/I look-alikes),
  case-insensitive, expiring (`invite_ttl`), revocable; joining counts against a per-device
  guess budget so codes cannot be enumerated. A refused join says why in words: no such
  code, revoked, or expired (each: ask for a new one).
- Presence: a member is online while its link lives (the hub closes links whose pings
  stop: ping_timeout ~2.5 ping intervals); going offline stores "last seen". Each change
  is told to the crew's connected members (`crew.member`); offline members stay listed.
"""

from __future__ import annotations

import logging
import secrets

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.core.label import label
from leeloo.relay.crewconfig import CrewSettings
from leeloo.relay.errors import RelayError, StoreConflictError
from leeloo.relay.hub import Hub
from leeloo.relay.store import Store
from leeloo.relay.store.crewstore import CrewRecord, InviteRecord, MemberRecord

log = logging.getLogger(__name__)
ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"
CODE_LENGTH = 6
JOIN_GUESSES = 10  # per device per hour
MAX_MEMBERS = 12
MAX_NAME = 24


class CrewError(RelayError):
    """A crew operation refused; the message is for the person who tried."""


def normalize_invite(text: str) -> str | None:
    """`LEELOO-XXXXXX` from what was typed or linked (any case, dashes/spaces optional)."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum()).removeprefix("LEELOO")
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"LEELOO-{raw}"


class Crews:
    def __init__(self, store: Store, hub: Hub, clock: Clock, settings: CrewSettings) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        self.settings = settings
        self._members: dict[str, tuple[str, ...]] = {}
        self._crew_of: dict[str, str | None] = {}
        self._names: dict[str, str] = {}

    async def crew_of(self, device_id: str) -> str | None:
        if device_id not in self._crew_of:
            self._crew_of[device_id] = await self.store.crew_of(device_id)
        return self._crew_of[device_id]

    async def members_of(self, crew_id: str) -> tuple[str, ...]:
        found = self._members.get(crew_id)
        if found is None:
            found = tuple(m.device_id for m in await self.store.members(crew_id))
            self._members[crew_id] = found
        return found

    async def name_of(self, device_id: str) -> str:
        """The device's display name ("" if none), kept in memory after the first look-up
        and replaced by `set_name`, so a send costs no store round trip for it."""
        found = self._names.get(device_id)
        if found is None:
            found = self._names[device_id] = await self.store.get_name(device_id) or ""
        return found

    def _forget(self, crew_id: str | None, *device_ids: str) -> None:
        if crew_id is not None:
            self._members.pop(crew_id, None)
        for device_id in device_ids:
            self._crew_of.pop(device_id, None)

    async def set_name(self, device_id: str, name: str) -> str:
        clean = label(name, MAX_NAME)
        if not clean:
            raise CrewError("a name needs at least one letter")
        await self.store.set_name(device_id, clean)
        self._names[device_id] = clean
        await self.announce(device_id)
        return clean

    async def create(self, device_id: str, name: str) -> str:
        if await self.crew_of(device_id) is not None:
            raise CrewError("you are already in a crew: leave it first")
        crew_id = "crw_" + secrets.token_urlsafe(9)
        await self.store.create_crew(CrewRecord(crew_id, label(name, 40) or "crew",
                                                self.clock.time()), device_id)  # fmt: skip
        self._forget(crew_id, device_id)
        await self.tell(device_id)
        return crew_id

    async def invite(self, device_id: str) -> InviteRecord:
        crew_id = await self.crew_of(device_id)
        if crew_id is None:
            raise CrewError("create a crew first")
        for _ in range(5):
            code = "LEELOO-" + "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            invite = InviteRecord(code, crew_id, device_id,
                                  self.clock.time() + self.settings.invite_ttl)  # fmt: skip
            try:
                await self.store.add_invite(invite)
                return invite
            except StoreConflictError:
                continue
        raise CrewError("could not make an invite code: try again")

    async def revoke(self, device_id: str) -> None:
        crew_id = await self.crew_of(device_id)
        if crew_id is not None:
            await self.store.revoke_invites(crew_id)

    async def join(self, device_id: str, typed: str) -> str:
        now = self.clock.time()
        if await self.store.hit(f"join:{device_id}", int(now // 3600)) > JOIN_GUESSES:
            raise CrewError("too many invite codes tried: wait an hour")
        code = normalize_invite(typed)
        invite = await self.store.get_invite(code) if code else None
        if invite is None:
            raise CrewError("no such invite code: check it, or ask your friend for a new one")
        if invite.revoked:
            raise CrewError("that invite code was revoked: ask your friend for a new one")
        if invite.expires_at <= now:
            raise CrewError("that invite code has expired: ask your friend for a new one")
        if await self.crew_of(device_id) is not None:
            raise CrewError("you are already in a crew: leave it first")
        if len(await self.members_of(invite.crew_id)) >= MAX_MEMBERS:
            raise CrewError(f"that crew is full ({MAX_MEMBERS} members)")
        await self.store.join_crew(invite.crew_id, device_id, now)
        self._forget(invite.crew_id, device_id)
        await self.announce(device_id)
        return invite.crew_id

    async def leave(self, device_id: str) -> None:
        crew_id = await self.store.leave_crew(device_id)
        self._forget(crew_id, device_id)
        await self.tell(device_id)
        if crew_id is not None:
            for member in await self.members_of(crew_id):
                await self.tell(member)

    async def roster(self, device_id: str) -> tuple[CrewRecord | None, list[MemberRecord]]:
        """The device's crew and its members (the device included)."""
        crew_id = await self.crew_of(device_id)
        if crew_id is None:
            return None, []
        return await self.store.get_crew(crew_id), await self.store.members(crew_id)

    def online(self, device_id: str) -> bool:
        return device_id in self.hub.devices

    async def tell(self, device_id: str) -> None:
        """Send the device its crew and every other member's presence (if it is connected)."""
        if device_id not in self.hub.devices:
            return
        crew, members = await self.roster(device_id)
        others = [m for m in members if m.device_id != device_id]
        info = wire.CrewInfo(size=len(members), crew_id=crew.crew_id if crew else None,
                             name=crew.name if crew else None)  # fmt: skip
        await self.hub.send_to(device_id, info)
        for member in others:
            await self.hub.send_to(device_id, self._member(member))

    def _member(self, m: MemberRecord) -> wire.CrewMemberInfo:
        seen = None if m.last_seen is None else int(m.last_seen)
        return wire.CrewMemberInfo(m.device_id, m.name, self.online(m.device_id), seen)

    async def announce(self, device_id: str) -> None:
        """Tell the device's crew mates (and the device) that it changed (name, presence)."""
        crew_id = await self.crew_of(device_id)
        if crew_id is None:
            await self.tell(device_id)
            return
        members = await self.store.members(crew_id)
        me = next((m for m in members if m.device_id == device_id), None)
        for other in (m.device_id for m in members if m.device_id != device_id):
            if me is not None:
                await self.hub.send_to(other, self._member(me))
        await self.tell(device_id)

    async def went_offline(self, device_id: str) -> None:
        await self.store.touch(device_id, self.clock.time())
        await self.announce(device_id)
