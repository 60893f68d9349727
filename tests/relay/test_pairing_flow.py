"""Pairing through the relay: the phone pages, the callback, and what the device gets.

The phone is Starlette's TestClient (no redirects followed, so each hop is checked); the
device is a WebSocket on the same app; Spotify is played by building its redirect.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.websockets import WebSocketDisconnect
from tests.relay.conftest import (
    ACCOUNTS,
    Device,
    TestClient,
    WebSocketTestSession,
    advance,
    receive,
)

from leeloo.core.messages import PairingCancel, PairingComplete, PairingOutcome, PairingStart
from leeloo.relay.app import Relay
from leeloo.testing import FakeClock

CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.fixture
def stack() -> Iterator[contextlib.ExitStack]:
    with contextlib.ExitStack() as exit_stack:
        yield exit_stack


@pytest.fixture
def device(client: TestClient) -> Device:
    return Device(client)


def start(ws: WebSocketTestSession) -> dict[str, Any]:
    ws.send_text(PairingStart(code_challenge=CHALLENGE).to_json())
    started = receive(ws)
    assert started["type"] == "pairing.started"
    return started


def confirm(client: TestClient, user_code: str) -> str:
    """Open the QR's page, check it shows the code, confirm: the OAuth state."""
    page = client.get(f"/p/{user_code}")
    assert page.status_code == 200
    assert user_code.upper() in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    # the confirm answer redirects to Spotify: CSP form-action must allow that origin
    assert f"form-action 'self' {ACCOUNTS}" in page.headers["content-security-policy"]
    answer = client.post(f"/p/{user_code}", follow_redirects=False)
    assert answer.status_code == 303
    target = urlsplit(answer.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{ACCOUNTS}/authorize"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query == {
        "client_id": "relay-app",
        "response_type": "code",
        "redirect_uri": "http://relay.test/spotify/callback",
        "scope": "user-read-currently-playing user-read-playback-state",
        "state": query["state"],
        "code_challenge_method": "S256",
        "code_challenge": CHALLENGE,
    }
    return query["state"]


def test_the_happy_path(client: TestClient, device: Device, stack: Any, relay: Relay) -> None:
    ws = device.connect(stack)
    started = start(ws)
    assert started["verification_uri_complete"] == f"http://relay.test/p/{started['user_code']}"
    assert (started["expires_in"], started["interval"]) == (600, 5)
    state = confirm(client, started["user_code"].lower())  # case does not matter
    back = client.get(f"/spotify/callback?code=AQB-code&state={state}", follow_redirects=False)
    assert back.status_code == 303
    assert receive(ws) == {
        "type": "pairing.authorized",
        "session_id": started["session_id"],
        "code": "AQB-code",
        "redirect_uri": "http://relay.test/spotify/callback",
    }
    waiting = client.get(back.headers["location"])
    assert "finishing the sign-in" in waiting.text
    assert 'http-equiv="refresh"' in waiting.text
    done = PairingComplete(session_id=started["session_id"], outcome=PairingOutcome.CONNECTED)
    ws.send_text(done.to_json())
    ws.send_text("{sync")  # the error's return means the relay has handled the complete
    receive(ws)
    page = client.get(back.headers["location"])
    assert (page.status_code, "Connected" in page.text) == (200, True)
    assert client.get(f"/p/{started['user_code']}").status_code == 200  # says connected
    assert relay.metrics.pairing["connected"] == 1
    session = relay.store.sessions[started["session_id"]]  # type: ignore[attr-defined]
    assert session.auth_code is None  # the held code is gone


def test_denied_on_the_phone(client: TestClient, device: Device, stack: Any) -> None:
    ws = device.connect(stack)
    started = start(ws)
    state = confirm(client, started["user_code"])
    page = client.get(f"/spotify/callback?error=access_denied&state={state}")
    assert page.status_code == 403
    assert "You said no" in page.text
    assert receive(ws) == {
        "type": "pairing.failed",
        "session_id": started["session_id"],
        "reason": "denied",
    }


def test_another_oauth_error(client: TestClient, device: Device, stack: Any) -> None:
    ws = device.connect(stack)
    state = confirm(client, start(ws)["user_code"])
    assert client.get(f"/spotify/callback?error=server_error&state={state}").status_code == 502
    assert receive(ws)["reason"] == "spotify_error"


def test_expired_session(client: TestClient, device: Device, clock: FakeClock) -> None:
    with contextlib.ExitStack() as first:
        started = start(device.connect(first))
    state = confirm(client, started["user_code"])
    advance(client, clock, 600)
    page = client.get(f"/spotify/callback?code=late&state={state}")
    assert (page.status_code, "expired" in page.text) == (410, True)
    assert client.get(f"/p/{started['user_code']}").status_code == 410
    with contextlib.ExitStack() as second:  # the device learns it when it is back
        ws = device.connect(second)
        assert receive(ws) == {
            "type": "pairing.failed",
            "session_id": started["session_id"],
            "reason": "expired",
        }


def test_reused_unknown_and_missing_state(client: TestClient, device: Device, stack: Any) -> None:
    ws = device.connect(stack)
    state = confirm(client, start(ws)["user_code"])
    assert client.get(f"/spotify/callback?code=one&state={state}").status_code == 200
    again = client.get(f"/spotify/callback?code=two&state={state}")
    assert (again.status_code, "already used" in again.text) == (409, True)
    assert client.get("/spotify/callback?code=x&state=forged").status_code == 400
    assert client.get("/spotify/callback?code=x").status_code == 400


