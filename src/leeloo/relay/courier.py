"""Durable delivery: group commit, fan-out to the crew, replay after the last ack.

- `submit(item)` queues an item; the one `run` task commits everything queued in ONE store
  transaction (`Store.append`: the item once, one inbox row per recipient with its next
  seq), resolves each sender's future, and only then fans out. While a commit runs, new
  items queue for the next one, so batches grow with load and cost nothing when idle
  (performance.md "group commit").
- Acks are cumulative and coalesced per device: many acks between two commits cost one
  UPDATE each in the next transaction.
- Each connected device has a `Stream`: the highest seq sent on this connection. A live
  item goes out at once when it is the next seq; otherwise (or while replaying) the
  stream catches up from the store, in seq order, so every item arrives once and in
  order whatever interleaves. After the first catch-up the device gets `inbox.synced`.
- A live item is JSON-encoded once per fan-out (`encoded`); each recipient's frame only
  puts its own `seq` in front (`frame`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

import anyio
from anyio.abc import TaskGroup

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.relay.errors import StoreError
from leeloo.relay.hub import Connection, Hub
from leeloo.relay.metrics import Metrics
from leeloo.relay.store import Store
from leeloo.relay.store.crewstore import Appended, NewItem, StoredItem

log = logging.getLogger(__name__)
PAGE = 256


@dataclass
class Stream:
    conn: Connection
    sent: int
    catching_up: bool = True
    dirty: bool = False


def delivery(seq: int, item: StoredItem) -> wire.ItemDelivery:
    body = dict(item.body)
    name = str(body.pop("sender_name", ""))
    return wire.ItemDelivery(seq=seq, item_id=item.item_id, kind=wire.ItemKind(item.kind),
                             sender_id=item.sender_id, sender_name=name,
                             sent_at=int(item.created_at), **body)  # fmt: skip


def encoded(item: StoredItem) -> str:
    """The item's `item` frame encoded once for a whole fan-out: everything after `seq`.
    `frame(seq, encoded(item)) == delivery(seq, item).to_json()` (type first, then seq)."""
    body = delivery(0, item).to_dict()
    del body["type"], body["seq"]
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)[1:]


def frame(seq: int, tail: str) -> str:
    return f'{{"type":"{wire.ItemDelivery.TYPE}","seq":{seq},{tail}'


class Courier:
    def __init__(self, store: Store, hub: Hub, clock: Clock, metrics: Metrics) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        self.metrics = metrics
        self.streams: dict[str, Stream] = {}
        self._queue: list[tuple[NewItem, asyncio.Future[Appended]]] = []
        self._acks: dict[str, int] = {}
        self._wake = asyncio.Event()
        self._tasks: TaskGroup | None = None

    async def submit(self, item: NewItem) -> Appended:
        """Store `item` durably for its recipients (then fan it out); its `Appended`."""
        future: asyncio.Future[Appended] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        self._wake.set()
        return await future

    def ack(self, device_id: str, seq: int) -> None:
        stream = self.streams.get(device_id)
        seq = min(seq, stream.sent) if stream else seq
        if seq > self._acks.get(device_id, 0):
            self._acks[device_id] = seq
            self._wake.set()

    async def run(self) -> None:
        """Commit and fan out forever (cancel to stop)."""
        async with anyio.create_task_group() as tasks:
            self._tasks = tasks
            while True:
                await self._wake.wait()
                self._wake.clear()
                await self._commit()

    async def _commit(self) -> None:
        batch, self._queue = self._queue, []
        acks, self._acks = self._acks, {}
        try:
            if acks:
                await self.store.ack(acks)
            results = await self.store.append([item for item, _ in batch]) if batch else []
        except StoreError as exc:
            log.warning("group commit of %d items failed: %s", len(batch), exc)
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (item, future), appended in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(appended)
            if appended.fresh:
                await self._fan_out(item, appended)

    async def _fan_out(self, item: NewItem, appended: Appended) -> None:
        stored = StoredItem(item.item_id, item.crew_id, item.sender_id, item.kind, item.body,
                            item.created_at)  # fmt: skip
        tail = ""
        for recipient, seq in appended.deliveries:
            stream = self.streams.get(recipient)
            if stream is None or seq <= stream.sent:
                continue
            if not stream.catching_up and seq == stream.sent + 1:
                tail = tail or encoded(stored)
                if await self.hub.send_text(stream.conn, wire.ItemDelivery.TYPE,
                                            frame(seq, tail)):  # fmt: skip
                    stream.sent = seq
                continue
            stream.dirty = True
            if not stream.catching_up and self._tasks is not None:
                stream.catching_up = True
                self._tasks.start_soon(self._catch_up, recipient, stream)

    async def attach(self, conn: Connection, device_id: str) -> None:
        """Replay what the device has not acked, then `inbox.synced`; live items follow."""
        stream = Stream(conn, await self.store.acked(device_id))
        self.streams[device_id] = stream
        await self._catch_up(device_id, stream)
        await self.hub.send(conn, wire.InboxSynced(seq=stream.sent))

    def detach(self, conn: Connection, device_id: str) -> None:
        stream = self.streams.get(device_id)
        if stream is not None and stream.conn is conn:
            del self.streams[device_id]

    async def _catch_up(self, device_id: str, stream: Stream) -> None:
        try:
            while not stream.conn.closed:
                stream.dirty = False
                rows = await self.store.pending(device_id, stream.sent, self.clock.time(), PAGE)
                for seq, item in rows:
                    if not await self.hub.send(stream.conn, delivery(seq, item)):
                        return
                    stream.sent = seq
                if not rows and not stream.dirty:
                    return
        finally:
            stream.catching_up = False
