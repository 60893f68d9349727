"""What Spotify says is playing, as typed results: one per row of spotify.md's table.

`GET /v1/me/player/currently-playing?additional_types=track,episode`
(https://developer.spotify.com/documentation/web-api/reference/get-the-users-currently-playing-track)
answers, and what :func:`parse_currently_playing` makes of them:

| answer                                              | result                     |
|-----------------------------------------------------|----------------------------|
| 200, `item` a track (`is_playing` true or false)    | TrackPlaying (paused flag) |
| 200, `item` an episode                              | EpisodePlaying             |
| 200, `item: null` (`ad`, `unknown`, bare `episode`) | AdOrUnknown                |
| 204, or 200 with an empty body                      | NothingPlaying             |
| 401                                                 | Unauthorized               |
| 403                                                 | Forbidden (reason, words)  |
| 429 + `Retry-After` (plain text or QUOTA_EXCEEDED)  | RateLimited(until, quota)  |
| 5xx, stray 404, anything else, unparsable 200       | Unavailable(reason)        |

Adapters add two results that need no HTTP answer: NeedsPairing (no tokens, or the
accounts service said `invalid_grant`) and Unavailable for timeouts and DNS failures.

Bodies are parsed defensively: an error body may not be JSON (a 429 is often plain
`Too many requests`), fields may be missing or of the wrong type. Classification is by
status code and parsed fields (`error.reason`, exact known messages), never by substring.
`timestamp` in the body is unreliable (spotify.md), so every result carries our own
`fetched_at` (wall-clock seconds) instead.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal

# The screen's art is 244 px square: the smallest image at least this wide keeps it sharp
# without decoding a 640 px JPEG on a Pi Zero (Spotify sends 640, 300 and 64 px).
ART_TARGET_PX = 300
# A 429 without a usable Retry-After: wait this long (RFC 9110 §10.2.3 makes it optional).
DEFAULT_RETRY_AFTER_S = 30.0

ItemKind = Literal["track", "episode"]


@dataclass(frozen=True)
class Item:
    """A track or an episode, reduced to what the screen shows."""

    kind: ItemKind
    uri: str
    title: str
    artists: tuple[str, ...]  # track artists; for an episode, the show's publisher
    album: str  # the album; for an episode, the show
    art_url: str | None
    duration_ms: int | None


@dataclass(frozen=True)
class TrackPlaying:
    item: Item
    progress_ms: int | None
    is_playing: bool  # false: paused
    fetched_at: float


@dataclass(frozen=True)
class EpisodePlaying:
    item: Item
    progress_ms: int | None
    is_playing: bool
    fetched_at: float


@dataclass(frozen=True)
class AdOrUnknown:
    kind: str  # `currently_playing_type`: "ad", "unknown", "episode", ...
    is_playing: bool
    fetched_at: float


@dataclass(frozen=True)
class NothingPlaying:
    """No active device, or a private session: Spotify answers both with 204."""

    fetched_at: float


class PairingReason(enum.Enum):
    NOT_PAIRED = "Spotify is not connected yet"
    LOGIN_EXPIRED = "the Spotify login reached its 6-month limit"
    REVOKED = "the Spotify login was revoked"


@dataclass(frozen=True)
class NeedsPairing:
    reason: PairingReason
    fetched_at: float


@dataclass(frozen=True)
class Unauthorized:
    """401: the access token expired or was revoked early (refresh once, retry once)."""

    message: str
    fetched_at: float


class ForbiddenReason(enum.Enum):
    NOT_ALLOWLISTED = "this Spotify account is not on the app's user list (development mode)"
    NOT_PREMIUM = "the Spotify app's owner needs a Premium subscription"
    OTHER = "Spotify refused access"


@dataclass(frozen=True)
class Forbidden:
    reason: ForbiddenReason
    message: str  # Spotify's own message, for support
    fetched_at: float

    @property
    def words(self) -> str:
        return self.reason.value


@dataclass(frozen=True)
class RateLimited:
    until: float  # wall-clock time before which no call may be sent
    quota: bool  # `reason: QUOTA_EXCEEDED`: a longer limit than the rolling window
    fetched_at: float


@dataclass(frozen=True)
class Unavailable:
    reason: str  # "server error 503", "timeout", "network: ...", "stray 404", ...
    fetched_at: float


PlaybackResult = (
    TrackPlaying
    | EpisodePlaying
    | AdOrUnknown
    | NothingPlaying
    | NeedsPairing
    | Unauthorized
    | Forbidden
    | RateLimited
    | Unavailable
)

# 403 classification. Spotify's `reason` codes where it sends one, else its exact message
# for the development-mode refusals (normalised: case, spaces and a final period).
_FORBIDDEN_REASONS = {
    "PREMIUM_REQUIRED": ForbiddenReason.NOT_PREMIUM,
    "USER_NOT_REGISTERED": ForbiddenReason.NOT_ALLOWLISTED,
    "NOT_ALLOWLISTED": ForbiddenReason.NOT_ALLOWLISTED,
}
_FORBIDDEN_MESSAGES = {
    "user not registered in the developer dashboard": ForbiddenReason.NOT_ALLOWLISTED,
    "check settings on developer.spotify.com/dashboard, the user may not be registered": (
        ForbiddenReason.NOT_ALLOWLISTED
    ),
    "active premium subscription required for the owner of the app": ForbiddenReason.NOT_PREMIUM,
    "premium required": ForbiddenReason.NOT_PREMIUM,
}


def parse_currently_playing(
    status: int, headers: Mapping[str, str], body: bytes, fetched_at: float
) -> PlaybackResult:
    """Map one HTTP answer of the currently-playing endpoint to its result.

    `headers` may use any case. Never raises: whatever the body holds, a result comes back.
    """
    if status == 200:
        return _parse_ok(body, fetched_at)
    if status == 204:
        return NothingPlaying(fetched_at)
    if status == 401:
        return Unauthorized(_error_fields(body)[1] or "access token refused", fetched_at)
    if status == 403:
        return parse_forbidden(body, fetched_at)
    if status == 429:
        return parse_rate_limited(headers, body, fetched_at)
    if status == 404:
        return Unavailable("stray 404", fetched_at)  # known intermittent fault: transient
    if status >= 500:
        return Unavailable(f"server error {status}", fetched_at)
    return Unavailable(f"unexpected status {status}", fetched_at)


def parse_forbidden(body: bytes, fetched_at: float) -> Forbidden:
    """A 403: not allowlisted or owner not Premium, from `error.reason` or the message."""
    reason_code, message = _error_fields(body)
    reason = _FORBIDDEN_REASONS.get(reason_code or "")
    if reason is None:
        reason = _FORBIDDEN_MESSAGES.get(_normalise(message or ""), ForbiddenReason.OTHER)
    return Forbidden(reason, message or "", fetched_at)


def parse_rate_limited(headers: Mapping[str, str], body: bytes, fetched_at: float) -> RateLimited:
    """A 429: `Retry-After` (seconds or an HTTP date) and the QUOTA_EXCEEDED reason."""
    wait = retry_after_seconds(headers, fetched_at)
    quota = _error_fields(body)[0] == "QUOTA_EXCEEDED"
    return RateLimited(
        fetched_at + (DEFAULT_RETRY_AFTER_S if wait is None else wait), quota, fetched_at
    )


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """`Retry-After` in seconds from `now` (RFC 9110 §10.2.3: delay-seconds or HTTP-date)."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def _parse_ok(body: bytes, fetched_at: float) -> PlaybackResult:
    if not body.strip():
        return NothingPlaying(fetched_at)  # seen in the wild: 200 with no body
    payload = json_object(body)
    if payload is None:
        return Unavailable("malformed answer", fetched_at)
    is_playing = payload.get("is_playing") is True
    item = payload.get("item")
    kind = as_text(payload.get("currently_playing_type")) or "unknown"
    if not isinstance(item, dict):
        return AdOrUnknown(kind, is_playing, fetched_at)
    parsed = parse_item(item)
    if parsed is None:
        return AdOrUnknown(kind, is_playing, fetched_at)
    progress = as_count(payload.get("progress_ms"))
    if parsed.kind == "episode":
        return EpisodePlaying(parsed, progress, is_playing, fetched_at)
    return TrackPlaying(parsed, progress, is_playing, fetched_at)


