"""From the engine's playback snapshot (and the pairing prompt) to the screen's music card.

Pure: values in, a `MusicCard` out; the time zone for "back at HH:MM" is an argument.

| snapshot                                   | card                                      |
|--------------------------------------------|-------------------------------------------|
| STARTING (nothing fetched, nothing saved)  | NOTHING                                   |
| PLAYING a track                            | PLAYING                                   |
| PLAYING an episode                         | EPISODE (show name where the artist goes) |
| PAUSED a track or an episode               | PAUSED ("podcast episode" for an episode) |
| AD                                         | AD                                        |
| IDLE (nothing, or a private session)       | NOTHING                                   |
| NEEDS_PAIRING, never paired (or no cause)  | NOT_CONNECTED + the pairing QR, if any    |
| NEEDS_PAIRING, login expired or revoked    | RELOGIN + the QR + why, in words          |
| FORBIDDEN                                  | FORBIDDEN + the cause, in words           |

Marks carried over whatever the card: offline, rate-limited until (epoch seconds → a
local time), login expiring in N days. A paused episode is PAUSED, not EPISODE: the
bar must not say "Now Playing" over something that is not playing.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from leeloo.core.musiccard import MusicCard, MusicState, Pairing, Track
from leeloo.core.playback import Item, PairingReason
from leeloo.core.snapshot import PlaybackSnapshot, PlaybackState

EPISODE_DETAIL = "podcast episode"


def music_card(snapshot: PlaybackSnapshot, pairing: Pairing | None, tz: tzinfo | None) -> MusicCard:
    """The card for `snapshot`; `pairing` is the QR to show while not connected.

    `tz` is the zone "back at HH:MM" is shown in (None: the process's local zone).
    """
    until = snapshot.rate_limited_until
    state, reason = _state(snapshot)
    shows_qr = state in (MusicState.NOT_CONNECTED, MusicState.RELOGIN)
    item = snapshot.item
    return MusicCard(
        state,
        track=None if item is None or state in _WORDS_ONLY else track(item),
        pairing=pairing if shows_qr else None,
        reason=reason,
        login_days_left=snapshot.login_expires_in_days,
        rate_limited_until=None if until is None else datetime.fromtimestamp(until, tz),
        offline=snapshot.offline,
    )


_WORDS_ONLY = (
    MusicState.AD,
    MusicState.NOTHING,
    MusicState.NOT_CONNECTED,
    MusicState.RELOGIN,
    MusicState.FORBIDDEN,
)


def _state(snapshot: PlaybackSnapshot) -> tuple[MusicState, str]:
    """The card's state and its reason ("" when the state needs none)."""
    episode = snapshot.item is not None and snapshot.item.kind == "episode"
    match snapshot.state:
        case PlaybackState.PLAYING:
            return (MusicState.EPISODE if episode else MusicState.PLAYING), ""
        case PlaybackState.PAUSED:
            return MusicState.PAUSED, ""
        case PlaybackState.AD:
            return MusicState.AD, ""
        case PlaybackState.NEEDS_PAIRING:
            if snapshot.cause in (PairingReason.LOGIN_EXPIRED, PairingReason.REVOKED):
                return MusicState.RELOGIN, snapshot.words or ""
            return MusicState.NOT_CONNECTED, ""
        case PlaybackState.FORBIDDEN:
            return MusicState.FORBIDDEN, snapshot.words or ""
        case _:  # STARTING, IDLE
            return MusicState.NOTHING, ""


def track(item: Item) -> Track:
    """The screen's track for a Spotify item; for an episode the show takes the artist's place."""
    if item.kind == "episode":
        return Track(item.title, item.album, EPISODE_DETAIL, item.art_url or "", item.uri)
    return Track(item.title, ", ".join(item.artists), item.album, item.art_url or "", item.uri)
