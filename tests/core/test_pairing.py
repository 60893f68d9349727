"""The pairing session machine, user codes and the guessing policy."""

from __future__ import annotations

import dataclasses

import pytest

from leeloo.core.messages import FailureReason, PairingOutcome
from leeloo.core.pairing import (
    TRANSITIONS,
    USER_CODE_ALPHABET,
    USER_CODE_SPACE,
    CallbackCode,
    CallbackError,
    Cancel,
    Confirm,
    DeviceConnected,
    DeviceFailed,
    Event,
    Expire,
    GuessPolicy,
    PairingError,
    PairingSession,
    Status,
    apply,
    deadline,
    device_event,
    format_user_code,
    is_open,
    normalize_user_code,
    settle,
)

NOW = 1000.0


def fresh() -> PairingSession:
    return PairingSession(
        session_id="ps-1",
        device_id="dev-1",
        user_code="WDJB-MJHT",
        code_challenge="c" * 43,
        client_id="app",
        created_at=NOW,
        expires_at=NOW + 600,
    )


def authorized() -> PairingSession:
    redirected = apply(fresh(), Confirm("st-1"), NOW)
    return apply(redirected, CallbackCode("AQB-code", hold_s=60), NOW + 10)


def test_the_happy_path() -> None:
    s = apply(fresh(), Confirm("st-1"), NOW)
    assert (s.status, s.state, s.version) == (Status.REDIRECTED, "st-1", 1)
    s = apply(s, Confirm("st-2"), NOW)  # the phone came back: the state is kept
    assert s.state == "st-1"
    s = apply(s, CallbackCode("AQB-code", hold_s=60), NOW + 10)
    assert (s.status, s.auth_code, s.code_expires_at) == (Status.AUTHORIZED, "AQB-code", NOW + 70)
    s = apply(s, DeviceConnected(), NOW + 12)
    assert (s.status, s.auth_code, s.failure, s.version) == (Status.CONNECTED, None, None, 4)
    assert not is_open(s)


def test_repr_hides_the_held_code() -> None:
    assert "AQB-code" not in repr(authorized())
    assert "code=None" in repr(fresh())


@pytest.mark.parametrize(
    ("error", "reason"),
    [("access_denied", FailureReason.DENIED), ("server_error", FailureReason.SPOTIFY_ERROR)],
)
def test_callback_errors(error: str, reason: FailureReason) -> None:
    s = apply(apply(fresh(), Confirm("st"), NOW), CallbackError(error), NOW)
    assert (s.status, s.failure) == (Status.FAILED, reason)


@pytest.mark.parametrize(
    ("outcome", "status", "failure"),
    [
        (PairingOutcome.CONNECTED, Status.CONNECTED, None),
        (PairingOutcome.FORBIDDEN, Status.FAILED, FailureReason.FORBIDDEN),
        (PairingOutcome.EXCHANGE_FAILED, Status.FAILED, FailureReason.EXCHANGE_FAILED),
    ],
)
def test_device_outcomes(
    outcome: PairingOutcome, status: Status, failure: FailureReason | None
) -> None:
    s = apply(authorized(), device_event(outcome), NOW)
    assert (s.status, s.failure, s.auth_code) == (status, failure, None)


def test_cancel_from_every_open_state() -> None:
    for start in (fresh(), apply(fresh(), Confirm("s"), NOW), authorized()):
        s = apply(start, Cancel(), NOW)
        assert (s.status, s.failure, s.auth_code) == (Status.FAILED, FailureReason.CANCELLED, None)


def test_expiry_before_and_after_the_callback() -> None:
    assert deadline(fresh()) == NOW + 600
    assert settle(fresh(), NOW + 599) == fresh()
    expired = settle(fresh(), NOW + 600)
    assert (expired.status, expired.failure) == (Status.FAILED, FailureReason.EXPIRED)
    held = authorized()
    assert deadline(held) == NOW + 70
    offline = settle(held, NOW + 70)
    assert (offline.failure, offline.auth_code) == (FailureReason.DEVICE_OFFLINE, None)
    assert deadline(offline) is None
    assert settle(offline, NOW + 10_000) is offline


ALL_EVENTS: list[Event] = [
    Confirm("s"),
    CallbackCode("c", 1),
    CallbackError("access_denied"),
    DeviceConnected(),
    DeviceFailed(FailureReason.FORBIDDEN),
    Cancel(),
    Expire(),
]


@pytest.mark.parametrize("status", list(Status))
def test_everything_outside_the_table_is_refused(status: Status) -> None:
    session = dataclasses.replace(authorized(), status=status)
    for event in ALL_EVENTS:
        if (status, type(event)) in TRANSITIONS:
            apply(session, event, NOW)
        else:
            with pytest.raises(PairingError):
                apply(session, event, NOW)


def test_user_codes_format_and_normalize() -> None:
    assert format_user_code(0) == "BBBB-BBBB"
    last = format_user_code(USER_CODE_SPACE - 1)
    assert last == "ZZZZ-ZZZZ"
    code = format_user_code(123_456_789)
    assert len(code) == 9
    assert code[4] == "-"
    assert set(code.replace("-", "")) <= set(USER_CODE_ALPHABET)
    assert normalize_user_code(code.lower()) == code
    assert normalize_user_code(" " + code.replace("-", " ").lower() + "\t") == code
    assert normalize_user_code(code.replace("-", "")) == code
    for bad in ("", "WDJB-MJH", "WDJB-MJHTX", "WDJB-MJHA", "WDJB_MJHT"):
        assert normalize_user_code(bad) is None


@pytest.mark.parametrize("n", [-1, USER_CODE_SPACE])
def test_user_code_space_is_bounded(n: int) -> None:
    with pytest.raises(ValueError, match="user-code space"):
        format_user_code(n)


def test_guess_policy() -> None:
    policy = GuessPolicy(limit=3, window_s=60)
    assert policy.window(125.5) == 120
    assert policy.allows(3)
    assert not policy.allows(4)
