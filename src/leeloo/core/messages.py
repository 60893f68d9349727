"""The device <-> relay wire protocol, version 1 (docs/protocol.md is the reference).

Every frame is one UTF-8 JSON object in a WebSocket text frame (RFC 6455 §5.6) with a
`type` field naming the message; the other fields belong to that type. Each message is a
frozen dataclass that parses (`parse_device_message`, `parse_relay_message`) and
serializes (`Message.to_json`) itself, so no raw dict crosses a module boundary.

Parsing is strict and total: any input either becomes a typed message or raises the one
`ProtocolError`, which carries an `ErrorCode` (sent back in an `error` message) and a
`CloseCode` (RFC 6455 §7.4.2 private range 4000-4999, used when the peer closes instead).
Unknown fields are ignored (a newer peer may add optional ones); unknown types are not.

Direction matters: the relay parses only device messages and the device only relay ones,
so a device cannot forge a `pairing.authorized`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from enum import Enum, IntEnum, StrEnum
from typing import Any, ClassVar, get_type_hints

PROTOCOL_VERSION = 1
# Every string field is bounded; frames are bounded too (by the relay's max frame size).
MAX_STRING = 2048


class CloseCode(IntEnum):
    """WebSocket close codes (RFC 6455 §7.4.1 standard ones, §7.4.2 private 4000-4999)."""

    NORMAL = 1000
    GOING_AWAY = 1001  # the relay is shutting down: reconnect elsewhere or later
    MESSAGE_TOO_BIG = 1009  # a frame over the relay's limit (RFC 6455 §7.4.1)
    INTERNAL_ERROR = 1011  # the relay failed (its store, say): reconnect with backoff
    PROTOCOL_ERROR = 4000  # the first frame was not a valid hello
    UNAUTHORIZED = 4001  # unknown device id or wrong secret: do not retry with them
    UNSUPPORTED_VERSION = 4002  # the hello's protocol version is not spoken here
    REPLACED = 4003  # a newer connection of the same device took over: do not reconnect
    PING_TIMEOUT = 4004  # no frame within the keepalive timeout
    TOO_MANY_ERRORS = 4005  # too many invalid frames after the hello
    HELLO_TIMEOUT = 4006  # no hello within the hello timeout


class ErrorCode(StrEnum):
    """Why a frame was refused; sent in an `error` message or implied by a close code."""

    MALFORMED_JSON = "malformed_json"
    NOT_AN_OBJECT = "not_an_object"
    BINARY_FRAME = "binary_frame"
    UNKNOWN_TYPE = "unknown_type"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    BAD_VALUE = "bad_value"
    UNEXPECTED = "unexpected"  # a valid message at the wrong time (a second hello, say)
    UNKNOWN_SESSION = "unknown_session"
    RATE_LIMITED = "rate_limited"
    NOT_IN_CREW = "not_in_crew"  # a crew this device is not a member of (or no crew at all)
    REFUSED_LINK = "refused_link"  # a song link that is not Spotify's or that oEmbed cannot find
    SENDER_OFFLINE = "sender_offline"  # push by search words needs the sender's own device


class ProtocolError(Exception):
    """A frame that is not a valid message here; `code` says why, `close_code` how to close."""

    def __init__(
        self,
        code: ErrorCode,
        detail: str,
        close_code: CloseCode = CloseCode.PROTOCOL_ERROR,
    ) -> None:
        super().__init__(f"{code.value}: {detail}")
        self.code = code
        self.detail = detail
        self.close_code = close_code


class PairingOutcome(StrEnum):
    """How the device's token exchange ended (sent in `pairing.complete`)."""

    CONNECTED = "connected"
    FORBIDDEN = "forbidden"  # the first Web API call answered 403: not allowlisted / Premium
    EXCHANGE_FAILED = "exchange_failed"  # the token endpoint refused the code


