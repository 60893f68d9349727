"""Giving each demo device its identity and forming the crew, before the devices start.

What an owner does with a new LEELOO, done the same way by the demo:
1. the device registers with the relay (`POST /v1/devices`) and keeps its id and secret
   in its credentials file (mode 0600, the device's own file format);
2. the device asks for a one-time link to its crew phone page (`phone.claim` on its link,
   answered `phone.link`), which it would show as a QR;
3. the owner opens that link on their phone, names the device, and creates a crew (the
   first owner) or joins it with the invite code the first owner made.

Steps 1 and 2 are done here on the device's behalf (its own credentials, its own link)
before the device program starts, so the device's link never has to be shared; from then
on the device program uses the same credentials file as if it had registered itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
from websockets.asyncio.client import ClientConnection, connect

from leeloo.core import messages as wire
from leeloo.demo.phone import CrewPhone, PhoneError
from leeloo.device.link import CredentialFile, Credentials

FRAME_WAIT_S = 10.0


@dataclass(frozen=True)
class Identity:
    """A registered device: what its credentials file holds."""

    device_id: str
    secret: str

    @property
    def auth(self) -> dict[str, str]:
        """The HTTP API's Authorization header for this device."""
        return {"Authorization": f"Bearer {self.device_id}:{self.secret}"}

    def __repr__(self) -> str:
        return f"Identity({self.device_id!r}, secret='***')"


async def register(relay_url: str, credential_file: Path) -> Identity:
    """Register a device and write its credentials file (0600)."""
    async with httpx.AsyncClient(timeout=10.0) as http:
        answer = await http.post(f"{relay_url}/v1/devices")
        answer.raise_for_status()
        body = answer.json()
    identity = Identity(str(body["device_id"]), str(body["secret"]))
    CredentialFile(credential_file).save(Credentials(identity.device_id, identity.secret))
    return identity


async def claim_phone_link(relay_url: str, identity: Identity) -> str:
    """The one-time crew phone link the device would show as a QR."""
    hello = wire.Hello(
        v=wire.PROTOCOL_VERSION,
        device_id=identity.device_id,
        secret=identity.secret,
        client="leeloo-demo",
        crew=True,
    )
    async with connect(relay_url.replace("http", "ws", 1) + "/v1/link") as ws:
        await ws.send(hello.to_json())
        await _until(ws, "welcome")
        await ws.send(wire.PhoneClaim().to_json())
        link = await _until(ws, "phone.link")
    return str(link["url"])


async def _until(ws: ClientConnection, kind: str) -> dict[str, object]:
    with anyio.fail_after(FRAME_WAIT_S):
        while True:
            frame: dict[str, object] = json.loads(await ws.recv())
            if frame.get("type") == kind:
                return frame


async def form_crew(relay_url: str, claims: dict[str, str], crew_name: str) -> str:
    """Name each device and put them in one crew: the first creates it, the others join
    with its invite code. `claims`: device name -> its phone link. Returns the code."""
    phones = {name: CrewPhone(relay_url) for name in claims}
    try:
        for name, url in claims.items():
            await phones[name].open(url)
            await phones[name].act("name", name=name)
        first, *others = phones.values()
        await first.act("create", name=crew_name)
        said = await first.act("invite")
        found = re.search(r"LEELOO-[A-Z0-9]+", said)
        if found is None:
            raise PhoneError(f"no invite code on the crew page: {said!r}")
        for phone in others:
            joined = await phone.act("join", code=found.group(0))
            if "joined" not in joined:
                raise PhoneError(f"joining the crew failed: {joined!r}")
        return found.group(0)
    finally:
        for phone in phones.values():
            await phone.close()
