"""The emulated Spotify Web API (api.spotify.com), under `/v1`.

| endpoint                              | scope needed (any of)                         |
|---------------------------------------|-----------------------------------------------|
| GET /v1/me                            | none (private fields need their own scopes)   |
| GET /v1/me/player                     | user-read-playback-state                      |
| GET /v1/me/player/currently-playing   | user-read-currently-playing, ...-playback-state |
| GET /v1/tracks/{id}, /v1/episodes/{id}| none                                          |
| GET /v1/search                        | none                                          |

Every request passes the same gate, in this order (the first refusal answers):

1. an injected fault for the `api` service (an `empty_204` fault only on the player
   endpoints; elsewhere the request is answered normally);
2. the bearer token: missing → 401 `No token provided`; unknown or revoked → 401
   `Invalid access token`; expired → 401 `The access token expired` (with
   `WWW-Authenticate`, RFC 6750 §3); a non-Bearer scheme → 400;
3. development mode, per the token's app: the owner must be Premium, the user must be
   on the allowlist → 403 with Spotify's wording;
4. the app's rolling 30 s rate budget → 429 with `Retry-After`;
5. the endpoint's scopes → 401 `Permissions missing`.

The player endpoints answer 204 with no body when no device is active or the user is in
a private session (indistinguishable, as on Spotify). Malformed input gets a 400 in
Spotify's error shape, never a 500; unknown query parameters are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.emulator import errors
from leeloo.emulator import search as finder
from leeloo.emulator.catalogue import is_spotify_id
from leeloo.emulator.wire import Wire
from leeloo.emulator.world import App, User, World

log = logging.getLogger(__name__)

PLAYBACK_STATE = "user-read-playback-state"
CURRENTLY_PLAYING = "user-read-currently-playing"
SEARCH_LIMIT_MAX = 10  # development-mode apps, since 2026 (was 50)
SEARCH_LIMIT_DEFAULT = 5
SEARCH_OFFSET_MAX = 1000
NOT_PREMIUM = "Active premium subscription required for the owner of the app."
NOT_ALLOWLISTED = (
    "Check settings on developer.spotify.com/dashboard, the user may not be registered."
)


@dataclass(frozen=True)
class Caller:
    """Who a request speaks for: the token's user, app and granted scopes."""

    user: User
    app: App
    scopes: frozenset[str]


class BadInputError(Exception):
    """A query parameter or path value Spotify would refuse with 400 and this message."""


