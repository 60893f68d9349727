"""The device link: hello and credentials, one connection per device, keepalive, refusals."""

from __future__ import annotations

import contextlib
import json

import pytest
from starlette.websockets import WebSocketDisconnect
from tests.relay.conftest import Device, TestClient, advance, receive

from leeloo.core.messages import CloseCode, Hello, Pong
from leeloo.relay.app import Relay
from leeloo.testing import FakeClock


def close_code(client: TestClient, first: str | bytes | None) -> int:
    with client.websocket_connect("/v1/link") as ws:
        if isinstance(first, bytes):
            ws.send_bytes(first)
        elif first is not None:
            ws.send_text(first)
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    return info.value.code


def test_welcome_carries_the_link_settings(client: TestClient) -> None:
    device = Device(client)
    with client.websocket_connect("/v1/link") as ws:
        ws.send_text(Hello(v=1, device_id=device.device_id, secret=device.secret).to_json())
        assert receive(ws) == {
            "type": "welcome",
            "v": 1,
            "device_id": device.device_id,
            "ping_interval": 20,
            "ping_timeout": 50,
            "max_frame": 4096,
        }


def test_wrong_secret_and_unknown_device_are_refused(client: TestClient, relay: Relay) -> None:
    device = Device(client)
    wrong = Hello(v=1, device_id=device.device_id, secret="not-it").to_json()
    unknown = Hello(v=1, device_id="dev_nobody", secret=device.secret).to_json()
    assert close_code(client, wrong) == CloseCode.UNAUTHORIZED
    assert close_code(client, unknown) == CloseCode.UNAUTHORIZED
    assert relay.metrics.errors["unauthorized"] == 2
    assert len(relay.hub) == 0


@pytest.mark.parametrize(
    ("first", "code"),
    [
        ('{"type":"hello","v":2,"device_id":"d","secret":"s"}', CloseCode.UNSUPPORTED_VERSION),
        ('{"type":"pong","t":1}', CloseCode.PROTOCOL_ERROR),
        ("{not json", CloseCode.PROTOCOL_ERROR),
        (b"\x00\x01", CloseCode.PROTOCOL_ERROR),
        ("x" * 5000, CloseCode.MESSAGE_TOO_BIG),
    ],
)
def test_a_bad_first_frame_closes_with_its_code(
    client: TestClient, first: str | bytes, code: CloseCode
) -> None:
    assert close_code(client, first) == code


def test_no_hello_in_time(client: TestClient, relay: Relay, clock: FakeClock) -> None:
    with client.websocket_connect("/v1/link") as ws:
        advance(client, clock, 11)
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    assert info.value.code == CloseCode.HELLO_TIMEOUT
    assert relay.metrics.errors["hello_timeout"] == 1


def test_a_newer_connection_replaces_the_older(client: TestClient, relay: Relay) -> None:
    device = Device(client)
    with contextlib.ExitStack() as stack:
        first = device.connect(stack)
        second = device.connect(stack)
        with pytest.raises(WebSocketDisconnect) as info:
            first.receive_text()
        assert info.value.code == CloseCode.REPLACED
        assert len(relay.hub) == 1
        second.send_text(Pong(t=1).to_json())  # the newer one still works
        second.send_text("{bad")
        assert receive(second)["code"] == "malformed_json"


def test_pings_and_a_silent_device_is_dropped(
    client: TestClient, relay: Relay, clock: FakeClock
) -> None:
    device = Device(client)
    with contextlib.ExitStack() as stack:
        ws = device.connect(stack)
        advance(client, clock, 20)
        assert receive(ws) == {"type": "ping", "t": 20}
        ws.send_text(Pong(t=20).to_json())
        ws.send_text("{bad")  # a round trip: the pong has been read when the error is back
        assert receive(ws)["type"] == "error"
        advance(client, clock, 20)
        assert receive(ws)["type"] == "ping"
        advance(client, clock, 49)  # 69 s after the last frame from the device
        assert receive(ws)["type"] == "ping"  # at 60 s, then the close at 70 s
        with pytest.raises(WebSocketDisconnect) as info:
            receive(ws)
        assert info.value.code == CloseCode.PING_TIMEOUT
    assert len(relay.hub) == 0
    assert relay.metrics.errors["ping_timeout"] == 1


def test_bad_frames_get_errors_then_the_link_closes(client: TestClient, relay: Relay) -> None:
    device = Device(client)
    frames = [
        "[1]",
        '{"type":"launch"}',
        '{"type":"pong"}',
        Hello(v=1, device_id=device.device_id, secret=device.secret).to_json(),
    ]
    with contextlib.ExitStack() as stack:
        ws = device.connect(stack)
        codes = []
        for frame in frames:
            ws.send_text(frame)
            codes.append(receive(ws)["code"])
        assert codes == ["not_an_object", "unknown_type", "missing_field", "unexpected"]
        ws.send_bytes(b"{}")
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
        assert info.value.code == CloseCode.TOO_MANY_ERRORS


def test_an_oversized_frame_after_hello(client: TestClient) -> None:
    device = Device(client)
    with contextlib.ExitStack() as stack:
        ws = device.connect(stack)
        ws.send_text(json.dumps({"type": "pong", "t": 1, "pad": "x" * 5000}))
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
        assert info.value.code == CloseCode.MESSAGE_TOO_BIG


def test_unknown_sessions_are_refused(client: TestClient) -> None:
    device = Device(client)
    with contextlib.ExitStack() as stack:
        ws = device.connect(stack)
        ws.send_text('{"type":"pairing.cancel","session_id":"ps_nope"}')
        assert receive(ws)["code"] == "unknown_session"
