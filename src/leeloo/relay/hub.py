"""The hub: this node's open device connections, their keepalive, and sending to a device.

One `Connection` per WebSocket (slots, no task, no queue, no closure of its own: memory
per connection is what limits how many devices one node holds). One live connection per
device: attaching a second closes the first with 4003 (REPLACED).

Keepalive is one timer for all connections (`run_sweeper`): each sweep closes the
connections silent for `ping_timeout` (4004) or still without a hello after
`hello_timeout` (4006), and pings the ones whose `ping_interval` came due. Each
connection's ping falls due from its own last ping, so pings spread over the interval
instead of bursting. Time comes from the injected `Clock`, so tests move it by hand.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from leeloo.clock import Clock
from leeloo.core.messages import CloseCode, Message, Ping
from leeloo.relay.metrics import Metrics

log = logging.getLogger(__name__)

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Connection:
    """One device WebSocket as the hub sees it: an ASGI `send` and a few timestamps."""

    __slots__ = ("closed", "device_id", "errors", "last_ping", "last_seen", "opened_at", "send")

    def __init__(self, send: Send, now: float) -> None:
        self.send = send
        self.device_id: str | None = None  # set by a good hello
        self.opened_at = now
        self.last_seen = now
        self.last_ping = now
        self.errors = 0
        self.closed = False


class Hub:
    """Connections of this node by device id, plus those still waiting for a hello."""

    def __init__(
        self,
        clock: Clock,
        metrics: Metrics,
        *,
        ping_interval: float,
        ping_timeout: float,
        hello_timeout: float,
    ) -> None:
        self.clock = clock
        self.metrics = metrics
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.hello_timeout = hello_timeout
        self.devices: dict[str, Connection] = {}
        self.waiting: set[Connection] = set()

    def __len__(self) -> int:
        return len(self.devices)

    def open(self, send: Send) -> Connection:
        """A new connection, waiting for its hello."""
        conn = Connection(send, self.clock.monotonic())
        self.waiting.add(conn)
        return conn

    async def attach(self, conn: Connection, device_id: str) -> None:
        """`conn` is now `device_id`'s live connection; an older one is closed (4003)."""
        self.waiting.discard(conn)
        conn.device_id = device_id
        older = self.devices.get(device_id)
        self.devices[device_id] = conn
        if older is not None and older is not conn:
            log.info("device %s reconnected: closing its older connection", device_id)
            self.metrics.errors["replaced"] += 1
            await self.close(older, CloseCode.REPLACED)

    def forget(self, conn: Connection) -> None:
        """The connection ended (either side): drop it unless a newer one replaced it."""
        conn.closed = True
        self.waiting.discard(conn)
        if conn.device_id is not None and self.devices.get(conn.device_id) is conn:
            del self.devices[conn.device_id]

    def seen(self, conn: Connection) -> None:
        conn.last_seen = self.clock.monotonic()

    async def send(self, conn: Connection, message: Message) -> bool:
        """Send one message; False if the connection is gone."""
        return await self.send_text(conn, message.TYPE, message.to_json())

    async def send_text(self, conn: Connection, kind: str, text: str) -> bool:
        """Send a message already encoded (`text`, of type `kind`); False if gone."""
        if conn.closed:
            return False
        try:
            await conn.send({"type": "websocket.send", "text": text})
        except (OSError, RuntimeError):  # the peer went away under us
            self.forget(conn)
            return False
        self.metrics.messages_out[kind] += 1
        return True

    async def send_to(self, device_id: str, message: Message) -> bool:
        """Send to the device's live connection on this node; False if it has none."""
        conn = self.devices.get(device_id)
        return conn is not None and await self.send(conn, message)

    async def close(self, conn: Connection, code: CloseCode) -> None:
        if conn.closed:
            return
        self.forget(conn)
        with contextlib.suppress(OSError, RuntimeError):  # already gone: nothing to tell
            await conn.send({"type": "websocket.close", "code": int(code)})

    async def sweep(self) -> None:
        """Close silent and hello-less connections, ping the ones that are due."""
        now = self.clock.monotonic()
        for conn in [c for c in self.waiting if now - c.opened_at >= self.hello_timeout]:
            self.metrics.errors["hello_timeout"] += 1
            await self.close(conn, CloseCode.HELLO_TIMEOUT)
        for conn in list(self.devices.values()):
            if now - conn.last_seen >= self.ping_timeout:
                log.info("device %s missed its pings: closing", conn.device_id)
                self.metrics.errors["ping_timeout"] += 1
                await self.close(conn, CloseCode.PING_TIMEOUT)
            elif now - conn.last_ping >= self.ping_interval:
                conn.last_ping = now
                await self.send(conn, Ping(t=int(now)))

    async def run_sweeper(self, every: float) -> None:
        """Sweep every `every` seconds of the clock, forever (cancel to stop)."""
        while True:
            await self.clock.sleep(every)
            try:
                await self.sweep()
            except Exception:  # one bad connection must not stop keepalive for all
                log.exception("sweep failed")

    async def close_all(self, code: CloseCode = CloseCode.GOING_AWAY) -> None:
        for conn in [*self.waiting, *self.devices.values()]:
            await self.close(conn, code)
