"""A third-party Spotify client (spotipy) talks to the emulator and cannot tell.

spotipy speaks HTTP through `requests`, so the emulator is served for real by uvicorn on
127.0.0.1 (a port the OS picks) in a background thread. spotipy is pointed at it by
configuration only: its public `prefix` attribute, the base of every Web API URL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import spotipy
import uvicorn

from leeloo.emulator.app import create_app
from leeloo.emulator.player import QueueItem
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.emulator.world import World
from leeloo.testing import FakeClock

STARTUP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Served:
    world: World
    base: str


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """The emulator (scenario `playing`) behind a real socket, for the whole module."""
    world = build_world(FakeClock(), "playing")
    config = uvicorn.Config(
        create_app(world), host="127.0.0.1", port=0, log_level="warning", lifespan="off",
        ws="none",
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="emulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the emulator did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Served(world, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT_S)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        yield http


def client(served: Served, session: requests.Session, token: str) -> spotipy.Spotify:
    sp = spotipy.Spotify(auth=token, requests_session=session, retries=0, status_retries=0)
    sp.prefix = f"{served.base}/v1/"
    return sp


def token_for(served: Served, user: str) -> str:
    return str(served.world.mint(user, LEELOO_CLIENT_ID)["access_token"])


def test_spotipy_reads_the_current_user(served: Served, session: requests.Session) -> None:
    me = client(served, session, token_for(served, "alice")).current_user()
    assert me["id"] == "alice"
    assert me["display_name"] == "Alice"
    assert me["uri"] == "spotify:user:alice"


def test_spotipy_reads_the_playing_track(served: Served, session: requests.Session) -> None:
    playing = client(served, session, token_for(served, "carol")).current_user_playing_track()
    expected = served.world.player("carol").view(served.world.now())
    assert expected is not None
    assert playing["is_playing"] is True
    assert playing["currently_playing_type"] == "track"
    assert playing["item"]["id"] == expected.item.id
    assert playing["item"]["album"]["images"][0]["url"].startswith(f"{served.base}/image/")


def test_spotipy_reads_an_episode_when_asked(served: Served, session: requests.Session) -> None:
    world = served.world
    episode = world.catalogue.episode_list()[2]
    world.player("bob").load(world.now(), [QueueItem("episode", episode.id, episode.duration_ms)])
    sp = client(served, session, token_for(served, "bob"))
    playing = sp.currently_playing(additional_types="track,episode")
    assert playing["item"]["name"] == episode.name
    assert playing["item"]["show"]["name"] == world.catalogue.shows[episode.show_id].name
    assert sp.currently_playing()["item"] is None


def test_spotipy_sees_nothing_playing_as_none(served: Served, session: requests.Session) -> None:
    assert client(served, session, token_for(served, "dave")).current_playback() is None


def test_spotipy_raises_its_exception_on_a_garbage_token(
    served: Served, session: requests.Session
) -> None:
    with pytest.raises(spotipy.SpotifyException) as raised:
        client(served, session, "garbage").current_user()
    assert raised.value.http_status == 401
    assert "Invalid access token" in raised.value.msg