class FailureReason(StrEnum):
    """Why a pairing session ended without tokens (sent in `pairing.failed`)."""

    DENIED = "denied"  # the user pressed Cancel on Spotify's page
    EXPIRED = "expired"  # nobody finished within the session's life
    DEVICE_OFFLINE = "device_offline"  # the code waited for the device and died
    CANCELLED = "cancelled"  # the device cancelled, or started a newer session
    SPOTIFY_ERROR = "spotify_error"  # the callback carried another OAuth error
    # Reported by the device itself (`pairing.complete`), so only the phone page sees them:
    FORBIDDEN = "forbidden"
    EXCHANGE_FAILED = "exchange_failed"


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    """The field names of a message class, in order (looked up once per class)."""
    found = _NAMES.get(cls)
    if found is None:
        found = _NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return found


@dataclass(frozen=True)
class Message:
    """Base of every message: `TYPE` is the wire name."""

    TYPE: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.TYPE}
        for name in _names(type(self)):
            value = getattr(self, name)
            if value is not None:
                body[name] = value.value if isinstance(value, Enum) else value
        return body

    def to_json(self) -> str:
        """The frame's text: compact JSON, `type` first, `None` fields left out."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)


# -- device -> relay ---------------------------------------------------------------------


@dataclass(frozen=True)
class Hello(Message):
    """First frame of every connection: protocol version and the device's credentials."""

    TYPE: ClassVar[str] = "hello"
    v: int
    device_id: str
    secret: str
    client: str | None = None
    crew: bool | None = None  # true: this device takes crew messages (items, crew, synced)

    def __repr__(self) -> str:  # the secret never reaches a log through repr
        return f"Hello(v={self.v}, device_id={self.device_id!r}, secret='***')"


@dataclass(frozen=True)
class Pong(Message):
    """Answer to `ping`, echoing its `t`."""

    TYPE: ClassVar[str] = "pong"
    t: int


@dataclass(frozen=True)
class PairingStart(Message):
    """Ask for a pairing session; `code_challenge` is S256 (RFC 7636 §4.2)."""

    TYPE: ClassVar[str] = "pairing.start"
    code_challenge: str
    client_id: str | None = None  # a device's own Spotify app; the relay's otherwise


@dataclass(frozen=True)
class PairingCancel(Message):
    TYPE: ClassVar[str] = "pairing.cancel"
    session_id: str


@dataclass(frozen=True)
class PairingComplete(Message):
    """The device's token exchange ended; the phone page shows the outcome."""

    TYPE: ClassVar[str] = "pairing.complete"
    session_id: str
    outcome: PairingOutcome


# -- relay -> device ---------------------------------------------------------------------


@dataclass(frozen=True)
class Welcome(Message):
    """Answer to a good hello: the link is up. Times are in seconds."""

    TYPE: ClassVar[str] = "welcome"
    v: int
    device_id: str
    ping_interval: int
    ping_timeout: int
    max_frame: int


@dataclass(frozen=True)
class Ping(Message):
    """Keepalive; the device answers `pong` with the same `t`."""

    TYPE: ClassVar[str] = "ping"
    t: int


@dataclass(frozen=True)
class PairingStarted(Message):
    """RFC 8628 §3.2-shaped answer to `pairing.start` (intervals in seconds)."""

    TYPE: ClassVar[str] = "pairing.started"
    session_id: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int
    redirect_uri: str
    client_id: str


@dataclass(frozen=True)
class PairingAuthorized(Message):
    """Spotify's authorization code for this device's session, to exchange with its verifier."""

    TYPE: ClassVar[str] = "pairing.authorized"
    session_id: str
    code: str
    redirect_uri: str

    def __repr__(self) -> str:
        return f"PairingAuthorized(session_id={self.session_id!r}, code='***')"


@dataclass(frozen=True)
class PairingFailed(Message):
    TYPE: ClassVar[str] = "pairing.failed"
    session_id: str
    reason: FailureReason


@dataclass(frozen=True)
class ErrorMessage(Message):
    """A refused frame; the connection stays open (see `CloseCode` for fatal ones)."""

    TYPE: ClassVar[str] = "error"
    code: ErrorCode
    message: str


# -- crews: the durable channel (docs/protocol.md "Crews") --------------------------------


