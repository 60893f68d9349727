"""oEmbed, spotify.link, scan codes and cover images, driven over HTTP in-process."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from urllib.parse import quote
from xml.etree import ElementTree

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from leeloo.emulator.catalogue import IMAGE_PREFIXES, KINDS, SHOW_IMAGE_PREFIXES, spotify_id
from leeloo.emulator.world import Fault, World

LINK_FORMS: dict[str, Callable[[str, str], str]] = {
    "plain": lambda kind, id_: f"https://open.spotify.com/{kind}/{id_}",
    "si": lambda kind, id_: f"https://open.spotify.com/{kind}/{id_}?si=4f0c2a9e1b7d4c3a",
    "intl": lambda kind, id_: f"https://open.spotify.com/intl-de/{kind}/{id_}",
    "intl_si": lambda kind, id_: f"https://open.spotify.com/intl-pt/{kind}/{id_}?si=abc",
    "uri": lambda kind, id_: f"spotify:{kind}:{id_}",
}
SVG = "{http://www.w3.org/2000/svg}"
BASE = "http://emulator.test"  # the `client` fixture's base URL (conftest.py)


def first_item(world: World, kind: str) -> tuple[str, str]:
    """(id, name) of the catalogue's first item of `kind`."""
    table: dict[str, dict[str, object]] = {
        "track": world.catalogue.tracks, "album": world.catalogue.albums,  # type: ignore[dict-item]
        "artist": world.catalogue.artists, "playlist": world.catalogue.playlists,  # type: ignore[dict-item]
        "show": world.catalogue.shows, "episode": world.catalogue.episodes,  # type: ignore[dict-item]
    }  # fmt: skip
    item = next(iter(table[kind].values()))
    return item.id, item.name  # type: ignore[attr-defined]


def track(world: World) -> tuple[str, str]:
    return first_item(world, "track")


def decode(body: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(body))
    picture.load()
    return picture


# -- oEmbed ------------------------------------------------------------------------------
@pytest.mark.parametrize("form", LINK_FORMS)
@pytest.mark.parametrize("kind", KINDS)
async def test_oembed_answers_every_link_form_and_kind(
    client: httpx.AsyncClient, world: World, kind: str, form: str
) -> None:
    item_id, name = first_item(world, kind)
    response = await client.get("/oembed", params={"url": LINK_FORMS[form](kind, item_id)})
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == name
    assert body["type"] == "rich"
    assert body["provider_name"] == "Spotify"
    assert (
        body["iframe_url"] == f"https://open.spotify.com/embed/{kind}/{item_id}?utm_source=oembed"
    )
    assert f'src="{body["iframe_url"]}"' in body["html"]
    assert (body["thumbnail_width"], body["thumbnail_height"]) == (640, 640)
    assert body["thumbnail_url"].startswith(f"{BASE}/image/")


async def test_oembed_track_has_spotify_shape(client: httpx.AsyncClient, world: World) -> None:
    item_id, name = track(world)
    body = (await client.get("/oembed", params={"url": f"spotify:track:{item_id}"})).json()
    iframe = f"https://open.spotify.com/embed/track/{item_id}?utm_source=oembed"
    assert body == {
        "html": f'<iframe style="border-radius: 12px" width="100%" height="152" '
        f'title="Spotify Embed: {name}" frameborder="0" allowfullscreen '
        'allow="autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture" '
        f'loading="lazy" src="{iframe}"></iframe>',
        "iframe_url": iframe,
        "width": 456,
        "height": 152,
        "version": "1.0",
        "provider_name": "Spotify",
        "provider_url": "https://spotify.com",
        "type": "rich",
        "title": name,
        "thumbnail_url": body["thumbnail_url"],
        "thumbnail_width": 640,
        "thumbnail_height": 640,
    }
    album = world.catalogue.albums[world.catalogue.tracks[item_id].album_id]
    assert body["thumbnail_url"] == f"{BASE}/image/{IMAGE_PREFIXES[640]}{album.image}"


async def test_oembed_episode_thumbnail_is_its_show_art(
    client: httpx.AsyncClient, world: World
) -> None:
    episode = next(iter(world.catalogue.episodes.values()))
    body = (await client.get("/oembed", params={"url": f"spotify:episode:{episode.id}"})).json()
    show = world.catalogue.shows[episode.show_id]
    assert body["thumbnail_url"] == f"{BASE}/image/{SHOW_IMAGE_PREFIXES[640]}{show.image}"


async def test_oembed_resolves_spotify_link_short_links(
    client: httpx.AsyncClient, world: World
) -> None:
    code, target = next(iter(world.catalogue.short_links.items()))
    response = await client.get("/oembed", params={"url": f"https://spotify.link/{code}"})
    assert response.status_code == 200
    assert response.json()["title"] == world.catalogue.tracks[target.split(":")[1]].name


