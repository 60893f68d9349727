"""The relay as one ASGI app (Starlette): the composition root.

    POST /v1/devices         register a device (registration.py)
    WS   /v1/link            the device link (link.py, docs/protocol.md)
    /p/..., /spotify/callback   phone pages and the OAuth callback (phone.py)
    GET  /healthz            200 {"status": "ok", ...} or 503 when the store does not answer
    GET  /metrics            Prometheus text (metrics.py)

The lifespan opens the store (running its migrations), starts the one keepalive sweeper
and a purge of old sessions and counters, and on shutdown closes every link with 1001.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from leeloo import __version__
from leeloo.clock import Clock, SystemClock
from leeloo.relay import phone, registration
from leeloo.relay.config import RelaySettings
from leeloo.relay.errors import StoreError
from leeloo.relay.hub import Hub
from leeloo.relay.link import DeviceLink
from leeloo.relay.metrics import CONTENT_TYPE, Metrics
from leeloo.relay.pairing import PairingDesk
from leeloo.relay.store import Store

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0
KEEP_SESSIONS_S = 86400.0


@dataclass
class Relay:
    """The parts of a running relay (tests reach in through `app.state.relay`)."""

    settings: RelaySettings
    store: Store
    clock: Clock
    metrics: Metrics
    hub: Hub
    desk: PairingDesk

    async def health(self, request: Request) -> Response:
        try:
            await self.store.ping()
            store, status, code = "ok", "ok", 200
        except StoreError:
            store, status, code = "unreachable", "degraded", 503
        body = {"status": status, "store": store, "connections": len(self.hub),
                "version": __version__}  # fmt: skip
        return JSONResponse(body, status_code=code, headers={"Cache-Control": "no-store"})

    async def metrics_page(self, request: Request) -> Response:
        return PlainTextResponse(self.metrics.render(), media_type=CONTENT_TYPE)

    async def purge(self) -> None:
        while True:
            now = self.clock.time()
            try:
                await self.store.purge(now - KEEP_SESSIONS_S, int(now - KEEP_SESSIONS_S))
            except StoreError as exc:
                log.warning("purge failed: %s", exc)
            await self.clock.sleep(PURGE_EVERY_S)


def build_relay(settings: RelaySettings, store: Store, clock: Clock | None = None) -> Relay:
    clock = clock or SystemClock()
    metrics = Metrics()
    hub = Hub(clock, metrics, ping_interval=settings.ping_interval,
              ping_timeout=settings.ping_timeout, hello_timeout=settings.hello_timeout)  # fmt: skip
    metrics.connections = lambda: len(hub)
    desk = PairingDesk(settings, store, hub, clock, metrics)
    return Relay(settings, store, clock, metrics, hub, desk)


def create_app(relay: Relay) -> Starlette:
    """The ASGI app for `relay`; its lifespan owns the store and the background timers."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await relay.store.open()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(relay.hub.run_sweeper, relay.settings.sweep_interval)
            tasks.start_soon(relay.purge)
            try:
                yield
            finally:
                await relay.hub.close_all()
                tasks.cancel_scope.cancel()
        await relay.store.close()

    settings = relay.settings
    link = DeviceLink(relay.hub, relay.store, relay.desk, relay.metrics,
                      max_frame=settings.max_frame, max_errors=settings.max_errors)  # fmt: skip
    registrar = registration.Registrar(
        relay.store, relay.clock, relay.metrics, limit=relay.settings.register_limit
    )
    routes = [
        Route("/healthz", relay.health, methods=["GET"]),
        Route("/metrics", relay.metrics_page, methods=["GET"]),
        WebSocketRoute("/v1/link", link),
        *registration.routes(registrar),
        *phone.routes(relay.desk),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.relay = relay
    return app
