"""The wire protocol: every message round-trips, every malformed frame gets its code."""

from __future__ import annotations

import json

import pytest

from leeloo.core.messages import (
    MAX_STRING,
    PROTOCOL_VERSION,
    CloseCode,
    ErrorCode,
    ErrorMessage,
    FailureReason,
    Hello,
    Message,
    PairingAuthorized,
    PairingCancel,
    PairingComplete,
    PairingFailed,
    PairingOutcome,
    PairingStart,
    PairingStarted,
    Ping,
    Pong,
    ProtocolError,
    Welcome,
    check_hello,
    decode_object,
    parse_device_message,
    parse_relay_message,
)

DEVICE_MESSAGES: list[Message] = [
    Hello(v=1, device_id="dev-1", secret="s3cret", client="leeloo/0.1"),
    Hello(v=1, device_id="dev-1", secret="s3cret"),
    Pong(t=7),
    PairingStart(code_challenge="c" * 43),
    PairingStart(code_challenge="c" * 43, client_id="my-app"),
    PairingCancel(session_id="ps-1"),
    PairingComplete(session_id="ps-1", outcome=PairingOutcome.FORBIDDEN),
]
RELAY_MESSAGES: list[Message] = [
    Welcome(v=1, device_id="dev-1", ping_interval=20, ping_timeout=50, max_frame=65536),
    Ping(t=3),
    PairingStarted(
        session_id="ps-1",
        user_code="WDJB-MJHT",
        verification_uri="https://relay/p",
        verification_uri_complete="https://relay/p/WDJB-MJHT",
        expires_in=600,
        interval=5,
        redirect_uri="https://relay/spotify/callback",
        client_id="abc",
    ),
    PairingAuthorized(session_id="ps-1", code="AQB", redirect_uri="https://relay/cb"),
    PairingFailed(session_id="ps-1", reason=FailureReason.DENIED),
    ErrorMessage(code=ErrorCode.UNKNOWN_TYPE, message="no"),
]


@pytest.mark.parametrize("message", DEVICE_MESSAGES, ids=repr)
def test_device_messages_round_trip(message: Message) -> None:
    assert parse_device_message(message.to_json()) == message


@pytest.mark.parametrize("message", RELAY_MESSAGES, ids=repr)
def test_relay_messages_round_trip(message: Message) -> None:
    assert parse_relay_message(message.to_json()) == message


def test_serialized_type_comes_first_and_none_is_left_out() -> None:
    text = PairingStart(code_challenge="x").to_json()
    assert text == '{"type":"pairing.start","code_challenge":"x"}'


def test_secrets_stay_out_of_repr() -> None:
    assert "s3cret" not in repr(Hello(v=1, device_id="d", secret="s3cret"))
    assert "AQB" not in repr(PairingAuthorized(session_id="p", code="AQB", redirect_uri="r"))


def error_of(frame: str | bytes) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        parse_device_message(frame)
    return info.value


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b'{"type":"pong","t":1}', ErrorCode.BINARY_FRAME),
        ("{nope", ErrorCode.MALFORMED_JSON),
        ('{"type":"pong","t":NaN}', ErrorCode.MALFORMED_JSON),
        ("[" * 50_000, ErrorCode.MALFORMED_JSON),
        ("[1, 2]", ErrorCode.NOT_AN_OBJECT),
        ('"hello"', ErrorCode.NOT_AN_OBJECT),
        ('{"t":1}', ErrorCode.MISSING_FIELD),
        ('{"type":7}', ErrorCode.MISSING_FIELD),
        ('{"type":"welcome"}', ErrorCode.UNKNOWN_TYPE),  # a relay message, from a device
        ('{"type":"nope"}', ErrorCode.UNKNOWN_TYPE),
        ('{"type":"pong"}', ErrorCode.MISSING_FIELD),
        ('{"type":"pong","t":null}', ErrorCode.MISSING_FIELD),
        ('{"type":"pong","t":"1"}', ErrorCode.WRONG_TYPE),
        ('{"type":"pong","t":true}', ErrorCode.WRONG_TYPE),
        ('{"type":"pong","t":1.5}', ErrorCode.WRONG_TYPE),
        ('{"type":"pairing.cancel","session_id":5}', ErrorCode.WRONG_TYPE),
        ('{"type":"pairing.start","code_challenge":"x","client_id":[]}', ErrorCode.WRONG_TYPE),
        ('{"type":"pairing.complete","session_id":"p","outcome":"meh"}', ErrorCode.BAD_VALUE),
        ('{"type":"pairing.complete","session_id":"p","outcome":[1]}', ErrorCode.BAD_VALUE),
        (json.dumps({"type": "pairing.cancel", "session_id": "x" * (MAX_STRING + 1)}),
         ErrorCode.BAD_VALUE),
    ],
)  # fmt: skip
def test_malformed_frames_get_their_error_code(frame: str | bytes, code: ErrorCode) -> None:
    error = error_of(frame)
    assert error.code is code
    assert error.close_code is CloseCode.PROTOCOL_ERROR
    assert code.value in str(error)


def test_huge_integers_are_malformed_not_a_crash() -> None:
    assert error_of('{"type":"pong","t":' + "9" * 5000 + "}").code is ErrorCode.MALFORMED_JSON


def test_unknown_fields_are_ignored() -> None:
    assert parse_device_message('{"type":"pong","t":1,"extra":{"a":[1]}}') == Pong(t=1)


def test_relay_parser_refuses_device_messages() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_relay_message(Pong(t=1).to_json())
    assert info.value.code is ErrorCode.UNKNOWN_TYPE


def test_decode_object_returns_the_dict() -> None:
    assert decode_object('{"a": 1}') == {"a": 1}


def test_check_hello_accepts_the_spoken_version() -> None:
    hello = Hello(v=PROTOCOL_VERSION, device_id="d", secret="s")
    assert check_hello(hello) is hello


def test_check_hello_refuses_another_first_message() -> None:
    with pytest.raises(ProtocolError) as info:
        check_hello(Pong(t=1))
    assert info.value.code is ErrorCode.UNEXPECTED
    assert info.value.close_code is CloseCode.PROTOCOL_ERROR


def test_check_hello_refuses_another_version() -> None:
    with pytest.raises(ProtocolError) as info:
        check_hello(Hello(v=PROTOCOL_VERSION + 1, device_id="d", secret="s"))
    assert info.value.close_code is CloseCode.UNSUPPORTED_VERSION
