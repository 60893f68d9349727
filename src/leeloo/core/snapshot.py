"""The immutable snapshot the device engine publishes: what the screen can show.

:func:`next_snapshot` folds one :mod:`leeloo.core.playback` result into the previous
snapshot. Rules (spotify.md, "what the screen shows"):

- a track, episode, ad or nothing: the snapshot says exactly that, offline mark cleared;
- needs pairing / forbidden: the state and its cause (an enum whose value is the words),
  no music;
- 429: the last frame stays, with "back at HH:MM" (`rate_limited_until`);
- 5xx, timeout, DNS, a 401 that survived the retry: the last frame stays, marked offline.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import assert_never

from leeloo.core.playback import (
    AdOrUnknown,
    EpisodePlaying,
    Forbidden,
    ForbiddenReason,
    Item,
    NeedsPairing,
    NothingPlaying,
    PairingReason,
    PlaybackResult,
    RateLimited,
    TrackPlaying,
    Unauthorized,
    Unavailable,
    as_count,
    as_list,
    as_mapping,
    as_text,
)

Cause = PairingReason | ForbiddenReason


class PlaybackState(enum.Enum):
    STARTING = "starting"  # nothing fetched yet, nothing remembered
    PLAYING = "playing"
    PAUSED = "paused"
    AD = "ad"  # an ad, or an item Spotify does not describe (`ad_kind` says which)
    IDLE = "idle"  # nothing playing, or a private session (indistinguishable)
    NEEDS_PAIRING = "needs_pairing"  # `cause`: a PairingReason
    FORBIDDEN = "forbidden"  # `cause`: a ForbiddenReason


@dataclass(frozen=True)
class PlaybackSnapshot:
    """What the screen can show about the owner's Spotify, at one instant.

    Equality means "something a user can see changed": `progress_ms` and `fetched_at`
    are left out of it, so a poll that only finds the track further along publishes
    nothing. While rate-limited or offline the music fields keep the last good answer.
    """

    state: PlaybackState = PlaybackState.STARTING
    item: Item | None = None
    is_playing: bool = False
    cause: Cause | None = None
    ad_kind: str | None = None
    login_expires_in_days: int | None = None  # set inside the warning window only
    rate_limited_until: float | None = None  # wall-clock seconds
    offline: bool = False
    progress_ms: int | None = field(default=None, compare=False)
    fetched_at: float | None = field(default=None, compare=False)

    @property
    def words(self) -> str | None:
        """The cause of NEEDS_PAIRING or FORBIDDEN, in words."""
        return self.cause.value if self.cause is not None else None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict with stable keys (`leeloo device --once --json`, the saved file)."""
        item = self.item
        return {
            "state": self.state.value,
            "item": None if item is None else {
                "kind": item.kind, "uri": item.uri, "title": item.title,
                "artists": list(item.artists), "album": item.album, "art_url": item.art_url,
                "duration_ms": item.duration_ms,
            },
            "is_playing": self.is_playing,
            "cause": None if self.cause is None else self.cause.name,
            "words": self.words,
            "ad_kind": self.ad_kind,
            "login_expires_in_days": self.login_expires_in_days,
            "rate_limited_until": self.rate_limited_until,
            "offline": self.offline,
            "progress_ms": self.progress_ms,
            "fetched_at": self.fetched_at,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: object) -> PlaybackSnapshot | None:
        """The snapshot `to_json` made, or None if `data` is not one (a damaged file)."""
        fields = as_mapping(data)
        try:
            state = PlaybackState(fields.get("state"))
        except ValueError:
            return None
        raw_item = fields.get("item")
        item = _item_from_json(raw_item)
        if raw_item is not None and item is None:
            return None
        return cls(
            state,
            item,
            fields.get("is_playing") is True,
            _cause_from_name(fields.get("cause")),
            as_text(fields.get("ad_kind")),
            as_count(fields.get("login_expires_in_days")),
            _seconds(fields.get("rate_limited_until")),
            fields.get("offline") is True,
            as_count(fields.get("progress_ms")),
            _seconds(fields.get("fetched_at")),
        )


def next_snapshot(
    previous: PlaybackSnapshot, result: PlaybackResult, login_expires_in_days: int | None
) -> PlaybackSnapshot:
    """Fold one result into the snapshot: what the screen shows after this answer."""
    days = login_expires_in_days
    match result:
        case TrackPlaying() | EpisodePlaying():
            state = PlaybackState.PLAYING if result.is_playing else PlaybackState.PAUSED
            return PlaybackSnapshot(
                state, result.item, result.is_playing, login_expires_in_days=days,
                progress_ms=result.progress_ms, fetched_at=result.fetched_at,
            )  # fmt: skip
        case AdOrUnknown():
            return PlaybackSnapshot(
                PlaybackState.AD, is_playing=result.is_playing, ad_kind=result.kind,
                login_expires_in_days=days, fetched_at=result.fetched_at,
            )  # fmt: skip
        case NothingPlaying():
            return PlaybackSnapshot(
                PlaybackState.IDLE, login_expires_in_days=days, fetched_at=result.fetched_at
            )
        case NeedsPairing():
            return PlaybackSnapshot(
                PlaybackState.NEEDS_PAIRING, cause=result.reason, fetched_at=result.fetched_at
            )
        case Forbidden():
            return PlaybackSnapshot(
                PlaybackState.FORBIDDEN, cause=result.reason, login_expires_in_days=days,
                fetched_at=result.fetched_at,
            )  # fmt: skip
        case RateLimited():
            return replace(previous, rate_limited_until=result.until, login_expires_in_days=days)
        case Unauthorized() | Unavailable():
            return replace(previous, offline=True, login_expires_in_days=days)
        case _:  # pragma: no cover - the union is closed; mypy checks it
            assert_never(result)


def _item_from_json(data: object) -> Item | None:
    fields = as_mapping(data)
    kind, uri = fields.get("kind"), as_text(fields.get("uri"))
    if (kind != "track" and kind != "episode") or not uri:
        return None
    artists = tuple(a for a in as_list(fields.get("artists")) if isinstance(a, str))
    return Item(
        kind, uri, as_text(fields.get("title")) or "", artists,
        as_text(fields.get("album")) or "", as_text(fields.get("art_url")),
        as_count(fields.get("duration_ms")),
    )  # fmt: skip


def _cause_from_name(name: object) -> Cause | None:
    for enum_type in (PairingReason, ForbiddenReason):
        if isinstance(name, str) and name in enum_type.__members__:
            return enum_type[name]
    return None


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
