"""Sending an item into a crew: the rules every door (socket, HTTP API, phone page) shares.

1. The item is well formed for its kind (core/items.py `check_send`).
2. The sender is within its send budget (`send_limit` per minute, a token bucket per
   device on this node): beyond it, 429 / `rate_limited` with the seconds to wait.
3. The sender is in a crew, and `crew_id`, if given, is that crew: a device sends only
   within its own crew, whatever ids it forges (403 / `not_in_crew`).
4. A song link is resolved through oEmbed; search words are sent to the SENDER's own
   device (`search.request`), which searches with its own Spotify token and answers
   `search.result` (the relay never holds a Spotify token); reactions and confirmations
   must name an item of the same crew.
5. The item goes to the courier (stored for every other member, then fanned out); a hang
   proposal or confirmation is stored for the whole crew, the sender included
   (core/items.py `recipients`), so the device that proposed or confirmed it shows it.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import anyio

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.core.items import KEEP, check_send, recipients
from leeloo.relay.courier import Courier
from leeloo.relay.crewconfig import CrewSettings
from leeloo.relay.crews import Crews
from leeloo.relay.errors import RelayError
from leeloo.relay.hub import Hub
from leeloo.relay.oembed import LinkRefusedError, OEmbed
from leeloo.relay.store import Store
from leeloo.relay.store.crewstore import NewItem

Code = wire.ErrorCode


class SendRefusedError(RelayError):
    """A send refused: `code` for the socket, `status` for HTTP, the message for people."""

    def __init__(self, code: wire.ErrorCode, status: int, message: str,
                 retry_after: int | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.retry_after = retry_after  # seconds, for a rate-limited send


class Sender:
    def __init__(self, store: Store, hub: Hub, clock: Clock, crews: Crews, courier: Courier,
                 oembed: OEmbed, settings: CrewSettings) -> None:  # fmt: skip
        self.store = store
        self.hub = hub
        self.clock = clock
        self.crews = crews
        self.courier = courier
        self.oembed = oembed
        self.settings = settings
        self._buckets: dict[str, tuple[float, float]] = {}  # device -> (tokens, at)
        self._searches: dict[str, tuple[str, asyncio.Future[wire.SearchResult]]] = {}

    def _spend(self, device_id: str) -> None:
        limit = float(self.settings.send_limit)
        now = self.clock.monotonic()
        tokens, at = self._buckets.get(device_id, (limit, now))
        tokens = min(limit, tokens + (now - at) * limit / 60.0)
        if tokens < 1.0:
            wait = int((1.0 - tokens) * 60.0 / limit) + 1
            raise SendRefusedError(Code.RATE_LIMITED, 429,
                                   f"too many items sent: wait {wait} s", wait)  # fmt: skip
        self._buckets[device_id] = (tokens - 1.0, now)

    async def send(self, device_id: str, send: wire.ItemSend) -> wire.ItemSent:
        """Store `send` from `device_id` for its crew; SendRefusedError says why not."""
        try:
            check_send(send)
        except wire.ProtocolError as exc:
            raise SendRefusedError(exc.code, 400, exc.detail) from None
        self._spend(device_id)
        crew_id = await self.crews.crew_of(device_id)
        if crew_id is None or (send.crew_id is not None and send.crew_id != crew_id):
            raise SendRefusedError(Code.NOT_IN_CREW, 403, "you can send only to your own crew")
        body = await self._body(device_id, crew_id, send)
        body["sender_name"] = await self.crews.name_of(device_id) or "a friend"
        now = self.clock.time()
        members = await self.crews.members_of(crew_id)
        item = NewItem("itm_" + secrets.token_urlsafe(12), crew_id, device_id, send.key,
                       send.kind.value, body, now, now + KEEP[send.kind].total_seconds(),
                       recipients(send.kind, device_id, members))  # fmt: skip
        appended = await self.courier.submit(item)
        return wire.ItemSent(key=send.key, item_id=appended.item_id)

    async def _body(self, device_id: str, crew_id: str, send: wire.ItemSend) -> dict[str, Any]:
        kind = send.kind
        if kind is wire.ItemKind.SONG:
            link = send.link if send.link is not None else await self._search(device_id, send)
            try:
                song = await self.oembed.resolve(link)
            except LinkRefusedError as exc:
                raise SendRefusedError(Code.REFUSED_LINK, 422, str(exc)) from None
            body = {"uri": song.uri, "title": song.title, "art_url": song.art_url}
            return body | ({"note": send.note} if send.note else {})
        if kind is wire.ItemKind.TEXT:
            return {"text": send.text}
        if kind is wire.ItemKind.NUDGE:
            return {}
        if kind is wire.ItemKind.HANG_PROPOSE:
            return {"what": send.what, "at": send.at}
        target = await self.store.get_item(send.target or "")
        if target is None or target.crew_id != crew_id:
            raise SendRefusedError(Code.BAD_VALUE, 404, "no such item in your crew")
        if kind is wire.ItemKind.REACTION:
            return {"target": target.item_id, "reaction": send.reaction}
        if target.kind != wire.ItemKind.HANG_PROPOSE.value:
            raise SendRefusedError(Code.BAD_VALUE, 400, "only a hang proposal can be confirmed")
        return {"target": target.item_id, "what": target.body["what"], "at": target.body["at"]}

    async def _search(self, device_id: str, send: wire.ItemSend) -> str:
        request_id = "srch_" + secrets.token_urlsafe(9)
        future: asyncio.Future[wire.SearchResult] = asyncio.get_running_loop().create_future()
        self._searches[request_id] = (device_id, future)
        try:
            question = wire.SearchRequest(request_id, send.words or "")
            asked = await self.hub.send_to(device_id, question)
            if not asked:
                raise SendRefusedError(Code.SENDER_OFFLINE, 409, "your LEELOO is offline: "
                                       "searching needs it (it holds your Spotify login); "
                                       "send a link instead")  # fmt: skip
            with anyio.fail_after(self.settings.search_timeout):
                result = await future
        except TimeoutError:
            raise SendRefusedError(Code.SENDER_OFFLINE, 504, "your LEELOO did not answer "
                                   "the search in time: send a link instead") from None  # fmt: skip
        finally:
            self._searches.pop(request_id, None)
        if result.uri is None:
            raise SendRefusedError(Code.REFUSED_LINK, 422, result.error or "nothing found")
        return result.uri

    def search_result(self, device_id: str, result: wire.SearchResult) -> bool:
        """A device's answer; False if it matches no search this device was asked."""
        found = self._searches.get(result.request_id)
        if found is None or found[0] != device_id or found[1].done():
            return False
        found[1].set_result(result)
        return True
