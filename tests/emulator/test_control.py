"""The control API scripts the world over HTTP, and refuses bad requests clearly."""

from __future__ import annotations

import httpx
import pytest

from leeloo.clock import SystemClock
from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.emulator.world import World

C = "/_emulator"


async def player(client: httpx.AsyncClient, user: str) -> dict[str, object]:
    state = (await client.get(f"{C}/state")).json()
    found: dict[str, object] = next(u for u in state["users"] if u["id"] == user)["player"]
    return found


async def test_state_lists_the_cast_apps_and_what_plays(client: httpx.AsyncClient) -> None:
    state = (await client.get(f"{C}/state")).json()
    assert state["fake_clock"] is True
    assert [u["id"] for u in state["users"]] == ["alice", "bob", "carol", "dave", "erin"]
    (app,) = state["apps"]
    assert app["client_id"] == LEELOO_CLIENT_ID
    assert app["allowlist"] == ["alice", "bob", "carol", "dave"]
    alice = await player(client, "alice")
    assert alice["is_playing"] is True
    assert alice["progress_ms"] == 15_000
    assert await player(client, "erin") == {"active": False}


async def test_advance_moves_playback_along_the_fake_clock(client: httpx.AsyncClient) -> None:
    first = await player(client, "alice")
    answer = await client.post(f"{C}/clock/advance", json={"seconds": 10})
    assert answer.status_code == 200
    assert (await player(client, "alice"))["progress_ms"] == 25_000
    # Past the end of the first track the next one begins.
    remaining = (int(first["duration_ms"]) - 25_000) / 1000  # type: ignore[call-overload]
    await client.post(f"{C}/clock/advance", json={"seconds": remaining + 2})
    now = await player(client, "alice")
    assert now["id"] != first["id"]
    assert now["progress_ms"] == 2_000


async def test_pause_skip_private_and_stop(client: httpx.AsyncClient) -> None:
    before = await player(client, "alice")
    paused = (await client.post(f"{C}/players/alice/pause")).json()
    assert paused["is_playing"] is False
    await client.post(f"{C}/clock/advance", json={"seconds": 60})
    assert (await player(client, "alice"))["progress_ms"] == before["progress_ms"]
    resumed = (await client.post(f"{C}/players/alice/resume")).json()
    assert resumed["is_playing"] is True
    skipped = (await client.post(f"{C}/players/alice/skip")).json()
    assert skipped["id"] != before["id"]
    assert skipped["progress_ms"] == 0
    private = (await client.post(f"{C}/players/alice/private", json={"on": True})).json()
    assert private["private_session"] is True
    seeked = (await client.post(f"{C}/players/alice/seek", json={"position_ms": 42_000})).json()
    assert seeked["progress_ms"] == 42_000
    assert (await client.post(f"{C}/players/alice/stop")).json() == {"active": False}


async def test_play_a_chosen_queue_with_an_episode_and_an_ad(
    client: httpx.AsyncClient, world: World
) -> None:
    episode = world.catalogue.episode_list()[1]
    track = world.catalogue.track_list()[5]
    body = {"items": [f"spotify:episode:{episode.id}", "ad", f"spotify:track:{track.id}"]}
    playing = (await client.post(f"{C}/players/erin/play", json=body)).json()
    assert (playing["kind"], playing["id"], playing["name"]) == (
        "episode",
        episode.id,
        episode.name,
    )
    await client.post(f"{C}/clock/advance", json={"seconds": episode.duration_ms / 1000 + 1})
    assert (await player(client, "erin"))["kind"] == "ad"
    await client.post(f"{C}/clock/advance", json={"seconds": 30})
    assert (await player(client, "erin"))["id"] == track.id


async def test_users_apps_and_the_allowlist_limit(client: httpx.AsyncClient, world: World) -> None:
    made = await client.post(f"{C}/users", json={"id": "zoe", "product": "free"})
    assert made.status_code == 201
    assert world.users["zoe"].password == "zoe-pass"
    upgraded = await client.patch(f"{C}/users/zoe", json={"product": "premium"})
    assert upgraded.json()["product"] == "premium"
    assert (
        await client.post(f"{C}/apps/{LEELOO_CLIENT_ID}/allowlist", json={"user": "erin"})
    ).is_success
    # Development mode: a sixth user is refused.
    full = await client.post(f"{C}/apps/{LEELOO_CLIENT_ID}/allowlist", json={"user": "zoe"})
    assert full.status_code == 409
    assert "5 allowlisted users" in full.json()["error"]
    removed = await client.delete(f"{C}/apps/{LEELOO_CLIENT_ID}/allowlist/dave")
    assert "dave" not in removed.json()["allowlist"]
    app = await client.post(
        f"{C}/apps",
        json={"client_id": "c2", "owner": "zoe", "redirect_uris": ["http://127.0.0.1:9/cb"],
              "rate_limit": 10, "rate_limit_style": "quota"},
    )  # fmt: skip
    assert app.status_code == 201
    assert world.apps["c2"].rate_limit_style == "quota"
    patched = await client.patch(
        f"{C}/apps/c2", json={"add_redirect_uris": ["http://127.0.0.1:8/x"]}
    )
    assert patched.json()["redirect_uris"] == ["http://127.0.0.1:8/x", "http://127.0.0.1:9/cb"]


