"""The crew messages of the device link: what `/v1/link` does for crews (docs/protocol.md).

On a good hello (`attached`): the device's presence is told to its crew, the device gets
its crew (`crew`, `crew.member`…), then every stored item after its last ack and
`inbox.synced`. Messages: `item.send` (answered `item.sent` or `error`; run as its own
task, so a push by search words can wait for this same device's `search.result`), `ack`,
`search.result`, `phone.claim` (answered `phone.link`). On close (`detached`): last seen.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

import anyio
from anyio.abc import TaskGroup

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.relay.courier import Courier
from leeloo.relay.crewconfig import CrewSettings
from leeloo.relay.crews import Crews
from leeloo.relay.errors import RelayError
from leeloo.relay.hub import Connection, Hub
from leeloo.relay.sending import Sender, SendRefusedError
from leeloo.relay.store import Store

log = logging.getLogger(__name__)
CrewMessage = wire.ItemSend | wire.Ack | wire.SearchResult | wire.PhoneClaim


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CrewLink:
    def __init__(self, store: Store, hub: Hub, clock: Clock, crews: Crews, courier: Courier,
                 sender: Sender, settings: CrewSettings, base_url: str) -> None:  # fmt: skip
        self.store = store
        self.hub = hub
        self.clock = clock
        self.crews = crews
        self.courier = courier
        self.sender = sender
        self.settings = settings
        self.base_url = base_url
        self._tasks: TaskGroup | None = None

    async def run(self) -> None:
        """Hold the task group the socket's sends run in (cancel to stop)."""
        async with anyio.create_task_group() as tasks:
            self._tasks = tasks
            await anyio.sleep_forever()

    async def attached(self, conn: Connection, device_id: str) -> None:
        await self.crews.announce(device_id)
        await self.courier.attach(conn, device_id)

    async def detached(self, conn: Connection, device_id: str) -> None:
        self.courier.detach(conn, device_id)
        if device_id not in self.hub.devices:  # not replaced by a newer connection
            try:
                await self.crews.went_offline(device_id)
            except RelayError as exc:
                log.warning("could not record last seen for %s: %s", device_id, exc)

    async def claim_url(self, device_id: str) -> str:
        token = secrets.token_urlsafe(24)
        expires = self.clock.time() + self.settings.claim_ttl
        await self.store.add_claim(token_hash(token), device_id, expires)
        return f"{self.base_url}/c/{token}"

    async def handle(self, conn: Connection, device_id: str, message: CrewMessage) -> None:
        match message:
            case wire.ItemSend():
                assert self._tasks is not None, "the crew link's task group is not running"
                self._tasks.start_soon(self._send, conn, device_id, message)
            case wire.Ack():
                self.courier.ack(device_id, message.seq)
            case wire.SearchResult():
                if not self.sender.search_result(device_id, message):
                    raise wire.ProtocolError(wire.ErrorCode.UNKNOWN_SESSION, "no such search")
            case wire.PhoneClaim():
                url = await self.claim_url(device_id)
                await self.hub.send(conn, wire.PhoneLink(url, self.settings.claim_ttl))

    async def _send(self, conn: Connection, device_id: str, message: wire.ItemSend) -> None:
        try:
            sent = await self.sender.send(device_id, message)
        except SendRefusedError as exc:
            await self.hub.send(conn, wire.ErrorMessage(exc.code, exc.message))
        except RelayError as exc:
            log.warning("a send from %s failed: %s", device_id, exc)
            refusal = wire.ErrorMessage(wire.ErrorCode.UNEXPECTED, "not stored: retry")
            await self.hub.send(conn, refusal)
        else:
            await self.hub.send(conn, sent)