async def test_oembed_thumbnail_is_a_fetchable_640_jpeg(
    client: httpx.AsyncClient, world: World
) -> None:
    item_id, _ = track(world)
    body = (await client.get("/oembed", params={"url": f"spotify:track:{item_id}"})).json()
    image = await client.get(body["thumbnail_url"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"
    picture = decode(image.content)
    assert (picture.format, picture.size) == ("JPEG", (640, 640))


async def test_oembed_escapes_the_title_inside_the_html(client: httpx.AsyncClient) -> None:
    # "Juno & the Static" is an artist name with an ampersand.
    artist_id = spotify_id("artist:Juno & the Static")
    body = (await client.get("/oembed", params={"url": f"spotify:artist:{artist_id}"})).json()
    assert body["title"] == "Juno & the Static"
    assert 'title="Spotify Embed: Juno &amp; the Static"' in body["html"]
    assert body["height"] == 352


@pytest.mark.parametrize(
    "url",
    [
        f"https://open.spotify.com/track/{spotify_id('no such track')}",
        f"spotify:album:{spotify_id('no such album')}",
        "https://example.com/track/4uLU6hMCjMI75M1A2tKUQC",
        "https://open.spotify.com.evil.test/track/4uLU6hMCjMI75M1A2tKUQC",
        "https://open.spotify.com/podcast/4uLU6hMCjMI75M1A2tKUQC",
        "https://open.spotify.com/track/tooShort",
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKU-C",
        "https://open.spotify.com/intl-de/extra/track/4uLU6hMCjMI75M1A2tKUQC",
        "ftp://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
        "spotify:track:4uLU6hMCjMI75M1A2tKUQC:extra",
        "spotify:track",
        "https://spotify.link/nonexistent",
        "http://[::1",
        "not a url at all",
    ],
)
async def test_oembed_refuses_unknown_and_foreign_links_with_404(
    client: httpx.AsyncClient, url: str
) -> None:
    response = await client.get("/oembed", params={"url": url})
    assert response.status_code == 404
    assert response.text == "Not Found"


@pytest.mark.parametrize("params", [{}, {"url": ""}])
async def test_oembed_without_url_is_400(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    assert (await client.get("/oembed", params=params)).status_code == 400


# -- spotify.link ------------------------------------------------------------------------
async def test_short_link_redirects_to_open_spotify(
    client: httpx.AsyncClient, world: World
) -> None:
    code, target = next(iter(world.catalogue.short_links.items()))
    response = await client.get(f"/sl/{code}")
    assert response.status_code == 302
    location = response.headers["location"]
    track_id = target.split(":")[1]
    assert re.fullmatch(
        rf"https://open\.spotify\.com/track/{track_id}\?si=[0-9a-f]{{16}}", location
    )
    again = await client.get("/oembed", params={"url": location})
    assert again.json()["title"] == world.catalogue.tracks[track_id].name


async def test_unknown_short_link_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/sl/nope")).status_code == 404


# -- cover images ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("size", "prefix"), [*IMAGE_PREFIXES.items(), *SHOW_IMAGE_PREFIXES.items()]
)
async def test_images_come_in_every_size(
    client: httpx.AsyncClient, world: World, size: int, prefix: str
) -> None:
    album = next(iter(world.catalogue.albums.values()))
    response = await client.get(f"/image/{prefix}{album.image}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    picture = decode(response.content)
    assert (picture.format, picture.size) == ("JPEG", (size, size))


async def test_images_are_deterministic_and_differ_between_albums(
    client: httpx.AsyncClient, world: World
) -> None:
    albums = list(world.catalogue.albums.values())
    urls = [f"/image/{IMAGE_PREFIXES[300]}{album.image}" for album in albums]
    first = [(await client.get(url)).content for url in urls]
    second = [(await client.get(url)).content for url in urls]
    assert first == second
    assert len(set(first)) == len(albums)
    # Not just different bytes: visibly different pictures (mean colour differs).
    means = {decode(body).resize((1, 1)).getpixel((0, 0)) for body in first}
    assert len(means) == len(albums)


@pytest.mark.parametrize(
    "image_id",
    [
        "ffffffffffffffff" + "0" * 24,  # unknown size prefix
        IMAGE_PREFIXES[640] + "0" * 23,  # too short
        IMAGE_PREFIXES[640] + "0" * 25,  # too long
        IMAGE_PREFIXES[640] + "g" * 24,  # not hex
        IMAGE_PREFIXES[640].upper() + "a" * 24,  # i.scdn.co ids are lower case
    ],
)
async def test_malformed_image_ids_are_404(client: httpx.AsyncClient, image_id: str) -> None:
    assert (await client.get(f"/image/{image_id}")).status_code == 404


# -- scan codes --------------------------------------------------------------------------
def code_path(uri: str, fmt: str = "png", bg: str = "000000", bar: str = "white",
              size: str = "640") -> str:  # fmt: skip
    return f"/uri/plain/{fmt}/{bg}/{bar}/{size}/{uri}"


@pytest.mark.parametrize(
    ("fmt", "size"), [("png", 640), ("jpeg", 640), ("png", 50), ("jpeg", 2000)]
)
async def test_raster_scan_codes_are_a_quarter_as_tall_as_wide(
    client: httpx.AsyncClient, world: World, fmt: str, size: int
) -> None:
    uri = f"spotify:track:{track(world)[0]}"
    response = await client.get(code_path(uri, fmt, size=str(size)))
    assert response.status_code == 200
    assert response.headers["content-type"] == f"image/{fmt}"
    picture = decode(response.content)
    assert (picture.format, picture.size) == (fmt.upper(), (size, size // 4))


async def test_scan_code_colours_follow_the_request(
    client: httpx.AsyncClient, world: World
) -> None:
    uri = f"spotify:track:{track(world)[0]}"
    body = (await client.get(code_path(uri, bg="1DB954", bar="black"))).content
    picture = decode(body).convert("RGB")
    assert picture.getpixel((2, 2)) == (0x1D, 0xB9, 0x54)  # background
    assert picture.getpixel((50 * 640 // 400, 25 * 640 // 400)) == (0, 0, 0)  # logo, top


async def test_svg_scan_code_has_23_bars_with_reference_bars(
    client: httpx.AsyncClient, world: World
) -> None:
    uri = f"spotify:track:{track(world)[0]}"
    response = await client.get(code_path(uri, "svg"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "640",
        "160",
        "0 0 400 100",
    )
    bars = [float(rect.get("height", "0")) for rect in root.iter(f"{SVG}rect")][1:]
    assert len(bars) == 23
    # As in real codes: both ends at the lowest level, the middle bar at the highest.
    assert bars[0] == bars[-1] == min(bars)
    assert bars[11] == max(bars)
    assert len(set(bars)) <= 8


async def test_scan_codes_are_deterministic_per_uri(
    client: httpx.AsyncClient, world: World
) -> None:
    tracks = list(world.catalogue.tracks)[:5]
    for fmt in ("png", "jpeg", "svg"):
        first = [(await client.get(code_path(f"spotify:track:{t}", fmt))).content for t in tracks]
        second = [(await client.get(code_path(f"spotify:track:{t}", fmt))).content for t in tracks]
        assert first == second
        assert len(set(first)) == len(tracks)


async def test_scan_code_for_unknown_but_valid_uri_is_served(client: httpx.AsyncClient) -> None:
    uri = f"spotify:episode:{spotify_id('not in the catalogue')}"
    assert (await client.get(code_path(uri))).status_code == 200


@pytest.mark.parametrize(
    "part",
    [
        {"fmt": "gif"},
        {"bg": "zzzzzz"},
        {"bg": "12345"},
        {"bar": "red"},
        {"size": "49"},
        {"size": "2001"},
        {"size": "abc"},
        {"size": "-640"},
        {"size": "٦٤٠"},  # Arabic-Indic digits: isdigit() says yes, int() agrees, we do not
        {"uri": "spotify:track:tooShort"},
        {"uri": "spotify:podcast:4uLU6hMCjMI75M1A2tKUQC"},
        {"uri": "track:4uLU6hMCjMI75M1A2tKUQC"},
        {"uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC:x"},
    ],
)
async def test_scan_code_with_an_invalid_part_is_400(
    client: httpx.AsyncClient, part: dict[str, str]
) -> None:
    parts = {"uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC"} | part
    response = await client.get(code_path(**parts))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")


# -- faults ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("oembed", "/oembed?url=spotify:track:4uLU6hMCjMI75M1A2tKUQC"),
        ("oembed", "/sl/nope"),
        ("scannables", code_path("spotify:track:4uLU6hMCjMI75M1A2tKUQC")),
        ("images", f"/image/{IMAGE_PREFIXES[64]}{'0' * 24}"),
    ],
)
async def test_injected_faults_answer_instead(
    client: httpx.AsyncClient, world: World, service: str, path: str
) -> None:
    world.faults.append(Fault(service, "status", status=503, remaining=1))  # type: ignore[arg-type]
    assert (await client.get(path)).status_code == 503
    assert (await client.get(path)).status_code != 503


# -- properties --------------------------------------------------------------------------
NO_FIXTURE_RESET = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LINK_PIECES = ["https://", "open.spotify.com", "/", "intl-de", "track", "spotify:", ":", "?si=",
               "spotify.link", "4uLU6hMCjMI75M1A2tKUQC", "%", "[", "@"]  # fmt: skip
spotifyish = st.one_of(st.text(), st.lists(st.sampled_from(LINK_PIECES)).map("".join))


@NO_FIXTURE_RESET
@given(url=spotifyish)
async def test_oembed_never_fails_on_any_url(client: httpx.AsyncClient, url: str) -> None:
    response = await client.get("/oembed", params={"url": url})
    assert response.status_code in (200, 400, 404)


@NO_FIXTURE_RESET
@given(segments=st.lists(st.text(min_size=1), min_size=5, max_size=5))
async def test_scannables_never_fail_on_any_path(
    client: httpx.AsyncClient, segments: list[str]
) -> None:
    path = "/uri/plain/" + "/".join(quote(segment, safe="") for segment in segments)
    response = await client.get(path)
    assert response.status_code < 500
