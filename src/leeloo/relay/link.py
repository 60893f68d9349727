"""The device WebSocket (`/v1/link`): hello, then messages, until either side closes.

A raw ASGI app rather than a Starlette `WebSocket` object: per connection it holds only
the hub's `Connection` and this coroutine's frame (memory per connection is the limit).

Contract (docs/protocol.md):
- the first frame must be a valid `hello` of version 1 with good credentials, else the
  connection is closed with the `ProtocolError`'s close code (4000, 4002) or 4001;
- after `welcome` and the resume messages, each frame is parsed; a bad one gets an
  `error` message, and the `max_errors`-th closes the link with 4005;
- a frame over `max_frame` bytes closes with 1009 (uvicorn enforces it too: ws_max_size);
- any frame from the device counts as a sign of life for the keepalive sweep.
No frame's content is ever logged: hellos hold secrets.
"""

from __future__ import annotations

import logging

from starlette.types import Receive, Scope, Send

from leeloo.core import messages as wire
from leeloo.core.pairing import PairingError
from leeloo.relay.crewlink import CrewLink
from leeloo.relay.errors import RelayError
from leeloo.relay.hub import Connection, Hub
from leeloo.relay.metrics import Metrics
from leeloo.relay.pairing import PairingDesk, SessionGoneError
from leeloo.relay.registration import secret_matches
from leeloo.relay.store import Store

log = logging.getLogger(__name__)


class LinkClosedError(RelayError):
    """The peer disconnected."""


class DeviceLink:
    """The ASGI app behind `/v1/link`."""

    def __init__(
        self, hub: Hub, store: Store, desk: PairingDesk, metrics: Metrics, *, max_frame: int,
        max_errors: int, crew: CrewLink | None = None,
    ) -> None:  # fmt: skip
        self.crew = crew
        self.hub = hub
        self.store = store
        self.desk = desk
        self.metrics = metrics
        self.max_frame = max_frame
        self.max_errors = max_errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        conn = self.hub.open(send)
        try:
            await self._serve(conn, receive)
        except LinkClosedError:
            pass
        except RelayError as exc:  # the store failed: this link cannot go on
            log.warning("closing a device link: %s", exc)
            self.metrics.errors["store"] += 1
            await self.hub.close(conn, wire.CloseCode.INTERNAL_ERROR)
        finally:
            self.hub.forget(conn)
            if self.crew is not None and conn.device_id is not None:
                await self.crew.detached(conn, conn.device_id)

    async def _frame(self, conn: Connection, receive: Receive) -> str | bytes:
        event = await receive()
        if event["type"] != "websocket.receive":
            raise LinkClosedError
        if conn.closed:
            raise LinkClosedError
        frame: str | bytes = event["text"] if event.get("text") is not None else event["bytes"]
        self.hub.seen(conn)
        if len(frame) > self.max_frame:  # len(str) <= bytes: a cheap first check
            self.metrics.errors["oversized"] += 1
            await self.hub.close(conn, wire.CloseCode.MESSAGE_TOO_BIG)
            raise LinkClosedError
        return frame

    async def _serve(self, conn: Connection, receive: Receive) -> None:
        hello_frame = await self._frame(conn, receive)
        try:
            hello = wire.check_hello(wire.parse_device_message(hello_frame))
        except wire.ProtocolError as exc:
            self.metrics.errors[f"hello_{exc.code.value}"] += 1
            await self.hub.close(conn, exc.close_code)
            return
        record = await self.store.get_device(hello.device_id)
        if not secret_matches(record, hello.secret):
            log.info("refused a hello for device %s: bad credentials", hello.device_id[:64])
            self.metrics.errors["unauthorized"] += 1
            await self.hub.close(conn, wire.CloseCode.UNAUTHORIZED)
            return
        self.metrics.messages_in["hello"] += 1
        await self.hub.attach(conn, hello.device_id)
        welcome = wire.Welcome(
            v=wire.PROTOCOL_VERSION,
            device_id=hello.device_id,
            ping_interval=int(self.hub.ping_interval),
            ping_timeout=int(self.hub.ping_timeout),
            max_frame=self.max_frame,
        )
        await self.hub.send(conn, welcome)
        for message in await self.desk.resume(hello.device_id):
            await self.hub.send(conn, message)
        if self.crew is not None and hello.crew:
            await self.crew.attached(conn, hello.device_id)
        while True:
            frame = await self._frame(conn, receive)
            try:
                await self._handle(conn, hello.device_id, wire.parse_device_message(frame))
            except wire.ProtocolError as exc:
                await self._refuse(conn, exc)

    async def _refuse(self, conn: Connection, exc: wire.ProtocolError) -> None:
        self.metrics.errors[exc.code.value] += 1
        conn.errors += 1
        if conn.errors >= self.max_errors:
            await self.hub.close(conn, wire.CloseCode.TOO_MANY_ERRORS)
            raise LinkClosedError
        await self.hub.send(conn, wire.ErrorMessage(code=exc.code, message=exc.detail))

    async def _handle(self, conn: Connection, device_id: str, message: wire.DeviceMessage) -> None:
        self.metrics.messages_in[message.TYPE] += 1
        match message:
            case wire.Pong():
                pass  # `_frame` already noted the sign of life
            case wire.PairingStart():
                if not await self.desk.may_start(device_id):
                    raise wire.ProtocolError(wire.ErrorCode.RATE_LIMITED, "too many pairings")
                await self.hub.send(conn, await self.desk.start(device_id, message))
            case wire.PairingCancel() | wire.PairingComplete():
                await self._session_message(device_id, message)
            case wire.ItemSend() | wire.Ack() | wire.SearchResult() | wire.PhoneClaim() if (
                self.crew is not None
            ):
                await self.crew.handle(conn, device_id, message)
            case _:
                raise wire.ProtocolError(wire.ErrorCode.UNEXPECTED, "hello was already sent")

    async def _session_message(
        self, device_id: str, message: wire.PairingCancel | wire.PairingComplete
    ) -> None:
        session = await self.desk.own_session(device_id, message.session_id)
        if session is None:
            raise wire.ProtocolError(wire.ErrorCode.UNKNOWN_SESSION, "no such pairing session")
        try:
            if isinstance(message, wire.PairingCancel):
                await self.desk.cancel(session)
            else:
                await self.desk.complete(session, message)
        except (PairingError, SessionGoneError):
            raise wire.ProtocolError(
                wire.ErrorCode.UNEXPECTED, "the pairing session is not waiting for that"
            ) from None
