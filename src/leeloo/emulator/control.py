"""The control API: script the emulated world over HTTP, under `/_emulator`.

Real Spotify has no such API; tests and the demo use it to set the stage. Every request
and answer is JSON; a malformed body gets 400 with `{"error": "..."}`, an unknown user or
app 404, a refused change (full allowlist, advancing a real clock) 409. See
docs/emulator.md for the table of endpoints.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.emulator.player import AD_DURATION_MS, PlayerView, QueueItem
from leeloo.emulator.world import SERVICES, App, Fault, FaultKind, User, World, WorldError
from leeloo.testing import FakeClock

PREFIX = "/_emulator"
Handler = Callable[[Request, dict[str, Any]], Awaitable[Response]]


class BadRequestError(Exception):
    """A control request whose body or parameters are wrong (answered with 400)."""


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequestError(f"body is not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise BadRequestError("body must be a JSON object")
    return body


def _get(body: dict[str, Any], key: str, kind: type, default: Any = ...) -> Any:
    if key not in body:
        if default is ...:
            raise BadRequestError(f"missing field {key!r}")
        return default
    value = body[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadRequestError(f"field {key!r} must be {kind.__name__}")
    return value


def _wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request, await _body(request))
        except BadRequestError as exc:
            return _error(400, str(exc))
        except WorldError as exc:
            status = 404 if str(exc).startswith("unknown") else 409
            return _error(status, str(exc))

    return endpoint


def view_json(view: PlayerView | None, world: World) -> dict[str, Any]:
    if view is None:
        return {"active": False}
    item = view.item
    found = world.catalogue.find(item.kind, item.id) if item.kind != "ad" else None
    return {
        "active": True,
        "kind": item.kind,
        "id": item.id,
        "name": getattr(found, "name", "Advertisement"),
        "progress_ms": view.progress_ms,
        "duration_ms": item.duration_ms,
        "is_playing": view.is_playing,
        "private_session": view.private_session,
    }


def _queue_item(world: World, ref: str) -> QueueItem:
    if ref == "ad":
        return QueueItem("ad", "ad", AD_DURATION_MS)
    parts = ref.split(":")
    if len(parts) == 3 and parts[0] == "spotify" and parts[1] in ("track", "episode"):
        kind, item_id = parts[1], parts[2]
        item = world.catalogue.tracks.get(item_id) or world.catalogue.episodes.get(item_id)
        if item is not None:
            return QueueItem(kind, item_id, item.duration_ms)  # type: ignore[arg-type]
    raise BadRequestError(f"not a catalogue track or episode URI (or 'ad'): {ref!r}")


def routes(world: World) -> list[BaseRoute]:
    """The control endpoints, bound to `world`."""

    async def state(request: Request, body: dict[str, Any]) -> Response:
        now = world.now()
        return JSONResponse(
            {
                "now": now,
                "fake_clock": isinstance(world.clock, FakeClock),
                "users": [
                    {
                        "id": u.id,
                        "display_name": u.display_name,
                        "product": u.product,
                        "player": view_json(world.players[u.id].view(now), world),
                    }
                    for u in world.users.values()
                ],
                "apps": [_app_json(app) for app in world.apps.values()],
                "faults": [asdict(f) for f in world.faults],
                "request_counts": world.request_counts,
            }
        )

    async def add_user(request: Request, body: dict[str, Any]) -> Response:
        user_id = _get(body, "id", str)
        product = _get(body, "product", str, "premium")
        if product not in ("premium", "free"):
            raise BadRequestError("product must be 'premium' or 'free'")
        user = world.add_user(
            User(user_id, _get(body, "display_name", str, user_id),
                 _get(body, "password", str, f"{user_id}-pass"), product)
        )  # fmt: skip
        return JSONResponse({"id": user.id, "product": user.product}, status_code=201)

    async def update_user(request: Request, body: dict[str, Any]) -> Response:
        user = world.user(request.path_params["user"])
        product = _get(body, "product", str, user.product)
        if product not in ("premium", "free"):
            raise BadRequestError("product must be 'premium' or 'free'")
        user.product = product
        return JSONResponse({"id": user.id, "product": user.product})

    async def add_app(request: Request, body: dict[str, Any]) -> Response:
        app = world.add_app(
            App(
                client_id=_get(body, "client_id", str),
                name=_get(body, "name", str, "App"),
                owner_id=_get(body, "owner", str),
                redirect_uris=set(_get(body, "redirect_uris", list, [])),
                allowlist=list(_get(body, "allowlist", list, [])),
            )
        )
        _configure_app(app, body)
        return JSONResponse(_app_json(app), status_code=201)

    async def update_app(request: Request, body: dict[str, Any]) -> Response:
        app = world.app(request.path_params["client_id"])
        _configure_app(app, body)
        return JSONResponse(_app_json(app))

    async def allow(request: Request, body: dict[str, Any]) -> Response:
        client_id = request.path_params["client_id"]
        world.allow(client_id, _get(body, "user", str))
        return JSONResponse(_app_json(world.app(client_id)))

    async def disallow(request: Request, body: dict[str, Any]) -> Response:
        app = world.app(request.path_params["client_id"])
        user = request.path_params["user"]
        if user in app.allowlist:
            app.allowlist.remove(user)
        return JSONResponse(_app_json(app))

    async def player_action(request: Request, body: dict[str, Any]) -> Response:
        user, action = request.path_params["user"], request.path_params["action"]
        player, now = world.player(user), world.now()
        if action == "play":
            refs = _get(body, "items", list, None)
            if refs is not None:
                queue = [_queue_item(world, str(ref)) for ref in refs]
                player.load(now, queue, position_ms=_get(body, "position_ms", int, 0))
            else:
                player.resume(now)
        elif action in _SIMPLE_ACTIONS:
            getattr(player, _SIMPLE_ACTIONS[action])(now)
        elif action == "seek":
            player.seek(now, _get(body, "position_ms", int))
        elif action == "private":
            player.set_private(now, _get(body, "on", bool, True))
        else:
            return _error(404, f"unknown player action {action!r}")
        return JSONResponse(view_json(player.view(now), world))

    async def add_fault(request: Request, body: dict[str, Any]) -> Response:
        service, kind = _get(body, "service", str), _get(body, "kind", str)
        if service not in SERVICES:
            raise BadRequestError(f"service must be one of {', '.join(SERVICES)}")
        if kind not in get_args(FaultKind):
            raise BadRequestError(f"kind must be one of {', '.join(get_args(FaultKind))}")
        probability = _get(body, "probability", float, 1.0)
        if not 0.0 < probability <= 1.0:
            raise BadRequestError("probability must be in (0, 1]")
        fault = Fault(
            service, kind, status=_get(body, "status", int, 503),
            delay_s=_get(body, "delay_s", float, 0.0), remaining=_get(body, "remaining", int, None),
            probability=probability,
        )  # fmt: skip
        world.faults.append(fault)
        return JSONResponse(asdict(fault), status_code=201)

    async def clear_faults(request: Request, body: dict[str, Any]) -> Response:
        service = request.query_params.get("service")
        before = len(world.faults)
        world.faults[:] = [f for f in world.faults if service not in (None, f.service)]
        return JSONResponse({"cleared": before - len(world.faults)})

    async def mint(request: Request, body: dict[str, Any]) -> Response:
        scopes = _get(body, "scopes", list, None)
        tokens = world.mint(
            _get(body, "user", str), _get(body, "client_id", str),
            frozenset(str(s) for s in scopes) if scopes is not None else None,
        )  # fmt: skip
        return JSONResponse(tokens, status_code=201)

    async def revoke(request: Request, body: dict[str, Any]) -> Response:
        if "token" in body:
            return JSONResponse({"revoked": world.revoke_token(_get(body, "token", str))})
        user = _get(body, "user", str)
        world.user(user)
        return JSONResponse({"revoked": world.revoke(user, _get(body, "client_id", str, None))})

    async def advance(request: Request, body: dict[str, Any]) -> Response:
        seconds = _get(body, "seconds", float)
        if seconds < 0:
            raise BadRequestError("seconds must not be negative")
        if not isinstance(world.clock, FakeClock):
            return _error(409, "the emulator runs on the real clock; start it with --fake-clock")
        await world.clock.advance(seconds)
        return JSONResponse({"now": world.now()})

    table: list[tuple[str, str, Handler]] = [
        ("GET", "/state", state),
        ("POST", "/users", add_user),
        ("PATCH", "/users/{user}", update_user),
        ("POST", "/apps", add_app),
        ("PATCH", "/apps/{client_id}", update_app),
        ("POST", "/apps/{client_id}/allowlist", allow),
        ("DELETE", "/apps/{client_id}/allowlist/{user}", disallow),
        ("POST", "/players/{user}/{action}", player_action),
        ("POST", "/faults", add_fault),
        ("DELETE", "/faults", clear_faults),
        ("POST", "/tokens", mint),
        ("POST", "/revoke", revoke),
        ("POST", "/clock/advance", advance),
    ]
    return [Route(PREFIX + path, _wrap(fn), methods=[method]) for method, path, fn in table]


_SIMPLE_ACTIONS = {"pause": "pause", "resume": "resume", "skip": "skip", "stop": "stop"}


def _configure_app(app: App, body: dict[str, Any]) -> None:
    app.rate_limit = _get(body, "rate_limit", int, app.rate_limit)
    if app.rate_limit < 0:
        raise BadRequestError("rate_limit must not be negative")
    style = _get(body, "rate_limit_style", str, app.rate_limit_style)
    if style not in ("plain", "quota"):
        raise BadRequestError("rate_limit_style must be 'plain' or 'quota'")
    app.rate_limit_style = style
    app.quota_retry_after_s = _get(body, "quota_retry_after_s", int, app.quota_retry_after_s)
    app.omit_refresh_token = _get(body, "omit_refresh_token", bool, app.omit_refresh_token)
    for uri in _get(body, "add_redirect_uris", list, []):
        app.redirect_uris.add(str(uri))


def _app_json(app: App) -> dict[str, Any]:
    return {
        "client_id": app.client_id,
        "name": app.name,
        "owner": app.owner_id,
        "redirect_uris": sorted(app.redirect_uris),
        "allowlist": list(app.allowlist),
        "rate_limit": app.rate_limit,
        "rate_limit_style": app.rate_limit_style,
        "omit_refresh_token": app.omit_refresh_token,
    }