def parse_item(item: Mapping[str, object]) -> Item | None:
    """A track or episode object (Web API shape), or None if it is not usable."""
    kind = item.get("type")
    uri = as_text(item.get("uri"))
    if kind not in ("track", "episode") or not uri:
        return None
    title = as_text(item.get("name")) or ""
    duration = as_count(item.get("duration_ms"))
    if kind == "track":
        album = as_mapping(item.get("album"))
        artists = tuple(
            name
            for a in as_list(item.get("artists"))
            if (name := as_text(as_mapping(a).get("name")))
        )
        images = album.get("images")
        return Item("track", uri, title, artists, as_text(album.get("name")) or "",
                    pick_art(images), duration)  # fmt: skip
    show = as_mapping(item.get("show"))
    publisher = as_text(show.get("publisher"))
    art = pick_art(item.get("images")) or pick_art(show.get("images"))
    return Item("episode", uri, title, (publisher,) if publisher else (),
                as_text(show.get("name")) or "", art, duration)  # fmt: skip


def pick_art(images: object) -> str | None:
    """The smallest image at least ART_TARGET_PX wide, else the widest, else the first."""
    found: list[tuple[int, str]] = []
    first: str | None = None
    for image in as_list(images):
        url = as_text(as_mapping(image).get("url"))
        if not url:
            continue
        first = first or url
        width = as_count(as_mapping(image).get("width"))
        if width is not None:
            found.append((width, url))
    big_enough = sorted(w for w in found if w[0] >= ART_TARGET_PX)
    if big_enough:
        return big_enough[0][1]
    if found:
        return max(found)[1]
    return first


def _error_fields(body: bytes) -> tuple[str | None, str | None]:
    """(`error.reason`, `error.message`) of a Web API error body; plain text is a message."""
    payload = json_object(body)
    if payload is None:
        text = body.decode("utf-8", "replace").strip()
        return None, text or None
    error = payload.get("error")
    if isinstance(error, str):  # the accounts service's RFC 6749 shape
        return error, as_text(payload.get("error_description"))
    fields = as_mapping(error)
    return as_text(fields.get("reason")), as_text(fields.get("message"))


def json_object(body: bytes) -> dict[str, object] | None:
    """The body as a JSON object, or None (not JSON, not UTF-8, not an object)."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _normalise(message: str) -> str:
    return " ".join(message.lower().split()).rstrip(".")


# Defensive readers of parsed JSON: a value of the wrong type reads as missing.
def as_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def as_count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return int(value)


def as_mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