def test_device_offline_at_callback_gets_the_code_on_resume(
    client: TestClient, device: Device
) -> None:
    with contextlib.ExitStack() as first:
        started = start(device.connect(first))
    state = confirm(client, started["user_code"])
    back = client.get(f"/spotify/callback?code=held&state={state}", follow_redirects=False)
    assert "seems offline" in client.get(back.headers["location"]).text
    with contextlib.ExitStack() as second:
        ws = device.connect(second)
        assert receive(ws)["code"] == "held"
        done = PairingComplete(session_id=started["session_id"], outcome=PairingOutcome.FORBIDDEN)
        ws.send_text(done.to_json())
        ws.send_text("{sync")
        receive(ws)
    page = client.get(back.headers["location"])
    assert (page.status_code, "refused this account" in page.text) == (403, True)


def test_device_offline_until_the_code_dies(
    client: TestClient, device: Device, clock: FakeClock
) -> None:
    with contextlib.ExitStack() as first:
        started = start(device.connect(first))
    state = confirm(client, started["user_code"])
    back = client.get(f"/spotify/callback?code=held&state={state}", follow_redirects=False)
    advance(client, clock, 61)
    page = client.get(back.headers["location"])
    assert (page.status_code, "was offline" in page.text) == (410, True)
    with contextlib.ExitStack() as second:
        ws = device.connect(second)
        assert receive(ws)["reason"] == "device_offline"


def test_a_new_start_cancels_the_old_session(
    client: TestClient, device: Device, stack: Any
) -> None:
    ws = device.connect(stack)
    old = start(ws)
    new = start(ws)
    assert old["user_code"] != new["user_code"]
    assert "cancelled" in client.get(f"/p/{old['user_code']}").text
    ws.send_text(PairingCancel(session_id=new["session_id"]).to_json())
    ws.send_text(PairingCancel(session_id=new["session_id"]).to_json())  # twice is fine
    ws.send_text(PairingComplete(session_id=new["session_id"],
                                 outcome=PairingOutcome.CONNECTED).to_json())  # fmt: skip
    assert receive(ws)["code"] == "unexpected"


def test_a_session_of_another_device_is_not_yours(
    client: TestClient, device: Device, stack: Any
) -> None:
    other = Device(client).connect(stack)
    theirs = start(other)
    ws = device.connect(stack)
    ws.send_text(PairingCancel(session_id=theirs["session_id"]).to_json())
    assert receive(ws)["code"] == "unknown_session"


def test_guessing_is_rate_limited(client: TestClient, device: Device, stack: Any) -> None:
    real = start(device.connect(stack))["user_code"]
    statuses = [client.get(f"/p/BCDF-GHJ{c}").status_code for c in "KLMNPQRS"]
    assert statuses == [404] * 8
    assert client.get(f"/p/{real}").status_code == 429  # found or not: no more answers


def test_pairing_starts_are_rate_limited(device: Device, stack: Any) -> None:
    ws = device.connect(stack)
    for _ in range(20):
        start(ws)
    ws.send_text(PairingStart(code_challenge=CHALLENGE).to_json())
    assert receive(ws)["code"] == "rate_limited"


def test_typing_the_code_by_hand(client: TestClient) -> None:
    assert "Type the code" in client.get("/p").text
    go = client.get("/p/go?code=wdjb mjht", follow_redirects=False)
    assert go.headers["location"] == "/p/WDJB-MJHT"
    bad = client.get("/p/go?code=<script>")
    assert bad.status_code == 400
    assert "<script>" not in bad.text


def test_status_of_an_unknown_or_unconfirmed_session(
    client: TestClient, device: Device, stack: Any
) -> None:
    assert client.get("/p/s/ps_nope").status_code == 400
    started = start(device.connect(stack))
    waiting = client.get(f"/p/s/{started['session_id']}", follow_redirects=False)
    assert waiting.headers["location"] == f"/p/{started['user_code']}"


def test_a_phone_that_comes_back_after_the_callback(
    client: TestClient, device: Device, stack: Any
) -> None:
    ws = device.connect(stack)
    started = start(ws)
    state = confirm(client, started["user_code"])
    client.get(f"/spotify/callback?code=c&state={state}", follow_redirects=False)
    again = client.get(f"/p/{started['user_code']}", follow_redirects=False)
    assert again.headers["location"] == f"/p/s/{started['session_id']}"


def test_health_and_metrics(client: TestClient, relay: Relay, device: Device, stack: Any) -> None:
    device.connect(stack)
    health = client.get("/healthz").json()
    assert health == {"status": "ok", "store": "ok", "connections": 1, "version": health["version"]}
    text = client.get("/metrics").text
    assert "leeloo_relay_connections 1" in text
    assert 'leeloo_relay_messages_in_total{type="hello"} 1' in text
    assert 'leeloo_relay_messages_out_total{type="welcome"} 1' in text
    relay.store.broken = True  # type: ignore[attr-defined]
    broken = client.get("/healthz")
    assert (broken.status_code, broken.json()["store"]) == (503, "unreachable")


def test_registration_is_rate_limited(client: TestClient) -> None:
    codes = [client.post("/v1/devices").status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]


def test_a_store_failure_closes_the_link_with_1011(
    client: TestClient, relay: Relay, device: Device, stack: Any
) -> None:
    ws = device.connect(stack)
    relay.store.broken = True  # type: ignore[attr-defined]
    ws.send_text(PairingStart(code_challenge=CHALLENGE).to_json())
    with pytest.raises(WebSocketDisconnect) as info:
        ws.receive_text()
    assert info.value.code == 1011