class ItemKind(StrEnum):
    """What travels through the durable channel (one kind per item)."""

    SONG = "song"  # a Spotify link/URI (or search words) with an optional note
    TEXT = "text"
    REACTION = "reaction"  # to an earlier item (`target`)
    NUDGE = "nudge"
    HANG_PROPOSE = "hang.propose"  # `what` and `at` (epoch seconds)
    HANG_CONFIRM = "hang.confirm"  # `target`: the proposal's item id


@dataclass(frozen=True)
class ItemSend(Message):
    """Send one item to the sender's crew. `key` (idempotency) makes a retry store nothing new;
    `crew_id`, when given, must be the sender's crew. The sender is always the link's device."""

    TYPE: ClassVar[str] = "item.send"
    key: str
    kind: ItemKind
    crew_id: str | None = None
    link: str | None = None  # song: a Spotify link or URI ...
    words: str | None = None  # ... or search words, resolved by the sender's own device
    note: str | None = None
    text: str | None = None
    reaction: str | None = None
    target: str | None = None
    what: str | None = None
    at: int | None = None


@dataclass(frozen=True)
class Ack(Message):
    """Cumulative: the device has taken (and persisted) every item up to `seq`."""

    TYPE: ClassVar[str] = "ack"
    seq: int


@dataclass(frozen=True)
class PhoneClaim(Message):
    """Ask for a one-time link to this device's phone page (shown as a QR)."""

    TYPE: ClassVar[str] = "phone.claim"


@dataclass(frozen=True)
class SearchResult(Message):
    """The device's answer to `search.request`: a Spotify URI, or `error` in words."""

    TYPE: ClassVar[str] = "search.result"
    request_id: str
    uri: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class ItemSent(Message):
    """The item with this `key` is stored for every recipient (or was, for a retry)."""

    TYPE: ClassVar[str] = "item.sent"
    key: str
    item_id: str


@dataclass(frozen=True)
class ItemDelivery(Message):
    """One item for this device, `seq` its place in the device's inbox (1, 2, 3…)."""

    TYPE: ClassVar[str] = "item"
    seq: int
    item_id: str
    kind: ItemKind
    sender_id: str
    sender_name: str
    sent_at: int
    uri: str | None = None
    title: str | None = None
    art_url: str | None = None
    note: str | None = None
    text: str | None = None
    reaction: str | None = None
    target: str | None = None
    what: str | None = None
    at: int | None = None


@dataclass(frozen=True)
class InboxSynced(Message):
    """Everything stored for the device up to `seq` has been sent: what follows is live."""

    TYPE: ClassVar[str] = "inbox.synced"
    seq: int


@dataclass(frozen=True)
class CrewInfo(Message):
    """The device's crew (none: no `crew_id`); `crew.member` messages follow, one per member."""

    TYPE: ClassVar[str] = "crew"
    size: int
    crew_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class CrewMemberInfo(Message):
    """One member and their presence (sent again when it changes)."""

    TYPE: ClassVar[str] = "crew.member"
    device_id: str
    name: str
    online: bool
    last_seen: int | None = None


@dataclass(frozen=True)
class SearchRequest(Message):
    """Resolve `words` to a Spotify URI with this device's own token (the relay has none)."""

    TYPE: ClassVar[str] = "search.request"
    request_id: str
    words: str


@dataclass(frozen=True)
class PhoneLink(Message):
    """A one-time link to this device's phone page; dies after `expires_in` seconds or use."""

    TYPE: ClassVar[str] = "phone.link"
    url: str
    expires_in: int


DeviceMessage = (
    Hello | Pong | PairingStart | PairingCancel | PairingComplete | ItemSend | Ack | PhoneClaim
    | SearchResult
)  # fmt: skip
RelayMessage = (
    Welcome | Ping | PairingStarted | PairingAuthorized | PairingFailed | ErrorMessage
    | ItemSent | ItemDelivery | InboxSynced | CrewInfo | CrewMemberInfo | SearchRequest
    | PhoneLink
)  # fmt: skip

