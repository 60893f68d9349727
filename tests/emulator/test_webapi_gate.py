"""The Web API's gate: faults, bearer tokens, development mode, rate limits and scopes.

Driven over HTTP in-process on a fake clock. The checks run in a fixed order (faults,
token, development mode, rate budget, scopes); see leeloo.emulator.webapi.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import LEELOO_CLIENT_ID, build_world
from leeloo.emulator.world import Fault, World
from leeloo.testing import FakeClock

BASE = "http://emulator.test"
CURRENTLY_PLAYING = "/v1/me/player/currently-playing"


def bearer(world: World, user: str = "alice", scopes: set[str] | None = None) -> dict[str, str]:
    tokens = world.mint(user, LEELOO_CLIENT_ID, frozenset(scopes) if scopes else None)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@asynccontextmanager
async def client_for(world: World) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(world))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        yield http


def assert_error(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status
    assert response.json() == {"error": {"status": status, "message": message}}


# -- bearer tokens ---------------------------------------------------------------------
async def test_a_missing_token_is_401_with_a_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get(CURRENTLY_PLAYING)
    assert_error(response, 401, "No token provided")
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer " + "x" * 500, "bearer ..."])
async def test_an_unknown_token_is_401_invalid(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/v1/me", headers={"Authorization": header})
    assert_error(response, 401, "Invalid access token")


async def test_a_non_bearer_scheme_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/me", headers={"Authorization": "Basic YWxpY2U6cGFzcw=="})
    assert_error(response, 400, "Only valid bearer authentication supported")


async def test_a_token_expires_after_one_hour(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    headers = bearer(world)
    await clock.advance(3599)
    assert (await client.get(CURRENTLY_PLAYING, headers=headers)).status_code == 200
    await clock.advance(1)
    response = await client.get(CURRENTLY_PLAYING, headers=headers)
    assert_error(response, 401, "The access token expired")
    assert "WWW-Authenticate" in response.headers


async def test_a_revoked_grant_kills_its_access_token(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = bearer(world)
    world.revoke("alice")
    assert_error(await client.get("/v1/me", headers=headers), 401, "Invalid access token")


# -- development mode and scopes -------------------------------------------------------
async def test_a_user_off_the_allowlist_is_403(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(CURRENTLY_PLAYING, headers=bearer(world, "erin"))
    assert_error(
        response,
        403,
        "Check settings on developer.spotify.com/dashboard, the user may not be registered.",
    )


async def test_an_owner_without_premium_locks_everyone_out(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = bearer(world, "bob")
    world.users["alice"].product = "free"
    response = await client.get("/v1/me", headers=headers)
    assert_error(response, 403, "Active premium subscription required for the owner of the app.")


async def test_a_free_user_on_the_allowlist_may_use_the_app(
    client: httpx.AsyncClient, world: World
) -> None:
    assert (await client.get("/v1/me", headers=bearer(world, "dave"))).status_code == 200


@pytest.mark.parametrize(
    ("path", "scopes", "expected"),
    [
        (CURRENTLY_PLAYING, {"user-read-currently-playing"}, 200),
        (CURRENTLY_PLAYING, {"user-read-playback-state"}, 200),
        (CURRENTLY_PLAYING, {"user-read-email"}, 401),
        ("/v1/me/player", {"user-read-currently-playing"}, 401),
        ("/v1/me/player", {"user-read-playback-state"}, 200),
        ("/v1/me", {"user-read-email"}, 200),
    ],
)
async def test_scopes_guard_the_player(
    client: httpx.AsyncClient, world: World, path: str, scopes: set[str], expected: int
) -> None:
    response = await client.get(path, headers=bearer(world, scopes=scopes))
    assert response.status_code == expected
    if expected == 401:
        assert response.json()["error"]["message"] == "Permissions missing"


# -- rate limits -----------------------------------------------------------------------
@pytest.mark.parametrize("scenario", ["rate_limited"])
async def test_a_full_window_is_429_plain_text_until_it_rolls_on(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    headers = bearer(world)
    for _ in range(3):
        assert (await client.get(CURRENTLY_PLAYING, headers=headers)).status_code == 200
        await clock.advance(1)
    refused = await client.get(CURRENTLY_PLAYING, headers=headers)
    assert refused.status_code == 429
    assert refused.text == "Too many requests"
    assert refused.headers["Retry-After"] == "27"
    # Every user of the app shares its budget.
    assert (await client.get("/v1/me", headers=bearer(world, "bob"))).status_code == 429
    await clock.advance(27)
    assert (await client.get(CURRENTLY_PLAYING, headers=headers)).status_code == 200


@pytest.mark.parametrize("scenario", ["quota_exceeded"])
async def test_the_quota_variant_is_json_with_a_reason(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = bearer(world)
    for _ in range(3):
        assert (await client.get("/v1/me", headers=headers)).status_code == 200
    refused = await client.get("/v1/me", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"
    assert refused.json()["error"]["reason"] == "QUOTA_EXCEEDED"


# -- faults ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "status"),
    [(Fault("api", "status", status=503), 503), (Fault("api", "stray_404"), 404)],
)
async def test_injected_faults_answer_in_the_error_shape(
    client: httpx.AsyncClient, world: World, fault: Fault, status: int
) -> None:
    headers = bearer(world)
    fault.remaining = 1
    world.faults.append(fault)
    response = await client.get(CURRENTLY_PLAYING, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status
    assert (await client.get(CURRENTLY_PLAYING, headers=headers)).status_code == 200


async def test_a_slow_answer_waits_for_the_fake_clock(
    client: httpx.AsyncClient, world: World, clock: FakeClock
) -> None:
    headers = bearer(world)
    world.faults.append(Fault("api", "slow", delay_s=3.0, remaining=1))
    pending = asyncio.ensure_future(client.get(CURRENTLY_PLAYING, headers=headers))
    await clock.settle()
    assert not pending.done()
    await clock.advance(3)
    response = await pending
    assert response.status_code == 200
    assert response.json()["progress_ms"] == 18_000


async def test_an_empty_204_fault_hits_only_the_player(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = bearer(world)
    world.faults.append(Fault("api", "empty_204"))
    playing = await client.get(CURRENTLY_PLAYING, headers=headers)
    assert playing.status_code == 204
    assert playing.content == b""
    assert (await client.get("/v1/me/player", headers=headers)).status_code == 204
    assert (await client.get("/v1/me", headers=headers)).status_code == 200


async def flaky_statuses(seed: int, count: int = 60) -> list[int]:
    clock = FakeClock()
    world = build_world(clock, "flaky", seed=seed)
    headers = bearer(world)
    statuses = []
    async with client_for(world) as http:
        for _ in range(count):
            pending = asyncio.ensure_future(http.get(CURRENTLY_PLAYING, headers=headers))
            while not pending.done():  # a slow fault waits for the clock
                await clock.advance(1)
            statuses.append((await pending).status_code)
    return statuses


async def test_the_flaky_scenario_replays_the_same_with_the_same_seed() -> None:
    first = await flaky_statuses(seed=7)
    assert first == await flaky_statuses(seed=7)
    assert 200 in first
    assert {503, 404, 204} & set(first)


# -- robustness ------------------------------------------------------------------------
PATHS = ["/v1/me", "/v1/me/player", CURRENTLY_PLAYING, "/v1/search", "/v1/tracks/{id}",
         "/v1/episodes/{id}"]  # fmt: skip
PARAM_NAMES = st.sampled_from(["q", "type", "limit", "offset", "market", "additional_types"])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(PATHS),
    item_id=TEXT,
    params=st.lists(st.tuples(PARAM_NAMES | TEXT, TEXT), max_size=5),
    auth=st.none() | st.just("valid") | HEADER_TEXT | HEADER_TEXT.map("Bearer ".__add__),
)
def test_no_query_or_header_gives_a_server_error(
    path: str, item_id: str, params: list[tuple[str, str]], auth: str | None
) -> None:
    async def probe() -> int:
        world = build_world(FakeClock(), "playing")
        headers = {} if auth is None else {"Authorization": auth}
        if auth == "valid":
            headers = bearer(world)
        async with client_for(world) as http:
            url = path.replace("{id}", quote(item_id, safe=""))
            response = await http.get(url, headers=headers, params=params)
            return response.status_code

    assert asyncio.run(probe()) < 500
