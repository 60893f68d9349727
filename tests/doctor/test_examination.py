"""Whole sides examined against real peers: the relay app and the Spotify emulator, served."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp

from leeloo.core.tokens import TokenSet
from leeloo.device.config import load_settings as device_settings
from leeloo.doctor.examination import authorize_url, examine_device, examine_relay
from leeloo.doctor.findings import Finding, Status
from leeloo.emulator.app import create_app as emulator_app
from leeloo.emulator.scenarios import DEFAULT_REDIRECT_URI, LEELOO_CLIENT_ID, build_world
from leeloo.relay.app import build_relay, create_app
from leeloo.relay.config import RelaySettings
from leeloo.relay.store.memory import MemoryStore
from leeloo.spotify.store import FileTokenStore, write_atomic
from leeloo.testing import FakeClock

Serve = Callable[[ASGIApp], str]


def by_check(findings: tuple[Finding, ...]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


@pytest.fixture
def now() -> FakeClock:
    """A fake clock set to the real time, so served apps' Date headers agree with it."""
    return FakeClock(start=time.time())


@pytest.fixture
def accounts(serve: Serve, now: FakeClock) -> str:
    return serve(emulator_app(build_world(now, "playing")))


def relay_settings(accounts: str, **changes: object) -> RelaySettings:
    values: dict[str, object] = {
        "public_url": "http://127.0.0.1:8787",  # the emulator's registered callback
        "store": "memory:",
        "spotify_accounts_url": accounts,
        "spotify_client_id": LEELOO_CLIENT_ID,
        **changes,
    }
    return RelaySettings(**values)  # type: ignore[arg-type]


async def examine(settings: RelaySettings, clock: FakeClock) -> dict[str, Finding]:
    async with httpx.AsyncClient() as http:
        return by_check(await examine_relay(settings, http, clock))


async def test_the_emulator_accepts_the_registered_redirect_uri(
    accounts: str, now: FakeClock
) -> None:
    found = await examine(relay_settings(accounts), now)
    assert found["redirect uri"].status is Status.OK
    assert found["redirect uri"].words == (
        f"Spotify accepts {DEFAULT_REDIRECT_URI} for client id {LEELOO_CLIENT_ID}"
    )
    assert found["clock"].status is Status.OK
    assert found["spotify client id"].status is Status.OK


async def test_a_redirect_uri_mismatch_against_the_emulator(accounts: str, now: FakeClock) -> None:
    found = await examine(relay_settings(accounts, public_url="http://127.0.0.1:9999"), now)
    finding = found["redirect uri"]
    assert finding.status is Status.FAIL
    assert finding.words == (
        "Spotify does not know the redirect URI http://127.0.0.1:9999/spotify/callback "
        f"for client id {LEELOO_CLIENT_ID}"
    )


async def test_an_unknown_client_id_against_the_emulator(accounts: str, now: FakeClock) -> None:
    other = "0" * 32
    found = await examine(relay_settings(accounts, spotify_client_id=other), now)
    assert found["redirect uri"].words == f"Spotify does not know the client id {other}"


async def test_the_clock_against_the_emulators_date(accounts: str) -> None:
    late = FakeClock(start=time.time() - 300)
    found = await examine(relay_settings(accounts), late)
    assert found["clock"].status is Status.FAIL
    assert "behind Spotify's" in found["clock"].words


async def test_a_relay_that_is_not_running(accounts: str, now: FakeClock) -> None:
    found = await examine(relay_settings(accounts), now)  # nothing on 127.0.0.1:8787
    assert found["relay"].status is Status.FAIL
    assert "connection refused" in found["relay"].words


async def test_a_running_relay_answers_its_own_doctor(
    serve: Serve, accounts: str, now: FakeClock, tmp_path: Path
) -> None:
    settings = relay_settings(accounts, store=f"sqlite:///{tmp_path / 'relay.db'}")
    base = serve(create_app(build_relay(settings, MemoryStore(), now)))
    found = await examine(relay_settings(accounts, public_url=base), now)
    assert found["relay"].status is Status.OK
    assert found["public url"].words == f"{base} (loopback: development only)"


def test_the_authorize_url_is_the_one_a_phone_gets() -> None:
    url = httpx.URL(authorize_url("https://accounts.spotify.com/", "cid", "https://r/cb"))
    assert url.path == "/authorize"
    assert url.params["redirect_uri"] == "https://r/cb"
    assert url.params["code_challenge_method"] == "S256"
    assert len(url.params["code_challenge"]) == 43


# -- the device side --------------------------------------------------------------------


def device_env(tmp_path: Path, relay_url: str, **more: str) -> dict[str, str]:
    return {
        "LEELOO_DEVICE_ENV_FILE": str(tmp_path / "none.env"),
        "LEELOO_DEVICE_STATE_DIR": str(tmp_path / "state"),
        "LEELOO_DEVICE_RELAY_URL": relay_url,
        **more,
    }


async def test_a_device_set_up_well(serve: Serve, now: FakeClock, tmp_path: Path) -> None:
    relay = serve(create_app(build_relay(RelaySettings(store="memory:"), MemoryStore(), now)))
    (tmp_path / "fb0").write_bytes(b"\0" * 8)
    sysfs = tmp_path / "sys-fb0"
    sysfs.mkdir()
    (sysfs / "virtual_size").write_text("480,320\n")
    (sysfs / "bits_per_pixel").write_text("16\n")
    env = device_env(
        tmp_path,
        relay,
        LEELOO_DEVICE_FRAMEBUFFER="on",
        LEELOO_DEVICE_FRAMEBUFFER_DEVICE=str(tmp_path / "fb0"),
        LEELOO_DEVICE_FRAMEBUFFER_SYSFS=str(sysfs),
        LEELOO_DEVICE_PLACE="Berlin",
    )
    settings = device_settings(env)
    FileTokenStore(settings.token_file).save(TokenSet("a", "r", now.time() + 3600, now.time()))

    write_atomic(settings.credential_file, json.dumps({"device_id": "d", "secret": "s"}).encode())
    async with httpx.AsyncClient() as http:
        findings = await examine_device(settings, http, now)
    assert [(f.check, f.status) for f in findings if f.status is not Status.OK] == []
    assert len(findings) == 9


async def test_a_device_with_nothing(tmp_path: Path, now: FakeClock) -> None:
    settings = device_settings(device_env(tmp_path, "http://127.0.0.1:9"))
    async with httpx.AsyncClient() as http:
        found = by_check(await examine_device(settings, http, now))
    assert found["relay"].status is Status.FAIL
    assert found["relay credentials"].status is Status.WARN
    assert found["spotify login"].status is Status.WARN
    assert found["screen"].status is Status.WARN
    assert found["weather location"].status is Status.WARN
