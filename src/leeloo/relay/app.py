"""The relay as one ASGI app (Starlette): the composition root.

    POST /v1/devices         register a device (registration.py)
    /v1/items, /v1/crew, /openapi.json   the sending API (api.py)
    /c/<token>, /crew...     the crew phone page (crewpages.py)
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
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute

from leeloo import __version__
from leeloo.clock import Clock, SystemClock
from leeloo.relay import api, crewpages, phone, registration
from leeloo.relay.api import Api
from leeloo.relay.config import RelaySettings
from leeloo.relay.courier import Courier
from leeloo.relay.crewconfig import CrewSettings
from leeloo.relay.crewlink import CrewLink
from leeloo.relay.crews import Crews
from leeloo.relay.errors import StoreError
from leeloo.relay.hub import Hub
from leeloo.relay.link import DeviceLink
from leeloo.relay.metrics import CONTENT_TYPE, Metrics
from leeloo.relay.oembed import OEmbed
from leeloo.relay.pairing import PairingDesk
from leeloo.relay.sending import Sender
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
    crew: CrewParts

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
                await self.store.purge_items(now)
            except StoreError as exc:
                log.warning("purge failed: %s", exc)
            await self.clock.sleep(PURGE_EVERY_S)


@dataclass
class CrewParts:
    """Crews, durable delivery, sending, the crew side of the link, the HTTP API."""

    settings: CrewSettings
    http: httpx.AsyncClient
    crews: Crews
    courier: Courier
    sender: Sender
    link: CrewLink
    api: Api


def build_crew(settings: RelaySettings, crew_settings: CrewSettings, store: Store, hub: Hub,
               clock: Clock, metrics: Metrics) -> CrewParts:  # fmt: skip
    http = httpx.AsyncClient(timeout=10.0, follow_redirects=False)
    crews = Crews(store, hub, clock, crew_settings)
    courier = Courier(store, hub, clock, metrics)
    oembed = OEmbed(http, crew_settings.oembed_url, crew_settings.short_link_url)
    sender = Sender(store, hub, clock, crews, courier, oembed, crew_settings)
    link = CrewLink(store, hub, clock, crews, courier, sender, crew_settings, settings.base_url)
    return CrewParts(crew_settings, http, crews, courier, sender, link,
                     Api(store, clock, crews, sender))  # fmt: skip


def build_relay(
    settings: RelaySettings, store: Store, clock: Clock | None = None,
    crew_settings: CrewSettings | None = None,
) -> Relay:  # fmt: skip
    clock = clock or SystemClock()
    metrics = Metrics()
    hub = Hub(clock, metrics, ping_interval=settings.ping_interval,
              ping_timeout=settings.ping_timeout, hello_timeout=settings.hello_timeout)  # fmt: skip
    metrics.connections = lambda: len(hub)
    desk = PairingDesk(settings, store, hub, clock, metrics)
    crew = build_crew(settings, crew_settings or CrewSettings(), store, hub, clock, metrics)
    return Relay(settings, store, clock, metrics, hub, desk, crew)


def create_app(relay: Relay) -> Starlette:
    """The ASGI app for `relay`; its lifespan owns the store and the background timers."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await relay.store.open()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(relay.hub.run_sweeper, relay.settings.sweep_interval)
            tasks.start_soon(relay.purge)
            tasks.start_soon(relay.crew.courier.run)
            tasks.start_soon(relay.crew.link.run)
            try:
                yield
            finally:
                await relay.hub.close_all()
                tasks.cancel_scope.cancel()
        await relay.crew.http.aclose()
        await relay.store.close()

    settings = relay.settings
    link = DeviceLink(relay.hub, relay.store, relay.desk, relay.metrics,
                      max_frame=settings.max_frame, max_errors=settings.max_errors,
                      crew=relay.crew.link)  # fmt: skip
    registrar = registration.Registrar(
        relay.store, relay.clock, relay.metrics, limit=relay.settings.register_limit
    )
    routes = [
        Route("/healthz", relay.health, methods=["GET"]),
        Route("/metrics", relay.metrics_page, methods=["GET"]),
        WebSocketRoute("/v1/link", link),
        *registration.routes(registrar),
        *phone.routes(relay.desk),
        *api.routes(relay.crew.api),
        *crewpages.routes(relay),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.relay = relay
    return app
