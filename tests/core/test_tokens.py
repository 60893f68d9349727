"""Token sets: freshness, the 6-month login, and the token endpoint's answers."""

from __future__ import annotations

import json

import pytest

from leeloo.core.playback import PairingReason
from leeloo.core.tokens import (
    DAY_S,
    LOGIN_LIFETIME_S,
    TokenFormatError,
    TokenRefused,
    TokenSet,
    TokenUnavailable,
    login_expires_in_days,
    pairing_reason,
    parse_token_answer,
)

T = 1_767_225_600.0
OLD = TokenSet("access-old", "refresh-old", T + 3600, T - 86400, "user-read-currently-playing")


def answer(status: int, payload: object, headers: dict[str, str] | None = None,
           previous: TokenSet | None = OLD) -> object:  # fmt: skip
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return parse_token_answer(status, headers or {}, raw, now=T, previous=previous)


def test_refresh_sixty_seconds_before_expiry() -> None:
    assert not OLD.needs_refresh(T + 3539)
    assert OLD.needs_refresh(T + 3540)
    assert OLD.needs_refresh(T + 3600, leeway=0)


def test_repr_never_shows_tokens() -> None:
    assert "access-old" not in repr(OLD)
    assert "refresh-old" not in repr(OLD)


def test_rotation_keeps_the_consent_time() -> None:
    new = answer(200, {"access_token": "a2", "refresh_token": "r2", "expires_in": 3600,
                       "token_type": "Bearer", "scope": "s"})  # fmt: skip
    assert new == TokenSet("a2", "r2", T + 3600, OLD.consented_at, "s")


def test_an_answer_without_refresh_token_keeps_the_old_one() -> None:
    new = answer(200, {"access_token": "a2", "expires_in": 1800})
    assert new == TokenSet("a2", "refresh-old", T + 1800, OLD.consented_at, OLD.scope)


def test_a_code_exchange_starts_the_login_now() -> None:
    new = answer(200, {"access_token": "a", "refresh_token": "r", "expires_in": "x"}, previous=None)
    assert new == TokenSet("a", "r", T + 3600, T, "")


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (400, {"error": "invalid_grant", "error_description": "Refresh token revoked"},
         TokenRefused("invalid_grant", "Refresh token revoked")),
        (401, {"error": "invalid_client"}, TokenRefused("invalid_client", "")),
        (400, b"Bad request", TokenUnavailable("accounts service answered 400")),
        (503, b"<html>", TokenUnavailable("accounts service answered 503")),
        (200, b"{not json", TokenUnavailable("malformed answer")),
        (200, {"access_token": ""}, TokenUnavailable("answer without tokens")),
    ],
)  # fmt: skip
def test_failures(status: int, payload: object, expected: object) -> None:
    assert answer(status, payload) == expected


def test_first_answer_without_refresh_token_is_unusable() -> None:
    assert answer(200, {"access_token": "a"}, previous=None) == TokenUnavailable(
        "answer without tokens"
    )


def test_only_invalid_grant_means_the_grant_is_gone() -> None:
    assert TokenRefused("invalid_grant", "").grant_gone
    assert not TokenRefused("invalid_client", "").grant_gone


def test_a_rate_limited_token_endpoint() -> None:
    assert answer(429, b"Too many requests", {"Retry-After": "9"}) == TokenUnavailable(
        "rate limited", T + 9
    )


def test_login_warning_window() -> None:
    tokens = TokenSet("a", "r", T, T, "")
    end = T + LOGIN_LIFETIME_S
    assert login_expires_in_days(None, T) is None
    assert login_expires_in_days(tokens, T) is None
    assert login_expires_in_days(tokens, end - 7 * DAY_S - 1) is None
    assert login_expires_in_days(tokens, end - 7 * DAY_S) == 7
    assert login_expires_in_days(tokens, end - 6.5 * DAY_S) == 7
    assert login_expires_in_days(tokens, end - 1) == 1
    assert login_expires_in_days(tokens, end + DAY_S) == 0
    assert login_expires_in_days(tokens, end - 10 * DAY_S, warning_days=14) == 10


def test_why_the_grant_died() -> None:
    tokens = TokenSet("a", "r", T, T, "")
    assert pairing_reason(tokens, T + 86400) is PairingReason.REVOKED
    assert pairing_reason(tokens, T + LOGIN_LIFETIME_S - 3600) is PairingReason.LOGIN_EXPIRED


def test_json_round_trip_and_damage() -> None:
    assert TokenSet.from_json(json.loads(json.dumps(OLD.to_json()))) == OLD
    with pytest.raises(TokenFormatError):
        TokenSet.from_json({"access_token": "a"})
    with pytest.raises(TokenFormatError):
        TokenSet.from_json({"access_token": "a", "refresh_token": "r", "expires_at": True,
                            "consented_at": 1})  # fmt: skip
    assert TokenSet.from_json({"access_token": "a", "refresh_token": "r", "expires_at": 1,
                               "consented_at": 2}).scope == ""  # fmt: skip
    with_app = TokenSet("a", "r", 1.0, 2.0, "s", client_id="app")
    assert TokenSet.from_json(with_app.to_json()) == with_app
