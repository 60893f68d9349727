"""Spotify's media services that need no user token, plus the weather services.

| real host              | path                                        | fault service |
|------------------------|---------------------------------------------|---------------|
| open.spotify.com       | GET /oembed?url=...                         | oembed        |
| spotify.link           | GET /sl/{code} (302 to open.spotify.com)    | oembed        |
| scannables.scdn.co     | GET /uri/plain/{fmt}/{bg}/{bar}/{width}/{uri} | scannables  |
| i.scdn.co              | GET /image/{40 hex}                         | images        |
| api.open-meteo.com     | GET /v1/forecast (module `weather`)         | weather       |
| geocoding-api...       | GET /geocoding/v1/search (module `geocoding`) | weather     |

Every route first applies the injected fault for its service (`errors.fault_response`).
Answers are deterministic: the same request gets the same bytes.

oEmbed takes `https://open.spotify.com/{kind}/{id}` (optionally with `?si=...` or an
`/intl-xx/` segment), `spotify:{kind}:{id}` and `https://spotify.link/{code}`; anything
else, or an id the catalogue does not know, is a 404 "Not Found" as Spotify answers.
Its `thumbnail_url` points at this emulator's image route, since clients fetch it.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.emulator import errors, geocoding, pictures, weather
from leeloo.emulator.catalogue import (
    IMAGE_PREFIXES,
    KINDS,
    SHOW_IMAGE_PREFIXES,
    Album,
    Artist,
    Catalogue,
    Episode,
    Playlist,
    Show,
    Track,
    image_hash,
    is_spotify_id,
)
from leeloo.emulator.world import World

log = logging.getLogger(__name__)

_INTL = re.compile(r"intl-[A-Za-z]{2}(?:[-_][A-Za-z]{2})?")
_HEX_COLOUR = re.compile(r"[0-9A-Fa-f]{6}")
_IMAGE_ID = re.compile(r"[0-9a-f]{40}")
_IMAGE_SIZES = {prefix: size for table in (IMAGE_PREFIXES, SHOW_IMAGE_PREFIXES)
                for size, prefix in table.items()}  # fmt: skip
BAR_COLOURS = {"white": (255, 255, 255), "black": (0, 0, 0)}
SCAN_CODE_PATH = "/uri/plain/{fmt}/{bg}/{bar}/{size}/{uri}"
SCAN_WIDTH_MIN, SCAN_WIDTH_MAX = 50, 2000
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
CACHE_FOREVER = {"Cache-Control": "public, max-age=31536000"}
EMBED_ALLOW = "autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture"
# Spotify's embed player is compact for single items and taller for lists.
EMBED_HEIGHTS = {"track": 152, "episode": 152, "show": 152,
                 "album": 352, "playlist": 352, "artist": 352}  # fmt: skip


@dataclass(frozen=True)
class Link:
    """A Spotify item reference parsed from a share link or URI."""

    kind: str
    id: str


def parse_link(url: str, short_links: dict[str, str]) -> Link | None:
    """The item a share link names, or None if `url` is not a Spotify link of a known shape.

    Short links resolve through `short_links` (code -> "kind:id"); an unknown code is None.
    The id's shape is checked here, its existence is not.
    """
    url = url.strip()
    if url.startswith("spotify:"):
        parts = url.split(":")
        return _link(parts[1], parts[2]) if len(parts) == 3 else None
    try:
        split = urlsplit(url)
    except ValueError:
        return None
    if split.scheme not in ("http", "https"):
        return None
    segments = [s for s in split.path.split("/") if s]
    if split.hostname == "spotify.link" and len(segments) == 1:
        target = short_links.get(segments[0], "")
        kind, _, item_id = target.partition(":")
        return _link(kind, item_id)
    if split.hostname != "open.spotify.com":
        return None
    if segments and _INTL.fullmatch(segments[0]):
        segments = segments[1:]
    return _link(*segments) if len(segments) == 2 else None


def _link(kind: str, item_id: str) -> Link | None:
    return Link(kind, item_id) if kind in KINDS and is_spotify_id(item_id) else None


def describe(catalogue: Catalogue, link: Link) -> tuple[str, str] | None:
    """(title, 640 px image id) of the linked item, or None if the catalogue lacks it."""
    album_640, show_640 = IMAGE_PREFIXES[640], SHOW_IMAGE_PREFIXES[640]
    match catalogue.find(link.kind, link.id):
        case Track(name=name, album_id=album_id):
            return name, album_640 + catalogue.albums[album_id].image
        case Album(name=name, image=image) | Playlist(name=name, image=image):
            return name, album_640 + image
        case Artist(id=artist_id, name=name):
            return name, album_640 + image_hash(artist_id)
        case Show(name=name, image=image):
            return name, show_640 + image
        case Episode(name=name, show_id=show_id):
            return name, show_640 + catalogue.shows[show_id].image
        case _:
            return None


def oembed_document(link: Link, title: str, thumbnail_url: str) -> dict[str, object]:
    """The oEmbed answer for an item, in open.spotify.com's shape."""
    iframe_url = f"https://open.spotify.com/embed/{link.kind}/{link.id}?utm_source=oembed"
    height = EMBED_HEIGHTS[link.kind]
    iframe = (
        f'<iframe style="border-radius: 12px" width="100%" height="{height}" '
        f'title="Spotify Embed: {html.escape(title)}" frameborder="0" allowfullscreen '
        f'allow="{EMBED_ALLOW}" loading="lazy" src="{iframe_url}"></iframe>'
    )
    return {
        "html": iframe,
        "iframe_url": iframe_url,
        "width": 456,
        "height": height,
        "version": "1.0",
        "provider_name": "Spotify",
        "provider_url": "https://spotify.com",
        "type": "rich",
        "title": title,
        "thumbnail_url": thumbnail_url,
        "thumbnail_width": 640,
        "thumbnail_height": 640,
    }


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404)


