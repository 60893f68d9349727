"""A pairing session: the relay's record of one device pairing with Spotify (pure).

The user experience is RFC 8628's (device authorization grant: a short user code and a
verification URL shown as a QR); underneath it is authorization code + PKCE (RFC 7636)
with the relay's callback as `redirect_uri`, because Spotify offers no device grant.

States:
    PENDING     the device shows the QR and user code; no phone has confirmed yet
    REDIRECTED  a phone confirmed the user code (RFC 8628 §5.4) and went to Spotify with
                this session's single-use OAuth `state`
    AUTHORIZED  Spotify's callback brought a code; it is held (at most `code_hold_s`)
                until the device takes it, exchanges it and reports back
    CONNECTED   the device stored its tokens (terminal)
    FAILED      terminal, with a `FailureReason`

Events (dataclasses below) and rules, kept as data in `TRANSITIONS`:
    PENDING    --Confirm-->         REDIRECTED   (state issued once, kept on re-confirm)
    REDIRECTED --Confirm-->         REDIRECTED   (the phone came back to the page)
    REDIRECTED --CallbackCode-->    AUTHORIZED   (the state is now used)
    REDIRECTED --CallbackError-->   FAILED       (denied, or another OAuth error)
    AUTHORIZED --DeviceConnected--> CONNECTED
    AUTHORIZED --DeviceFailed-->    FAILED       (403 on the first call, or exchange refused)
    PENDING, REDIRECTED, AUTHORIZED --Cancel--> FAILED (cancelled)
    PENDING, REDIRECTED --Expire--> FAILED (expired);  AUTHORIZED --Expire--> FAILED
                                    (device offline: the held code died undelivered)
Anything else raises `PairingError`. Every transition bumps `version`, which stores use
for compare-and-set, so two relay nodes cannot both consume one `state`. The held code is
wiped on every way out of AUTHORIZED.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from leeloo.core.messages import FailureReason, PairingOutcome

# RFC 8628 §6.1: a base-20 alphabet of consonants without look-alikes (no vowels, so no
# words), 8 characters shown as XXXX-XXXX: 20^8 ≈ 2^34.6 codes, with guessing limited.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
USER_CODE_LENGTH = 8
USER_CODE_SPACE = len(USER_CODE_ALPHABET) ** USER_CODE_LENGTH

# Spotify scopes LEELOO asks for, and no more (docs: Scopes).
SCOPES = ("user-read-currently-playing", "user-read-playback-state")


class PairingError(Exception):
    """An event that the session's state does not allow."""


class Status(StrEnum):
    PENDING = "pending"
    REDIRECTED = "redirected"
    AUTHORIZED = "authorized"
    CONNECTED = "connected"
    FAILED = "failed"


@dataclass(frozen=True)
class PairingSession:
    """One pairing attempt; times are wall-clock seconds, `state` the OAuth state."""

    session_id: str
    device_id: str
    user_code: str
    code_challenge: str
    client_id: str
    created_at: float
    expires_at: float
    status: Status = Status.PENDING
    state: str | None = None
    auth_code: str | None = None
    code_expires_at: float | None = None
    failure: FailureReason | None = None
    version: int = 0

    def __repr__(self) -> str:  # the held code never reaches a log through repr
        held = "***" if self.auth_code else None
        return (
            f"PairingSession({self.session_id!r}, device={self.device_id!r}, "
            f"{self.status.value}, failure={self.failure}, code={held})"
        )


@dataclass(frozen=True)
class Confirm:
    state: str  # used only if the session has none yet


@dataclass(frozen=True)
class CallbackCode:
    code: str
    hold_s: float


@dataclass(frozen=True)
class CallbackError:
    error: str  # RFC 6749 §4.1.2.1 `error`


@dataclass(frozen=True)
class DeviceConnected:
    pass


@dataclass(frozen=True)
class DeviceFailed:
    reason: FailureReason


@dataclass(frozen=True)
class Cancel:
    pass


@dataclass(frozen=True)
class Expire:
    pass


Event = Confirm | CallbackCode | CallbackError | DeviceConnected | DeviceFailed | Cancel | Expire

