"""Spotify token sets and their freshness rules (spotify.md, "Tokens").

- An access token lives `expires_in` seconds (3600); refresh `REFRESH_LEEWAY_S` before
  it expires, not only after a 401.
- PKCE refresh tokens rotate; an answer without `refresh_token` keeps the old one.
- A login lasts 6 months from the user's *original* consent; refreshing does not extend
  it. The consent time is kept across refreshes, and inside the last
  `warning_days` the screen says "login expires in N days".
- The token endpoint (RFC 6749 §5.1 success, §5.2 error) answers are parsed here into a
  :data:`TokenAnswer`; `invalid_grant` is final (drop the tokens, pair again, never retry).

Token strings are opaque: no length limit, never shown in a `repr`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeGuard

from leeloo.core.playback import (
    PairingReason,
    as_mapping,
    as_text,
    json_object,
    parse_rate_limited,
)

REFRESH_LEEWAY_S = 60.0
DEFAULT_ACCESS_LIFETIME_S = 3600.0
# "Refresh tokens expire 6 months after the user's original consent" (spotify.md). Six
# calendar months are 181 to 184 days; 183 errs on the side of warning a day late rather
# than never (the warning window is days wide).
LOGIN_LIFETIME_S = 183 * 86400.0
DEFAULT_WARNING_DAYS = 7
DAY_S = 86400.0


class TokenFormatError(ValueError):
    """Stored token data that is not a token set."""


@dataclass(frozen=True)
class TokenSet:
    """One user's tokens. Times are wall-clock seconds since the epoch."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    consented_at: float  # the original login; refreshing keeps it
    scope: str = ""
    client_id: str = ""  # the Spotify app the tokens were issued to (refreshes must use it)

    def needs_refresh(self, now: float, leeway: float = REFRESH_LEEWAY_S) -> bool:
        return now >= self.expires_at - leeway

    @property
    def login_ends_at(self) -> float:
        return self.consented_at + LOGIN_LIFETIME_S

    def to_json(self) -> dict[str, object]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "consented_at": self.consented_at,
            "scope": self.scope,
            "client_id": self.client_id,
        }

    @classmethod
    def from_json(cls, data: object) -> TokenSet:
        """Raises TokenFormatError if `data` is not what `to_json` wrote."""
        fields = as_mapping(data)
        access, refresh = as_text(fields.get("access_token")), as_text(fields.get("refresh_token"))
        expires, consented = fields.get("expires_at"), fields.get("consented_at")
        if not access or not refresh:
            raise TokenFormatError("token set without access_token or refresh_token")
        if not _is_number(expires) or not _is_number(consented):
            raise TokenFormatError("token set without expires_at or consented_at")
        scope = as_text(fields.get("scope")) or ""
        client_id = as_text(fields.get("client_id")) or ""
        return cls(access, refresh, float(expires), float(consented), scope, client_id)


def login_expires_in_days(
    tokens: TokenSet | None, now: float, warning_days: int = DEFAULT_WARNING_DAYS
) -> int | None:
    """N for "login expires in N days" inside the warning window, else None."""
    if tokens is None:
        return None
    days = max(0, math.ceil((tokens.login_ends_at - now) / DAY_S))
    return days if days <= warning_days else None


def pairing_reason(tokens: TokenSet, now: float) -> PairingReason:
    """Why `invalid_grant` came back: the 6-month limit (within a day of it), or a revoke."""
    if now >= tokens.login_ends_at - DAY_S:
        return PairingReason.LOGIN_EXPIRED
    return PairingReason.REVOKED


@dataclass(frozen=True)
class TokenRefused:
    """A §5.2 error (`invalid_grant`, `invalid_client`, ...): retrying will not help."""

    error: str
    description: str

    @property
    def grant_gone(self) -> bool:
        """The refresh token is dead (revoked, rotated away or past 6 months)."""
        return self.error == "invalid_grant"


@dataclass(frozen=True)
class TokenUnavailable:
    """The accounts service did not answer usably: try again later."""

    reason: str
    retry_at: float | None = None  # from a 429's Retry-After


TokenAnswer = TokenSet | TokenRefused | TokenUnavailable


def parse_token_answer(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    previous: TokenSet | None,
) -> TokenAnswer:
    """Map one answer of `POST /api/token` to a new token set or the reason there is none.

    `previous` is the set being refreshed (None for a code exchange): its refresh token
    survives an answer without one, and its consent time is kept.
    """
    payload = json_object(body)
    if status == 200:
        return _token_set(payload, now, previous)
    if status == 429:
        return TokenUnavailable("rate limited", parse_rate_limited(headers, body, now).until)
    fields = payload or {}
    error = as_text(fields.get("error"))
    if status in (400, 401) and error:
        return TokenRefused(error, as_text(fields.get("error_description")) or "")
    return TokenUnavailable(f"accounts service answered {status}")


def _token_set(
    payload: dict[str, object] | None, now: float, previous: TokenSet | None
) -> TokenAnswer:
    if payload is None:
        return TokenUnavailable("malformed answer")
    access = as_text(payload.get("access_token"))
    refresh = as_text(payload.get("refresh_token")) or (previous and previous.refresh_token)
    if not access or not refresh:
        return TokenUnavailable("answer without tokens")
    expires_in = payload.get("expires_in")
    lifetime = float(expires_in) if _is_number(expires_in) else DEFAULT_ACCESS_LIFETIME_S
    scope = as_text(payload.get("scope")) or (previous.scope if previous else "")
    consented = previous.consented_at if previous else now
    client_id = previous.client_id if previous else ""
    return TokenSet(access, refresh, now + lifetime, consented, scope, client_id)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