def routes(world: World) -> list[BaseRoute]:
    """The media routes (and the weather and geocoding routes) bound to `world`."""
    return [
        Route("/oembed", partial(oembed, world), methods=["GET"]),
        Route("/sl/{code}", partial(short_link, world), methods=["GET"]),
        Route(SCAN_CODE_PATH, partial(scan_code, world), methods=["GET"]),
        Route("/image/{image_id}", partial(image, world), methods=["GET"]),
        *weather.routes(world),
        *geocoding.routes(world),
    ]


async def oembed(world: World, request: Request) -> Response:
    """open.spotify.com/oembed: 200 with the document, 400 without `url`, else 404."""
    if (fault := await errors.fault_response(world, "oembed")) is not None:
        return fault
    url = request.query_params.get("url")
    if not url:
        return PlainTextResponse("Missing required parameter: url", status_code=400)
    link = parse_link(url, world.catalogue.short_links)
    described = describe(world.catalogue, link) if link else None
    if link is None or described is None:
        log.info("oembed: no item for %r", url)
        return _not_found()
    title, image_id = described
    base = str(request.base_url).rstrip("/")
    return JSONResponse(oembed_document(link, title, f"{base}/image/{image_id}"))


async def short_link(world: World, request: Request) -> Response:
    """spotify.link/{code}: 302 to the open.spotify.com link (with an `si`), else 404."""
    if (fault := await errors.fault_response(world, "oembed")) is not None:
        return fault
    code = request.path_params["code"]
    target = world.catalogue.short_links.get(code)
    if target is None:
        return _not_found()
    kind, _, item_id = target.partition(":")
    si = hashlib.sha256(("si:" + code).encode()).hexdigest()[:16]
    return RedirectResponse(f"https://open.spotify.com/{kind}/{item_id}?si={si}", status_code=302)


async def scan_code(world: World, request: Request) -> Response:
    """scannables.scdn.co/uri/plain/...: see `scan_code_response`."""
    if (fault := await errors.fault_response(world, "scannables")) is not None:
        return fault
    return scan_code_response(**request.path_params)


async def image(world: World, request: Request) -> Response:
    """i.scdn.co/image/{id}: the generated JPEG at the id's size, else 404."""
    if (fault := await errors.fault_response(world, "images")) is not None:
        return fault
    image_id = request.path_params["image_id"]
    size = _IMAGE_SIZES.get(image_id[:16]) if _IMAGE_ID.fullmatch(image_id) else None
    if size is None:
        return _not_found()
    body = pictures.cover_jpeg(image_id[16:], size)
    return Response(body, media_type="image/jpeg", headers=CACHE_FOREVER)


def scan_code_response(fmt: str, bg: str, bar: str, size: str, uri: str) -> Response:
    """A scannables answer: the code picture, or 400 naming the first invalid part."""
    problem = _scan_code_problem(fmt, bg, bar, size, uri)
    if problem:
        return PlainTextResponse(problem, status_code=400)
    width, bar_colour = int(size), BAR_COLOURS[bar]
    if fmt == "svg":
        body: bytes = pictures.scan_code_svg(uri, bg, bar_colour, width).encode()
    else:
        background = (int(bg[0:2], 16), int(bg[2:4], 16), int(bg[4:6], 16))
        raster: pictures.ImageFormat = "png" if fmt == "png" else "jpeg"
        body = pictures.scan_code_raster(uri, background, bar_colour, width, raster)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=CACHE_FOREVER)


def _scan_code_problem(fmt: str, bg: str, bar: str, size: str, uri: str) -> str | None:
    if fmt not in MEDIA_TYPES:
        return f"Invalid format {fmt!r}: expected png, jpeg or svg"
    if not _HEX_COLOUR.fullmatch(bg):
        return f"Invalid background colour {bg!r}: expected 6 hex digits"
    if bar not in BAR_COLOURS:
        return f"Invalid bar colour {bar!r}: expected white or black"
    # (length first: int() refuses strings of more than 4300 digits with a ValueError)
    if not (len(size) <= 5 and size.isascii() and size.isdigit()) or not (
        SCAN_WIDTH_MIN <= int(size) <= SCAN_WIDTH_MAX
    ):
        return f"Invalid width {size!r}: expected {SCAN_WIDTH_MIN} to {SCAN_WIDTH_MAX}"
    parts = uri.split(":")
    if len(parts) != 3 or parts[0] != "spotify" or _link(parts[1], parts[2]) is None:
        return f"Invalid Spotify URI {uri!r}"
    return None
