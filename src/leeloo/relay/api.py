"""The HTTP API for sending and reading, authenticated by the device's own credentials.

    POST /v1/items        send one item to the caller's crew (body: the `item.send` fields)
    GET  /v1/items        the caller's stored items after `?after=<seq>` (its own inbox only)
    GET  /v1/crew         the caller's crew and members (presence included)
    GET  /openapi.json    this API, described in OpenAPI 3.1

Authentication: `Authorization: Bearer <device_id>:<secret>` (the credentials file the
device wrote at registration). A wrong secret is 401 whatever the id; a device reads only
its own inbox and sends only into its own crew (403 for any other `crew_id`). A rate-limited
send is 429 with `Retry-After` (seconds).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.relay.courier import delivery
from leeloo.relay.crews import Crews
from leeloo.relay.openapi import OPENAPI
from leeloo.relay.registration import secret_matches
from leeloo.relay.sending import Sender, SendRefusedError
from leeloo.relay.store import Store

MAX_BODY = 16 * 1024


def _error(status: int, code: str, message: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


class Api:
    def __init__(self, store: Store, clock: Clock, crews: Crews, sender: Sender) -> None:
        self.store = store
        self.clock = clock
        self.crews = crews
        self.sender = sender

    async def _caller(self, request: Request) -> str | Response:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        device_id, _, secret = value.partition(":")
        if scheme.lower() != "bearer" or not device_id or not secret:
            return _error(401, "unauthorized", "send Authorization: Bearer <device_id>:<secret>")
        if not secret_matches(await self.store.get_device(device_id[:200]), secret):
            return _error(401, "unauthorized", "unknown device or wrong secret")
        return device_id

    async def send(self, request: Request) -> Response:
        caller = await self._caller(request)
        if isinstance(caller, Response):
            return caller
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return _error(413, "too_large", "the body is too large")
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise wire.ProtocolError(wire.ErrorCode.NOT_AN_OBJECT, "send a JSON object")
            message = wire.parse_device_message(json.dumps({**body, "type": "item.send"}))
            assert isinstance(message, wire.ItemSend)
            sent = await self.sender.send(caller, message)
        except ValueError:
            return _error(400, "malformed_json", "the body is not JSON")
        except wire.ProtocolError as exc:
            return _error(400, exc.code.value, exc.detail)
        except SendRefusedError as exc:
            return _error(exc.status, exc.code.value, exc.message, exc.retry_after)
        return JSONResponse({"key": sent.key, "item_id": sent.item_id}, status_code=201)

    async def read(self, request: Request) -> Response:
        caller = await self._caller(request)
        if isinstance(caller, Response):
            return caller
        try:
            after = int(request.query_params.get("after", "0"))
        except ValueError:
            return _error(400, "bad_value", "after must be an integer")
        rows = await self.store.pending(caller, after, self.clock.time(), 200)
        items = [delivery(seq, item).to_dict() for seq, item in rows]
        return JSONResponse({"items": items})

    async def crew(self, request: Request) -> Response:
        caller = await self._caller(request)
        if isinstance(caller, Response):
            return caller
        crew, members = await self.crews.roster(caller)
        body: dict[str, Any] = {
            "crew_id": crew.crew_id if crew else None,
            "name": crew.name if crew else None,
            "members": [{"device_id": m.device_id, "name": m.name,
                         "online": self.crews.online(m.device_id),
                         "last_seen": m.last_seen} for m in members],
        }  # fmt: skip
        return JSONResponse(body)

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(OPENAPI)


def routes(api: Api) -> list[BaseRoute]:
    return [
        Route("/v1/items", api.send, methods=["POST"]),
        Route("/v1/items", api.read, methods=["GET"]),
        Route("/v1/crew", api.crew, methods=["GET"]),
        Route("/openapi.json", api.openapi, methods=["GET"]),
    ]