_DEVICE_TYPES: dict[str, type[Message]] = {m.TYPE: m for m in DeviceMessage.__args__}
_RELAY_TYPES: dict[str, type[Message]] = {m.TYPE: m for m in RelayMessage.__args__}


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def decode_object(frame: str | bytes) -> dict[str, Any]:
    """The frame as a JSON object, or ProtocolError (binary, malformed, not an object)."""
    if isinstance(frame, bytes):
        raise ProtocolError(ErrorCode.BINARY_FRAME, "frames are JSON text, not binary")
    try:
        body = json.loads(frame, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested too deep
        raise ProtocolError(ErrorCode.MALFORMED_JSON, "frame is not valid JSON") from None
    if not isinstance(body, dict):
        raise ProtocolError(ErrorCode.NOT_AN_OBJECT, "frame must be a JSON object")
    return body


def _check_value(name: str, expected: Any, value: Any) -> Any:
    """`value` converted to the field's type, or ProtocolError (bool is never an int)."""
    if isinstance(expected, type) and issubclass(expected, Enum):
        try:
            return expected(value)
        except ValueError:
            raise ProtocolError(ErrorCode.BAD_VALUE, f"{name}: unknown value") from None
    if expected is bool and type(value) is not bool:
        raise ProtocolError(ErrorCode.WRONG_TYPE, f"{name} must be true or false")
    if expected is int and (type(value) is not int):
        raise ProtocolError(ErrorCode.WRONG_TYPE, f"{name} must be an integer")
    if expected is str:
        if not isinstance(value, str):
            raise ProtocolError(ErrorCode.WRONG_TYPE, f"{name} must be a string")
        if len(value) > MAX_STRING:
            raise ProtocolError(ErrorCode.BAD_VALUE, f"{name} is too long")
    return value


_PLANS: dict[type, tuple[tuple[str, Any, bool], ...]] = {}


def _plan(cls: type[Message]) -> tuple[tuple[str, Any, bool], ...]:
    """(name, expected type, optional) per field of `cls`, worked out once per class:
    `get_type_hints` evaluates every annotation and costs more than the whole parse."""
    found = _PLANS.get(cls)
    if found is not None:
        return found
    hints = get_type_hints(cls)
    plan = []
    for field in dataclasses.fields(cls):
        expected, optional = hints[field.name], field.default is None
        if optional:  # `X | None`: check against X
            expected = next(a for a in expected.__args__ if a is not type(None))
        plan.append((field.name, expected, optional))
    found = _PLANS[cls] = tuple(plan)
    return found


def _build(cls: type[Message], body: dict[str, Any]) -> Message:
    values: dict[str, Any] = {}
    for name, expected, optional in _plan(cls):
        value = body.get(name)
        if value is None:
            if not optional:
                raise ProtocolError(ErrorCode.MISSING_FIELD, f"{name} is required")
            continue
        values[name] = _check_value(name, expected, value)
    return cls(**values)


def _parse(frame: str | bytes, types: dict[str, type[Message]]) -> Message:
    body = decode_object(frame)
    kind = body.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(ErrorCode.MISSING_FIELD, "type is required")
    cls = types.get(kind)
    if cls is None:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {kind[:40]!r}")
    return _build(cls, body)


def parse_device_message(frame: str | bytes) -> DeviceMessage:
    """A frame from a device, as its message (the relay's parser)."""
    message = _parse(frame, _DEVICE_TYPES)
    assert isinstance(message, DeviceMessage)  # the table holds device messages only
    return message


def parse_relay_message(frame: str | bytes) -> RelayMessage:
    """A frame from the relay, as its message (the device's parser)."""
    message = _parse(frame, _RELAY_TYPES)
    assert isinstance(message, RelayMessage)
    return message


def check_hello(message: DeviceMessage) -> Hello:
    """The connection's first message as a hello of a spoken version, or ProtocolError."""
    if not isinstance(message, Hello):
        raise ProtocolError(ErrorCode.UNEXPECTED, "the first frame must be a hello")
    if message.v != PROTOCOL_VERSION:
        raise ProtocolError(
            ErrorCode.BAD_VALUE,
            f"protocol version {message.v} is not supported (speak {PROTOCOL_VERSION})",
            CloseCode.UNSUPPORTED_VERSION,
        )
    return message
