"""The snapshot → music card adapter: every snapshot state, every mark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from leeloo.core.musiccard import MusicCard, MusicState, Pairing, Track, album_panel, music_box
from leeloo.core.nowplaying import music_card, track
from leeloo.core.playback import ForbiddenReason, Item, PairingReason
from leeloo.core.snapshot import PlaybackSnapshot, PlaybackState

SONG = Item("track", "spotify:track:4uLU6hMCjMI75M1A2tKUQC", "Doorways",
            ("Cinnamon Chasers", "Guest"), "A Million Miles Away", "http://img/1",
            240_000)  # fmt: skip
SHOW = Item("episode", "spotify:episode:512ojhOuo1ktJprKbVcKyQ", "The deep sea",
            ("Oceans Inc",), "Radio Oceans", None, 1_800_000)  # fmt: skip
QR = Pairing("http://relay/p/WDJBMJHT", "WDJB-MJHT")


def card(snapshot: PlaybackSnapshot, pairing: Pairing | None = QR) -> MusicCard:
    return music_card(snapshot, pairing, UTC)


def test_a_playing_track() -> None:
    got = card(PlaybackSnapshot(PlaybackState.PLAYING, SONG, is_playing=True))
    assert got == MusicCard(
        MusicState.PLAYING,
        Track(
            "Doorways", "Cinnamon Chasers, Guest", "A Million Miles Away", "http://img/1", SONG.uri
        ),
    )
    assert music_box(got).source == "pushed by: You"


def test_a_paused_track() -> None:
    got = card(PlaybackSnapshot(PlaybackState.PAUSED, SONG))
    assert got.state is MusicState.PAUSED
    assert got.track is not None
    assert got.track.album == "A Million Miles Away"


def test_an_episode_shows_its_show_and_no_art_is_empty_not_none() -> None:
    got = card(PlaybackSnapshot(PlaybackState.PLAYING, SHOW, is_playing=True))
    assert got.state is MusicState.EPISODE
    assert got.track == Track("The deep sea", "Radio Oceans", "podcast episode", "", SHOW.uri)
    assert music_box(got).detail == "podcast episode"


def test_a_paused_episode_is_paused_not_now_playing() -> None:
    got = card(PlaybackSnapshot(PlaybackState.PAUSED, SHOW))
    assert got.state is MusicState.PAUSED
    assert music_box(got).detail == "podcast episode"
    assert music_box(got).extra == "paused"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (PlaybackState.AD, MusicState.AD),
        (PlaybackState.IDLE, MusicState.NOTHING),
        (PlaybackState.STARTING, MusicState.NOTHING),
    ],
)
def test_words_only_states(state: PlaybackState, expected: MusicState) -> None:
    got = card(PlaybackSnapshot(state, SONG))  # a kept item is not shown as music
    assert (got.state, got.track, got.pairing) == (expected, None, None)


def test_never_paired_shows_the_qr_and_code() -> None:
    snapshot = PlaybackSnapshot(PlaybackState.NEEDS_PAIRING, cause=PairingReason.NOT_PAIRED)
    got = card(snapshot)
    assert (got.state, got.pairing, got.reason) == (MusicState.NOT_CONNECTED, QR, "")
    panel = album_panel(got)
    assert getattr(panel, "user_code", None) == "WDJB-MJHT"


def test_not_connected_without_a_code_yet_and_a_causeless_snapshot() -> None:
    got = card(PlaybackSnapshot(PlaybackState.NEEDS_PAIRING), pairing=None)
    assert (got.state, got.pairing) == (MusicState.NOT_CONNECTED, None)


@pytest.mark.parametrize("cause", [PairingReason.LOGIN_EXPIRED, PairingReason.REVOKED])
def test_an_ended_login_asks_to_log_in_again_and_says_why(cause: PairingReason) -> None:
    got = card(PlaybackSnapshot(PlaybackState.NEEDS_PAIRING, cause=cause))
    assert (got.state, got.pairing, got.reason) == (MusicState.RELOGIN, QR, cause.value)


def test_forbidden_says_the_cause_and_shows_no_qr() -> None:
    snapshot = PlaybackSnapshot(PlaybackState.FORBIDDEN, cause=ForbiddenReason.NOT_PREMIUM)
    got = card(snapshot)
    assert (got.state, got.reason, got.pairing) == (
        MusicState.FORBIDDEN, ForbiddenReason.NOT_PREMIUM.value, None)  # fmt: skip


def test_forbidden_without_a_cause_has_no_reason() -> None:
    assert card(PlaybackSnapshot(PlaybackState.FORBIDDEN)).reason == ""


def test_marks_are_carried_over() -> None:
    until = datetime(2026, 1, 1, 13, 45, tzinfo=UTC).timestamp()
    snapshot = PlaybackSnapshot(PlaybackState.PLAYING, SONG, True, login_expires_in_days=3,
                                rate_limited_until=until, offline=True)  # fmt: skip
    got = card(snapshot)
    assert got.offline is True
    assert got.login_days_left == 3
    assert got.rate_limited_until == datetime(2026, 1, 1, 13, 45, tzinfo=UTC)


def test_rate_limited_until_is_shown_in_the_given_zone() -> None:
    until = datetime(2026, 1, 1, 13, 45, tzinfo=UTC).timestamp()
    paris = timezone(timedelta(hours=1))
    got = music_card(PlaybackSnapshot(PlaybackState.IDLE, rate_limited_until=until), None, paris)
    assert got.rate_limited_until is not None
    assert f"{got.rate_limited_until:%H:%M}" == "14:45"
    assert music_box(got).warning == "Spotify back at 14:45"


def test_track_joins_artists() -> None:
    assert track(SONG).artist == "Cinnamon Chasers, Guest"
