"""What the music part of the screen shows: the card (input) and its two boxes (output).

The card is a plain value an adapter builds from the engine's playback snapshot, the
pairing flow and the crew inbox; this module maps it, purely, to the album column
(`AlbumPanel`) and the music box (`MusicBox`).

States (one look each, ../shared/design/product.md "The screen"):
    PLAYING        art + "Now Playing" bar, "pushed by: You"
    PAUSED         art + "Paused" bar (art never recoloured: Spotify branding rules)
    EPISODE        show art, show name, "podcast episode"
    AD             a card saying an ad plays: never an error
    NOTHING        idle: nothing playing, or a private session (Spotify cannot tell them apart)
    PUSHED         a crew push: art + scan code bar, "pushed by: NAME", minutes left
    NOT_CONNECTED  pairing QR + user code in the album column
    RELOGIN        pairing QR + user code + why
    FORBIDDEN      the cause in words (not allowlisted, not Premium)
Orthogonal marks, shown on top of whatever card is kept: offline (last frame + mark),
rate-limited until HH:MM, login expiring in N days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from leeloo.core.label import label


class MusicState(Enum):
    PLAYING = "playing"
    PAUSED = "paused"
    EPISODE = "episode"
    AD = "ad"
    NOTHING = "nothing"
    PUSHED = "pushed"
    NOT_CONNECTED = "not_connected"
    RELOGIN = "relogin"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class Track:
    """A track or episode; for an episode `artist` is the show's name."""

    title: str
    artist: str
    album: str = ""
    art_url: str = ""
    uri: str = ""  # spotify:track:... (drives the scan code)


@dataclass(frozen=True)
class Pairing:
    """The relay's verification URL (shown as a QR) and the short user code."""

    url: str
    user_code: str


@dataclass(frozen=True)
class MusicCard:
    """Everything the music part of the screen depends on."""

    state: MusicState
    track: Track | None = None
    pushed_by: str = ""
    push_minutes_left: int = 0
    pairing: Pairing | None = None
    reason: str = ""  # RELOGIN: why; FORBIDDEN: the cause in words
    login_days_left: int | None = None
    rate_limited_until: datetime | None = None
    offline: bool = False
    notice: str = ""  # e.g. "3 songs arrived while you were offline" (the least urgent line)


# -- album column ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanCodeBar:
    """Spotify scan code of `uri` (a local QR of its open.spotify.com link if that fails)."""

    uri: str


@dataclass(frozen=True)
class TextBar:
    text: str


@dataclass(frozen=True)
class ArtPanel:
    """The cover, scaled whole, over a 60 px bar."""

    art_url: str
    bar: ScanCodeBar | TextBar


@dataclass(frozen=True)
class PairingPanel:
    url: str
    user_code: str
    headline: str
    detail: str


@dataclass(frozen=True)
class CardPanel:
    """Words instead of art: ad, idle, refused, waiting for a pairing code."""

    lines: tuple[str, ...]


AlbumPanel = ArtPanel | PairingPanel | CardPanel

FORBIDDEN_DEFAULT = "this account is not allowlisted or not Premium"


def album_panel(card: MusicCard) -> AlbumPanel:
    """The album column for `card`."""
    track = card.track
    if card.state in (MusicState.NOT_CONNECTED, MusicState.RELOGIN):
        return _pairing_panel(card)
    if track is None or card.state in (MusicState.AD, MusicState.NOTHING, MusicState.FORBIDDEN):
        return CardPanel(_card_lines(card))
    if card.state is MusicState.PUSHED and track.uri:
        return ArtPanel(track.art_url, ScanCodeBar(track.uri))
    text = "Paused" if card.state is MusicState.PAUSED else "Now Playing"
    return ArtPanel(track.art_url, TextBar(text))


def _pairing_panel(card: MusicCard) -> AlbumPanel:
    relogin = card.state is MusicState.RELOGIN
    if card.pairing is None:
        return CardPanel(("Spotify not connected", "getting a code…"))
    headline = "log in to Spotify again" if relogin else "connect Spotify"
    detail = label(card.reason, 60) if relogin and card.reason else "scan with your phone"
    return PairingPanel(
        url=card.pairing.url,
        user_code=label(card.pairing.user_code, 16),
        headline=headline,
        detail=detail,
    )


def _card_lines(card: MusicCard) -> tuple[str, ...]:
    if card.state is MusicState.AD:
        return ("advertisement", "music resumes after the ad")
    if card.state is MusicState.FORBIDDEN:
        return ("Spotify refused access", label(card.reason) or FORBIDDEN_DEFAULT)
    return ("nothing playing", "or a private session")


# -- music box ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MusicBox:
    """The green box: up to six lines, "" for an empty one."""

    headline: str
    title: str = ""
    detail: str = ""
    extra: str = ""
    source: str = ""
    warning: str = ""


def music_box(card: MusicCard) -> MusicBox:
    """The music box for `card`, its warning line included."""
    return _music_lines(card, _warning(card))


def _music_lines(card: MusicCard, warning: str) -> MusicBox:
    track = card.track
    state = card.state
    if state is MusicState.NOT_CONNECTED:
        return MusicBox("Spotify not connected", detail="scan the code to connect", warning=warning)
    if state is MusicState.RELOGIN:
        why = label(card.reason) or "the login has ended"
        return MusicBox("Spotify login needed", detail=why, warning=warning)
    if state is MusicState.FORBIDDEN:
        why = label(card.reason) or FORBIDDEN_DEFAULT
        return MusicBox("Spotify refused access", detail=why, warning=warning)
    if state is MusicState.AD:
        return MusicBox("an ad is playing", detail="music resumes soon", warning=warning)
    if track is None or state is MusicState.NOTHING:
        return MusicBox("awaiting music", detail="nothing playing", warning=warning)
    return MusicBox(
        headline=label(track.artist),
        title=f"“{label(track.title)}”",
        detail="podcast episode" if state is MusicState.EPISODE else label(track.album),
        extra=_extra(card),
        source=f"pushed by: {_pusher(card)}",
        warning=warning,
    )


def _pusher(card: MusicCard) -> str:
    if card.state is MusicState.PUSHED:
        return label(card.pushed_by, 24) or "a friend"
    return "You"


def _extra(card: MusicCard) -> str:
    if card.state is MusicState.PUSHED:
        return f"{max(0, card.push_minutes_left)} min left"
    if card.state is MusicState.PAUSED:
        return "paused"
    return ""


def _warning(card: MusicCard) -> str:
    if card.offline:
        return "offline: last known"
    if card.rate_limited_until is not None:
        return f"Spotify back at {card.rate_limited_until:%H:%M}"
    if card.login_days_left is not None:
        days = max(0, card.login_days_left)
        return f"login ends in {days} day{'' if days == 1 else 's'}"
    return label(card.notice)