TRANSITIONS: dict[tuple[Status, type[Event]], Status] = {
    (Status.PENDING, Confirm): Status.REDIRECTED,
    (Status.REDIRECTED, Confirm): Status.REDIRECTED,
    (Status.REDIRECTED, CallbackCode): Status.AUTHORIZED,
    (Status.REDIRECTED, CallbackError): Status.FAILED,
    (Status.AUTHORIZED, DeviceConnected): Status.CONNECTED,
    (Status.AUTHORIZED, DeviceFailed): Status.FAILED,
    (Status.PENDING, Cancel): Status.FAILED,
    (Status.REDIRECTED, Cancel): Status.FAILED,
    (Status.AUTHORIZED, Cancel): Status.FAILED,
    (Status.PENDING, Expire): Status.FAILED,
    (Status.REDIRECTED, Expire): Status.FAILED,
    (Status.AUTHORIZED, Expire): Status.FAILED,
}


def device_event(outcome: PairingOutcome) -> Event:
    """The event for a device's `pairing.complete` outcome."""
    if outcome is PairingOutcome.CONNECTED:
        return DeviceConnected()
    return DeviceFailed(FailureReason(outcome.value))


def _failure(session: PairingSession, event: Event) -> FailureReason | None:
    match event:
        case CallbackError(error=error):
            return FailureReason.DENIED if error == "access_denied" else FailureReason.SPOTIFY_ERROR
        case DeviceFailed(reason=reason):
            return reason
        case Cancel():
            return FailureReason.CANCELLED
        case Expire():
            authorized = session.status is Status.AUTHORIZED
            return FailureReason.DEVICE_OFFLINE if authorized else FailureReason.EXPIRED
    return None


def apply(session: PairingSession, event: Event, now: float) -> PairingSession:
    """The session after `event` at `now`, or PairingError if its state does not allow it."""
    target = TRANSITIONS.get((session.status, type(event)))
    if target is None:
        raise PairingError(f"{type(event).__name__} not allowed when {session.status.value}")
    changes: dict[str, object] = {"status": target, "version": session.version + 1}
    if isinstance(event, Confirm):
        changes["state"] = session.state or event.state
    elif isinstance(event, CallbackCode):
        changes["auth_code"] = event.code
        changes["code_expires_at"] = now + event.hold_s
    else:
        changes["auth_code"] = None
        changes["failure"] = _failure(session, event)
    return dataclasses.replace(session, **changes)  # type: ignore[arg-type]


def deadline(session: PairingSession) -> float | None:
    """When the session expires by itself (None once it is over)."""
    if session.status is Status.AUTHORIZED:
        assert session.code_expires_at is not None  # set with the code
        return session.code_expires_at
    if session.status in (Status.PENDING, Status.REDIRECTED):
        return session.expires_at
    return None


def settle(session: PairingSession, now: float) -> PairingSession:
    """The session with its expiry applied if `now` is past its deadline."""
    due = deadline(session)
    if due is not None and now >= due:
        return apply(session, Expire(), now)
    return session


def is_open(session: PairingSession) -> bool:
    return session.status not in (Status.CONNECTED, Status.FAILED)


# -- user codes --------------------------------------------------------------------------


def format_user_code(n: int) -> str:
    """The user code for `n` in [0, USER_CODE_SPACE) (callers draw `n` at random)."""
    if not 0 <= n < USER_CODE_SPACE:
        raise ValueError("n is outside the user-code space")
    chars = []
    for _ in range(USER_CODE_LENGTH):
        n, digit = divmod(n, len(USER_CODE_ALPHABET))
        chars.append(USER_CODE_ALPHABET[digit])
    half = USER_CODE_LENGTH // 2
    return "".join(chars[:half]) + "-" + "".join(chars[half:])


def normalize_user_code(text: str) -> str | None:
    """`text` as a canonical user code (case, spaces and dashes ignored, RFC 8628 §6.1),
    or None if it cannot be one."""
    compact = "".join(c for c in text.upper() if c not in "- \t")
    if len(compact) != USER_CODE_LENGTH or any(c not in USER_CODE_ALPHABET for c in compact):
        return None
    half = USER_CODE_LENGTH // 2
    return compact[:half] + "-" + compact[half:]


# -- guessing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GuessPolicy:
    """At most `limit` user-code lookups per client address per fixed window (RFC 8628
    §5.1: brute-forcing the user code must be rate-limited)."""

    limit: int = 20
    window_s: int = 600

    def window(self, now: float) -> int:
        """The start of the window holding `now` (a counter key, shared by relay nodes)."""
        return int(now // self.window_s) * self.window_s

    def allows(self, count: int) -> bool:
        """Whether the `count`-th lookup in a window may go ahead."""
        return count <= self.limit
