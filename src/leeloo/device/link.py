"""The device's end of the relay link: identity, the WebSocket, reconnects (docs/protocol.md).

- Identity: on first start the device registers (`POST /v1/devices`) and keeps its id and
  secret in `credential_file` (mode 0600, written atomically). A 4001 close means the
  relay no longer knows them: they are dropped and the device registers again.
- Connection: `hello` first, then `welcome`; `ping` is answered with `pong` here, every
  other relay message goes to the `handler`. A relay silent for its `ping_timeout` is
  treated as gone.
- Reconnect: delays come from an injectable generator (`backoff`: exponential with full
  jitter, reset after each successful welcome). Resume is the relay's job: it re-sends
  what the device has not taken (held pairing codes, recent endings).
- Crews: with `crew=True` the hello asks for crew messages; `on_close` is told when a
  welcomed connection ends (the crew inbox goes OFFLINE).
- 4002 (version) and 4003 (replaced by another connection of this device) stop the link:
  reconnecting would only fight the other connection or fail again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.spotify.store import write_atomic

log = logging.getLogger(__name__)

Handler = Callable[[wire.RelayMessage], Awaitable[None]]
Backoff = Callable[[], Iterator[float]]
CLIENT = "leeloo-device/1"


class LinkError(Exception):
    """Root of the link's errors."""


class LinkStoppedError(LinkError):
    """The relay closed the link for good (4002 unsupported version, 4003 replaced)."""

    def __init__(self, code: int) -> None:
        super().__init__(f"relay closed the link with {code}")
        self.code = code


@dataclass(frozen=True)
class Credentials:
    device_id: str
    secret: str

    def __repr__(self) -> str:
        return f"Credentials({self.device_id!r}, secret='***')"


class CredentialFile:
    """The device's id and secret in one JSON file of mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Credentials | None:
        try:
            body = json.loads(self.path.read_text())
            return Credentials(str(body["device_id"]), str(body["secret"]))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            log.warning("credential file %s is unreadable: registering again", self.path)
            return None

    def save(self, credentials: Credentials) -> None:
        body = {"device_id": credentials.device_id, "secret": credentials.secret}
        write_atomic(self.path, json.dumps(body).encode())

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def backoff(
    initial: float = 1.0, factor: float = 2.0, cap: float = 60.0,
    jitter: Callable[[], float] = random.random,
) -> Iterator[float]:  # fmt: skip
    """Reconnect delays: exponential, capped, with full jitter (each delay drawn from
    [0, min(cap, initial * factor**n)], so a fleet that lost its relay does not return
    in lockstep; "Exponential Backoff And Jitter", AWS Architecture Blog, 2015)."""
    ceiling = initial
    while True:
        yield jitter() * ceiling
        ceiling = min(cap, ceiling * factor)


class RelayLink:
    """Keeps the device connected to its relay; `run` until cancelled or stopped."""

    def __init__(
        self,
        relay_url: str,
        credentials: CredentialFile,
        http: httpx.AsyncClient,
        clock: Clock,
        handler: Handler,
        *,
        delays: Backoff = backoff,
        on_welcome: Callable[[wire.Welcome], Awaitable[None]] | None = None,
        on_close: Callable[[], None] | None = None,
        crew: bool = False,
    ) -> None:
        self.relay_url = relay_url.rstrip("/")
        self.credentials = credentials
        self.http = http
        self.clock = clock
        self.handler = handler
        self.delays = delays
        self.on_welcome = on_welcome
        self.on_close = on_close
        self.crew = crew  # says `"crew": true` in the hello: the relay sends crew messages
        self._ws: ClientConnection | None = None

    @property
    def connected(self) -> bool:
        """Welcomed by the relay and not yet disconnected."""
        return self._ws is not None

    @property
    def ws_url(self) -> str:
        return "ws" + self.relay_url.removeprefix("http") + "/v1/link"

    async def identity(self) -> Credentials:
        """The stored credentials, registering first if there are none."""
        found = self.credentials.load()
        if found is not None:
            return found
        answer = await self.http.post(f"{self.relay_url}/v1/devices")
        answer.raise_for_status()
        body = answer.json()
        found = Credentials(body["device_id"], body["secret"])
        self.credentials.save(found)
        log.info("registered with the relay as %s", found.device_id)
        return found

    async def send(self, message: wire.Message) -> bool:
        """Send if connected; False otherwise (the caller retries after the next welcome)."""
        ws = self._ws
        if ws is None:
            return False
        with contextlib.suppress(ConnectionClosed):
            await ws.send(message.to_json())
            return True
        return False

    async def run(self) -> None:
        """Connect, serve, reconnect with backoff; returns never (raises LinkStoppedError)."""
        delays = self.delays()
        while True:
            try:
                if await self._session():
                    delays = self.delays()  # it worked: start the backoff over
            except (OSError, InvalidHandshake, TimeoutError, httpx.HTTPError) as exc:
                log.info("relay unreachable (%s)", type(exc).__name__)
            await self.clock.sleep(next(delays))

    async def _session(self) -> bool:
        """One connection; True if it got as far as a welcome."""
        me = await self.identity()
        async with connect(self.ws_url, compression=None, ping_interval=None,
                           max_size=1 << 20, open_timeout=10) as ws:  # fmt: skip
            await ws.send(wire.Hello(v=wire.PROTOCOL_VERSION, device_id=me.device_id,
                                     secret=me.secret, client=CLIENT,
                                     crew=self.crew or None).to_json())  # fmt: skip
            try:
                welcome = await self._welcome(ws)
                if welcome is None:
                    return False
                self._ws = ws
                if self.on_welcome is not None:
                    await self.on_welcome(welcome)
                await self._serve(ws, welcome.ping_timeout)
            except ConnectionClosed:
                pass
            finally:
                self._ws = None
                if self.on_close is not None:
                    self.on_close()
            self._closed(ws.close_code)
            return True

    async def _welcome(self, ws: ClientConnection) -> wire.Welcome | None:
        try:
            with anyio.fail_after(30):
                message = wire.parse_relay_message(await ws.recv())
        except ConnectionClosed:
            self._closed(ws.close_code)
            return None
        if not isinstance(message, wire.Welcome):
            raise OSError("the relay did not welcome us")
        log.info("linked to the relay as %s", message.device_id)
        return message

    async def _serve(self, ws: ClientConnection, ping_timeout: float) -> None:
        while True:
            with anyio.fail_after(ping_timeout):  # a silent relay is a gone relay
                frame = await ws.recv()
            try:
                message = wire.parse_relay_message(frame)
            except wire.ProtocolError as exc:
                log.warning("ignored a relay frame: %s", exc.code.value)
                continue
            if isinstance(message, wire.Ping):
                await ws.send(wire.Pong(t=message.t).to_json())
            elif isinstance(message, wire.ErrorMessage):
                log.warning("relay refused a frame: %s", message.code.value)
            else:
                await self.handler(message)

    def _closed(self, code: int | None) -> None:
        if code == wire.CloseCode.UNAUTHORIZED:
            log.warning("the relay does not know this device: registering again")
            self.credentials.clear()
        elif code in (wire.CloseCode.UNSUPPORTED_VERSION, wire.CloseCode.REPLACED):
            raise LinkStoppedError(code)
        elif code is not None:
            log.info("relay closed the link (%d)", code)
