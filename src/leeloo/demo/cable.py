"""A device's network cable to the relay: a loopback TCP pass-through the demo can cut.

Each device's `relay_url` points at its own `Cable`, which copies bytes both ways to the
relay (HTTP and the WebSocket alike, it does not look at them). `cut()` closes every
connection through it at once and, until `restore()`, closes each new one as soon as it
is accepted: to the device that is a lost network (its link drops, its reconnects fail
and back off); to the relay the device has gone away (presence: last seen). Nothing on
the device or the relay is told it is a demo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


class Cable:
    """`start()` listens on 127.0.0.1 (a free port) and forwards to `target_port`."""

    def __init__(self, name: str, target_port: int, host: str = "127.0.0.1") -> None:
        self.name = name
        self.host = host
        self.target_port = target_port
        self.connected = True
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def cut(self) -> None:
        """Drop every connection through the cable and refuse new ones."""
        self.connected = False
        for writer in list(self._writers):
            writer.close()
        log.debug("cable of %s cut", self.name)

    def restore(self) -> None:
        self.connected = True
        log.debug("cable of %s restored", self.name)

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.connected:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        try:
            await asyncio.gather(_copy(reader, up_writer), _copy(up_reader, writer))
        finally:
            self._writers -= {writer, up_writer}
            for end in (writer, up_writer):
                end.close()
                with contextlib.suppress(OSError):
                    await end.wait_closed()


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until either side ends; then close the writer so the other copy ends too."""
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    writer.close()