async def test_faults_are_set_listed_and_cleared(client: httpx.AsyncClient, world: World) -> None:
    made = await client.post(
        f"{C}/faults", json={"service": "api", "kind": "status", "status": 502, "remaining": 2}
    )
    assert made.status_code == 201
    await client.post(f"{C}/faults", json={"service": "weather", "kind": "slow", "delay_s": 5})
    assert len((await client.get(f"{C}/state")).json()["faults"]) == 2
    assert (await client.delete(f"{C}/faults?service=api")).json() == {"cleared": 1}
    assert [f.service for f in world.faults] == ["weather"]
    assert (await client.delete(f"{C}/faults")).json() == {"cleared": 1}


async def test_tokens_are_minted_and_revoked(client: httpx.AsyncClient, world: World) -> None:
    tokens = (
        await client.post(f"{C}/tokens", json={"user": "bob", "client_id": LEELOO_CLIENT_ID})
    ).json()
    assert tokens["expires_in"] == 3600
    assert tokens["scope"] == "user-read-currently-playing user-read-playback-state"
    grant = world.grants[world.access_tokens[tokens["access_token"]].grant_id]
    assert world.grant_alive(grant)
    assert (await client.post(f"{C}/revoke", json={"token": tokens["refresh_token"]})).json() == {
        "revoked": 1
    }
    assert not world.grant_alive(grant)
    assert (await client.post(f"{C}/revoke", json={"token": "nope"})).json() == {"revoked": 0}
    second = (
        await client.post(f"{C}/tokens", json={"user": "bob", "client_id": LEELOO_CLIENT_ID})
    ).json()
    assert (await client.post(f"{C}/revoke", json={"user": "bob"})).json()["revoked"] == 2
    assert world.grants[world.access_tokens[second["access_token"]].grant_id].revoked


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        ("POST", "/users", b"{not json", 400, "not JSON"),
        ("POST", "/users", b"[1, 2]", 400, "JSON object"),
        ("POST", "/users", b"{}", 400, "missing field 'id'"),
        ("POST", "/users", b'{"id": 7}', 400, "must be str"),
        ("POST", "/users", b'{"id": "x", "product": "gold"}', 400, "premium"),
        ("PATCH", "/users/nobody", b"{}", 404, "unknown user"),
        ("POST", "/players/nobody/pause", b"", 404, "unknown user"),
        ("POST", "/players/alice/dance", b"", 404, "unknown player action"),
        ("POST", "/players/alice/play", b'{"items": ["spotify:track:nope"]}', 400, "catalogue"),
        ("POST", "/players/alice/seek", b'{"position_ms": true}', 400, "must be int"),
        ("POST", "/faults", b'{"service": "moon", "kind": "status"}', 400, "service must be"),
        ("POST", "/faults", b'{"service": "api", "kind": "explode"}', 400, "kind must be"),
        (
            "POST",
            "/faults",
            b'{"service": "api", "kind": "status", "probability": 2}',
            400,
            "(0, 1]",
        ),
        ("POST", "/tokens", b'{"user": "alice", "client_id": "nope"}', 404, "unknown app"),
        ("POST", "/revoke", b'{"user": "ghost"}', 404, "unknown user"),
        ("POST", "/apps", b'{"client_id": "c", "owner": "ghost"}', 404, "unknown owner"),
        ("PATCH", f"/apps/{LEELOO_CLIENT_ID}", b'{"rate_limit": -1}', 400, "negative"),
        ("PATCH", f"/apps/{LEELOO_CLIENT_ID}", b'{"rate_limit_style": "x"}', 400, "plain"),
        ("POST", "/clock/advance", b'{"seconds": -5}', 400, "negative"),
        ("POST", "/clock/advance", b'{"seconds": "soon"}', 400, "must be float"),
    ],
)
async def test_bad_requests_get_clear_errors(
    client: httpx.AsyncClient, method: str, path: str, body: bytes, status: int, words: str
) -> None:
    answer = await client.request(method, C + path, content=body)
    assert answer.status_code == status
    assert words in answer.json()["error"]


async def test_advancing_a_real_clock_is_refused() -> None:
    world = build_world(SystemClock(), "idle")
    transport = httpx.ASGITransport(app=create_app(world))
    async with httpx.AsyncClient(transport=transport, base_url="http://e") as client:
        answer = await client.post(f"{C}/clock/advance", json={"seconds": 1})
        assert answer.status_code == 409
        assert "--fake-clock" in answer.json()["error"]
        assert (await client.get(f"{C}/state")).json()["fake_clock"] is False
