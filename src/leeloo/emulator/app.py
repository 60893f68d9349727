"""The emulator as one ASGI app: every service at Spotify's own paths on one base URL.

| real host                         | emulator path            | module   |
|-----------------------------------|--------------------------|----------|
| accounts.spotify.com              | /authorize, /api/token   | accounts |
| api.spotify.com                   | /v1/...                  | webapi   |
| open.spotify.com                  | /oembed                  | media    |
| spotify.link                      | /sl/{code}               | media    |
| scannables.scdn.co                | /uri/plain/...           | media    |
| i.scdn.co                         | /image/{id}              | media    |
| api.open-meteo.com                | /v1/forecast             | media    |
| geocoding-api.open-meteo.com      | /geocoding/v1/search     | media    |
| (none: scripting the world)       | /_emulator/...           | control  |

Use it in-process with `httpx.ASGITransport(app=create_app(world))`, or serve it with
`leeloo emulator`.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from leeloo.emulator import accounts, control, media, webapi
from leeloo.emulator.errors import api_error
from leeloo.emulator.world import World

log = logging.getLogger(__name__)


async def _server_error(request: Request, exc: Exception) -> Response:
    # Spotify answers a server fault with its JSON error shape; so do we, and we log it.
    log.exception("emulator bug on %s %s", request.method, request.url.path, exc_info=exc)
    return api_error(500, "Server error.")


def create_app(world: World) -> Starlette:
    routes = [
        *control.routes(world),
        *accounts.routes(world),
        *webapi.routes(world),
        *media.routes(world),
    ]
    app = Starlette(routes=routes, exception_handlers={500: _server_error})
    app.state.world = world
    return app