Handler = Callable[[Request, Caller], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def routes(world: World) -> list[BaseRoute]:
    """The Web API endpoints, bound to `world`."""
    api = WebApi(world)
    table: list[tuple[str, Handler, frozenset[str], bool]] = [
        ("/v1/me", api.me, frozenset(), False),
        ("/v1/me/", api.me, frozenset(), False),  # spotipy asks for `me/`
        ("/v1/me/player", api.player, frozenset({PLAYBACK_STATE}), True),
        (
            "/v1/me/player/currently-playing",
            api.currently_playing,
            frozenset({CURRENTLY_PLAYING, PLAYBACK_STATE}),
            True,
        ),
        ("/v1/tracks/{id}", api.track, frozenset(), False),
        ("/v1/episodes/{id}", api.episode, frozenset(), False),
        ("/v1/search", api.search, frozenset(), False),
    ]
    return [
        Route(path, api.gated(handler, scopes=scopes, player=player), methods=["GET"])
        for path, handler, scopes, player in table
    ]


class WebApi:
    """The gate and the endpoint handlers, over one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    # -- the gate ----------------------------------------------------------------------
    def gated(self, handler: Handler, *, scopes: frozenset[str], player: bool) -> Endpoint:
        """Wrap `handler` in the gate; `scopes`: any one of them is enough (empty: none)."""

        async def endpoint(request: Request) -> Response:
            admitted = await self.admit(request, scopes=scopes, player=player)
            if isinstance(admitted, Response):
                return admitted
            try:
                return await handler(request, admitted)
            except BadInputError as exc:
                return errors.api_error(400, str(exc))

        return endpoint

    async def admit(self, request: Request, *, scopes: frozenset[str],
                    player: bool) -> Caller | Response:  # fmt: skip
        """The caller, or the refusal to send instead (see the module docstring)."""
        fault = await errors.fault_response(self.world, "api", empty_204=player)
        if fault is not None:
            log.debug("fault on %s: %s", request.url.path, fault.status_code)
            return fault
        caller = self.authenticate(request.headers.get("authorization"))
        if isinstance(caller, Response):
            return caller
        refusal = self.development_mode(caller)
        if refusal is not None:
            return refusal
        wait = self.world.take_rate_slot(caller.app)
        if wait is not None:
            log.info("app %s over its rate budget; retry after %.0f s", caller.app.client_id, wait)
            return errors.rate_limited(wait, quota=caller.app.rate_limit_style == "quota")
        if scopes and not scopes & caller.scopes:
            challenge = f'Bearer realm="spotify", error="insufficient_scope", scope="{min(scopes)}"'
            return errors.api_error(
                401, "Permissions missing", headers={"WWW-Authenticate": challenge}
            )
        return caller

    def authenticate(self, header: str | None) -> Caller | Response:
        """The caller behind an `Authorization` header, or a 401/400 (never logs tokens)."""
        if header is None or not header.strip():
            return errors.unauthorized("No token provided")
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            return errors.api_error(400, "Only valid bearer authentication supported")
        token = token.strip()
        if not token:
            return errors.unauthorized("No token provided")
        record = self.world.access_tokens.get(token)
        grant = self.world.grants.get(record.grant_id) if record else None
        if record is None or grant is None:
            return errors.unauthorized("Invalid access token")
        if record.expires_at <= self.world.now():
            return errors.unauthorized("The access token expired")
        user, app = self.world.users.get(grant.user_id), self.world.apps.get(grant.client_id)
        if record.revoked or grant.revoked or user is None or app is None:
            return errors.unauthorized("Invalid access token")
        return Caller(user, app, grant.scopes)

    def development_mode(self, caller: Caller) -> Response | None:
        """A 403 when the app's owner is not Premium or the user is not allowlisted."""
        owner = self.world.users.get(caller.app.owner_id)
        if owner is None or owner.product != "premium":
            return errors.api_error(403, NOT_PREMIUM)
        if caller.user.id not in caller.app.allowlist:
            log.info("user %s is not on app %s's allowlist", caller.user.id, caller.app.client_id)
            return errors.api_error(403, NOT_ALLOWLISTED)
        return None

    # -- endpoints ---------------------------------------------------------------------
    def wire(self, request: Request) -> Wire:
        market = request.query_params.get("market") or None
        return Wire(self.world.catalogue, str(request.base_url), market=market)

    async def me(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(self.wire(request).user(caller.user, caller.scopes))

    async def player(self, request: Request, caller: Caller) -> Response:
        view = self.world.player(caller.user.id).view(self.world.now())
        if view is None or view.private_session:
            return Response(status_code=204)
        device = self.world.players[caller.user.id].device_name
        body = self.wire(request).playback_state(
            view, caller.user, device, additional_types(request)
        )
        return JSONResponse(body)

    async def currently_playing(self, request: Request, caller: Caller) -> Response:
        view = self.world.player(caller.user.id).view(self.world.now())
        if view is None or view.private_session:
            return Response(status_code=204)
        return JSONResponse(self.wire(request).currently_playing(view, additional_types(request)))

    async def track(self, request: Request, caller: Caller) -> Response:
        track = self.world.catalogue.tracks.get(catalogue_id(request))
        if track is None:
            return errors.api_error(404, "Resource not found")
        return JSONResponse(self.wire(request).track(track))

    async def episode(self, request: Request, caller: Caller) -> Response:
        episode = self.world.catalogue.episodes.get(catalogue_id(request))
        if episode is None:
            return errors.api_error(404, "Resource not found")
        return JSONResponse(self.wire(request).episode(episode))

    async def search(self, request: Request, caller: Caller) -> Response:
        params = request.query_params
        text = params.get("q", "").strip()
        if not text:
            raise BadInputError("No search query")
        if not params.get("type", "").strip():
            raise BadInputError("Missing parameter type")
        kinds = finder.parse_types(params["type"])
        if kinds is None:
            raise BadInputError("Bad search type field")
        limit = bounded_int(params.get("limit"), SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX, "limit")
        offset = bounded_int(params.get("offset"), 0, SEARCH_OFFSET_MAX, "offset")
        query, wire = finder.parse_query(text), self.wire(request)
        body: dict[str, object] = {}
        for kind in kinds:
            found = finder.search(self.world.catalogue, query, kind)
            items = [wire.search_item(item) for item in found[offset : offset + limit]]
            link = {"query": text, "type": kind}
            body[kind + "s"] = wire.paging(
                items, total=len(found), link=link, limit=limit, offset=offset
            )
        return JSONResponse(body)


def additional_types(request: Request) -> frozenset[str]:
    """The `additional_types` values (`track` is always implied; unknown ones ignored)."""
    raw = request.query_params.get("additional_types", "")
    return frozenset(part.strip().lower() for part in raw.split(",") if part.strip()) | {"track"}


def catalogue_id(request: Request) -> str:
    """The `{id}` path parameter, if it is a well-formed Spotify id (else 400)."""
    item_id = str(request.path_params["id"])
    if not is_spotify_id(item_id):
        raise BadInputError("invalid id")
    return item_id


def bounded_int(raw: str | None, default: int, maximum: int, name: str) -> int:
    """A query parameter as an int in 0..maximum (absent: `default`), else 400."""
    if raw is None or raw == "":
        return default
    text = raw.strip()
    # Length first: int() refuses very long digit strings (and they are out of range).
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or int(text) > maximum:
        raise BadInputError(f"Invalid {name}")
    return int(text)
