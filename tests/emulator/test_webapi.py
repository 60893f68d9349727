"""The emulated Web API, driven over HTTP as a client would (in-process, on a fake clock).

What a real client meets: every shape of currently-playing, the player timeline, the
catalogue endpoints and search. The gate (tokens, development mode, rate limits,
faults) is in test_webapi_gate.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from leeloo.emulator.player import QueueItem
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID
from leeloo.emulator.world import World
from leeloo.testing import FakeClock

BASE = "http://emulator.test"
CURRENTLY_PLAYING = "/v1/me/player/currently-playing"
WITH_EPISODES = {"additional_types": "track,episode"}


def bearer(world: World, user: str = "alice", scopes: set[str] | None = None) -> dict[str, str]:
    tokens = world.mint(user, LEELOO_CLIENT_ID, frozenset(scopes) if scopes else None)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def now_playing(client: httpx.AsyncClient, world: World, **params: str) -> dict[str, Any]:
    response = await client.get(CURRENTLY_PLAYING, headers=bearer(world), params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- currently playing: every shape ----------------------------------------------------
async def test_a_playing_track_has_its_item_art_and_progress(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await now_playing(client, world)
    track = world.catalogue.tracks[world.player("alice").queue[0].id]
    assert body["is_playing"] is True
    assert body["currently_playing_type"] == "track"
    assert body["progress_ms"] == 15_000
    assert body["actions"] == {"disallows": {"resuming": True}}
    item = body["item"]
    assert item["id"] == track.id
    assert item["name"] == track.name
    assert item["uri"] == f"spotify:track:{track.id}"
    assert item["href"] == f"{BASE}/v1/tracks/{track.id}"
    assert item["external_urls"] == {"spotify": f"https://open.spotify.com/track/{track.id}"}
    assert item["duration_ms"] == track.duration_ms
    assert item["artists"][0]["name"] == "The Paper Lanterns"
    images = item["album"]["images"]
    assert [image["width"] for image in images] == [640, 300, 64]
    album = world.catalogue.albums[track.album_id]
    assert images[0]["url"] == f"{BASE}/image/ab67616d0000b273{album.image}"


async def test_a_paused_player_says_so_and_stands_still(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    world.player("alice").pause(world.now())
    await clock.advance(60)
    body = await now_playing(client, world)
    assert body["is_playing"] is False
    assert body["progress_ms"] == 15_000
    assert body["item"]["type"] == "track"
    assert body["actions"]["disallows"] == {"pausing": True}


@pytest.mark.parametrize("scenario", ["podcast"])
async def test_an_episode_is_null_unless_episodes_are_asked_for(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await now_playing(client, world)
    assert body["item"] is None
    assert body["currently_playing_type"] == "episode"
    assert body["progress_ms"] == 120_000

    body = await now_playing(client, world, **WITH_EPISODES)
    episode = world.catalogue.episode_list()[0]
    assert body["currently_playing_type"] == "episode"
    item = body["item"]
    assert item["type"] == "episode"
    assert item["uri"] == f"spotify:episode:{episode.id}"
    assert item["show"]["name"] == "Desk Radio"
    assert item["show"]["publisher"] == "Lantern Media"
    assert [image["height"] for image in item["images"]] == [640, 300, 64]
    assert item["images"][0]["url"].startswith(f"{BASE}/image/ab6765630000ba8a")


@pytest.mark.parametrize("scenario", ["podcast"])
async def test_an_ad_has_no_item(client: httpx.AsyncClient, world: World, clock: FakeClock) -> None:
    episode = world.catalogue.episode_list()[0]
    await clock.advance((episode.duration_ms - 120_000) / 1000 + 5)
    body = await now_playing(client, world, **WITH_EPISODES)
    assert body["item"] is None
    assert body["currently_playing_type"] == "ad"
    assert body["is_playing"] is True
    assert 4_000 <= body["progress_ms"] <= 5_000


@pytest.mark.parametrize("scenario", ["idle"])
async def test_nothing_active_is_204_with_no_body(client: httpx.AsyncClient, world: World) -> None:
    for path in (CURRENTLY_PLAYING, "/v1/me/player"):
        response = await client.get(path, headers=bearer(world))
        assert response.status_code == 204
        assert response.content == b""


@pytest.mark.parametrize("scenario", ["private_session"])
async def test_a_private_session_is_indistinguishable_from_idle(
    client: httpx.AsyncClient, world: World
) -> None:
    for path in (CURRENTLY_PLAYING, "/v1/me/player"):
        response = await client.get(path, headers=bearer(world), params=WITH_EPISODES)
        assert response.status_code == 204
        assert response.content == b""
    # bob is not in a private session: his player answers.
    assert (await client.get(CURRENTLY_PLAYING, headers=bearer(world, "bob"))).status_code == 200


# -- the timeline ----------------------------------------------------------------------
async def test_progress_grows_with_fake_time(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    await clock.advance(10)
    assert (await now_playing(client, world))["progress_ms"] == 25_000


async def test_when_a_track_ends_the_next_begins(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    first, second = world.player("alice").queue[:2]
    await clock.advance((first.duration_ms - 15_000) / 1000 + 2)
    body = await now_playing(client, world)
    assert body["item"]["id"] == second.id
    assert 1_900 <= body["progress_ms"] <= 2_000


@pytest.mark.parametrize(("repeat", "expected"), [(True, 200), (False, 204)])
async def test_the_end_of_the_queue_wraps_only_with_repeat(
    client: httpx.AsyncClient, world: World, clock: FakeClock, repeat: bool, expected: int
) -> None:
    player = world.player("alice")
    last = len(player.queue) - 1
    player.load(
        world.now(), player.queue, index=last, position_ms=player.queue[last].duration_ms - 1000
    )
    player.repeat = repeat
    await clock.advance(3)
    response = await client.get(CURRENTLY_PLAYING, headers=bearer(world))
    assert response.status_code == expected
    if repeat:
        assert response.json()["item"]["id"] == player.queue[0].id


# -- /me/player and /me ----------------------------------------------------------------
async def test_playback_state_adds_device_shuffle_and_repeat(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/v1/me/player", headers=bearer(world))
    assert response.status_code == 200
    body = response.json()
    device = body["device"]
    assert set(device) >= {"id", "is_active", "is_private_session", "is_restricted", "name",
                           "type", "volume_percent", "supports_volume"}  # fmt: skip
    assert device["is_active"] is True
    assert device["name"] == "Kitchen speaker"
    assert body["shuffle_state"] is False
    assert body["repeat_state"] == "context"
    assert body["is_playing"] is True
    assert body["currently_playing_type"] == "track"
    assert body["item"]["type"] == "track"
    assert {"timestamp", "context", "progress_ms", "actions"} <= set(body)


async def test_me_is_the_token_owner_with_private_fields_by_scope(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/v1/me", headers=bearer(world, "bob"))
    body = response.json()
    assert body["id"] == "bob"
    assert body["display_name"] == "Bob"
    assert body["uri"] == "spotify:user:bob"
    assert body["type"] == "user"
    assert body["followers"] == {"href": None, "total": 0}
    assert "email" not in body
    assert "product" not in body

    scopes = {"user-read-private", "user-read-email"}
    body = (await client.get("/v1/me/", headers=bearer(world, "bob", scopes))).json()
    assert body["product"] == "premium"
    assert body["country"] == "GB"
    assert body["email"] == "bob@leeloo.invalid"
    assert body["explicit_content"] == {"filter_enabled": False, "filter_locked": False}


# -- tracks, episodes, search ----------------------------------------------------------
async def test_a_track_by_id_and_the_id_rules(client: httpx.AsyncClient, world: World) -> None:
    track = world.catalogue.track_list()[0]
    body = (await client.get(f"/v1/tracks/{track.id}", headers=bearer(world))).json()
    assert body["name"] == track.name
    assert body["is_local"] is False
    assert body["preview_url"] is None
    assert len(body["external_ids"]["isrc"]) == 12
    assert "available_markets" in body
    marketed = await client.get(f"/v1/tracks/{track.id}?market=GB", headers=bearer(world))
    assert marketed.json()["is_playable"] is True

    malformed = await client.get("/v1/tracks/not-an-id", headers=bearer(world))
    assert malformed.status_code == 400
    assert malformed.json() == {"error": {"status": 400, "message": "invalid id"}}
    unknown = await client.get("/v1/tracks/" + "A" * 22, headers=bearer(world))
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "Resource not found"


async def test_an_episode_by_id(client: httpx.AsyncClient, world: World) -> None:
    episode = world.catalogue.episode_list()[1]
    response = await client.get(f"/v1/episodes/{episode.id}", headers=bearer(world))
    body = response.json()
    assert body["name"] == episode.name
    assert body["release_date_precision"] == "day"
    assert body["language"] == "en"
    assert body["show"]["type"] == "show"
    assert (await client.get("/v1/episodes/x", headers=bearer(world))).status_code == 400
    assert (await client.get("/v1/episodes/" + "B" * 22, headers=bearer(world))).status_code == 404


async def search(client: httpx.AsyncClient, world: World, **params: str) -> httpx.Response:
    return await client.get("/v1/search", headers=bearer(world), params=params)


async def test_search_matches_words_in_track_artist_and_album(
    client: httpx.AsyncClient, world: World
) -> None:
    body = (await search(client, world, q="HARB lights", type="track")).json()
    names = [item["name"] for item in body["tracks"]["items"]]
    assert names == ["Harbour Lights"]
    by_artist = (await search(client, world, q="mira", type="track,artist")).json()
    assert by_artist["tracks"]["total"] == 5
    assert [a["name"] for a in by_artist["artists"]["items"]] == ["Mira Okafor"]
    filtered = (await search(client, world, q="artist:velvet blue", type="track")).json()
    assert [t["name"] for t in filtered["tracks"]["items"]] == ["Blue Hour"]
    shows = (await search(client, world, q="vinyl", type="episode,show")).json()
    assert [e["name"] for e in shows["episodes"]["items"]] == ["Episode 41: Vinyl math"]
    assert shows["shows"]["total"] == 0


async def test_search_pages_with_a_default_limit_of_5(
    client: httpx.AsyncClient, world: World
) -> None:
    page = (await search(client, world, q="the", type="track")).json()["tracks"]
    assert page["limit"] == 5
    assert page["offset"] == 0
    assert page["previous"] is None
    assert page["total"] > 5
    assert len(page["items"]) == 5
    second = httpx.URL(page["next"])
    assert second.params["offset"] == "5"
    assert second.params["query"] == "the"
    nxt = (await search(client, world, q="the", type="track", offset="5")).json()["tracks"]
    assert nxt["previous"] is not None
    assert {t["id"] for t in nxt["items"]}.isdisjoint(t["id"] for t in page["items"])
    empty = (await search(client, world, q="the", type="track", limit="0")).json()["tracks"]
    assert empty["items"] == []
    assert empty["next"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "a", "type": "track", "limit": "11"}, "Invalid limit"),
        ({"q": "a", "type": "track", "limit": "-1"}, "Invalid limit"),
        ({"q": "a", "type": "track", "limit": "five"}, "Invalid limit"),
        ({"q": "a", "type": "track", "limit": "9" * 5000}, "Invalid limit"),
        ({"q": "a", "type": "track", "offset": "1001"}, "Invalid offset"),
        ({"type": "track"}, "No search query"),
        ({"q": "  ", "type": "track"}, "No search query"),
        ({"q": "a"}, "Missing parameter type"),
        ({"q": "a", "type": "track,song"}, "Bad search type field"),
    ],
)
async def test_search_refuses_bad_parameters_with_400(
    client: httpx.AsyncClient, world: World, params: dict[str, str], message: str
) -> None:
    response = await search(client, world, **params)
    assert response.status_code == 400
    assert response.json() == {"error": {"status": 400, "message": message}}


async def test_a_queue_item_the_catalogue_does_not_know_is_unknown(
    client: httpx.AsyncClient, world: World
) -> None:
    world.player("alice").load(world.now(), [QueueItem("track", "C" * 22, 200_000)])
    body = await now_playing(client, world)
    assert body["item"] is None
    assert body["currently_playing_type"] == "unknown"
