from __future__ import annotations

from datetime import datetime

import pytest

from leeloo.core.musiccard import (
    FORBIDDEN_DEFAULT,
    ArtPanel,
    CardPanel,
    MusicBox,
    MusicCard,
    MusicState,
    Pairing,
    PairingPanel,
    ScanCodeBar,
    TextBar,
    Track,
    album_panel,
    music_box,
)

TRACK = Track("Doorways", "Cinnamon Chasers", "Vapours", "http://img/1", "spotify:track:abc")
PAIRING = Pairing("https://relay.example/p/WDJBMJHT", "WDJB-MJHT")


def card(state: MusicState, **kw: object) -> MusicCard:
    return MusicCard(state, **kw)  # type: ignore[arg-type]


def test_playing_shows_art_with_now_playing_and_you() -> None:
    c = card(MusicState.PLAYING, track=TRACK)
    assert album_panel(c) == ArtPanel("http://img/1", TextBar("Now Playing"))
    assert music_box(c) == MusicBox(
        "Cinnamon Chasers", "“Doorways”", "Vapours", "", "pushed by: You", ""
    )


def test_paused_says_so_beside_the_art_not_on_it() -> None:
    c = card(MusicState.PAUSED, track=TRACK)
    assert album_panel(c) == ArtPanel("http://img/1", TextBar("Paused"))
    assert music_box(c).extra == "paused"


def test_episode() -> None:
    episode = Track("Ep 1", "The Show", art_url="u", uri="spotify:episode:x")
    c = card(MusicState.EPISODE, track=episode)
    assert music_box(c).detail == "podcast episode"
    assert album_panel(c) == ArtPanel("u", TextBar("Now Playing"))


def test_push_shows_scan_code_and_pusher() -> None:
    c = card(MusicState.PUSHED, track=TRACK, pushed_by="Amy", push_minutes_left=27)
    assert album_panel(c) == ArtPanel("http://img/1", ScanCodeBar("spotify:track:abc"))
    box = music_box(c)
    assert (box.source, box.extra) == ("pushed by: Amy", "27 min left")


def test_push_without_uri_or_name() -> None:
    c = card(MusicState.PUSHED, track=Track("t", "a", art_url="u"), push_minutes_left=-3)
    assert album_panel(c) == ArtPanel("u", TextBar("Now Playing"))
    assert (music_box(c).source, music_box(c).extra) == ("pushed by: a friend", "0 min left")


@pytest.mark.parametrize("state", [MusicState.AD, MusicState.NOTHING, MusicState.FORBIDDEN])
def test_wordy_states_show_a_card(state: MusicState) -> None:
    assert isinstance(album_panel(card(state, track=TRACK)), CardPanel)


def test_playing_without_a_track_is_idle() -> None:
    c = card(MusicState.PLAYING)
    assert album_panel(c) == CardPanel(("nothing playing", "or a private session"))
    assert music_box(c).headline == "awaiting music"


def test_ad_and_forbidden_words() -> None:
    assert music_box(card(MusicState.AD)).headline == "an ad is playing"
    assert music_box(card(MusicState.FORBIDDEN)).detail == FORBIDDEN_DEFAULT
    assert music_box(card(MusicState.FORBIDDEN, reason="not Premium")).detail == "not Premium"
    assert album_panel(card(MusicState.FORBIDDEN, reason="not Premium")) == CardPanel(
        ("Spotify refused access", "not Premium")
    )
    assert album_panel(card(MusicState.FORBIDDEN)) == CardPanel(
        ("Spotify refused access", FORBIDDEN_DEFAULT)
    )


def test_pairing_states() -> None:
    c = card(MusicState.NOT_CONNECTED, pairing=PAIRING)
    assert album_panel(c) == PairingPanel(
        PAIRING.url, "WDJB-MJHT", "connect Spotify", "scan with your phone"
    )
    assert music_box(c).headline == "Spotify not connected"
    r = card(MusicState.RELOGIN, pairing=PAIRING, reason="login expired after 6 months")
    panel = album_panel(r)
    assert isinstance(panel, PairingPanel)
    assert panel.detail == "login expired after 6 months"
    assert music_box(r).detail == "login expired after 6 months"
    bare = card(MusicState.RELOGIN, pairing=PAIRING)
    assert album_panel(bare) == PairingPanel(
        PAIRING.url, "WDJB-MJHT", "log in to Spotify again", "scan with your phone"
    )
    assert music_box(bare).detail == "the login has ended"
    assert isinstance(album_panel(card(MusicState.NOT_CONNECTED)), CardPanel)


def test_warnings_in_priority_order() -> None:
    until = datetime(2026, 1, 1, 14, 5)
    assert music_box(card(MusicState.NOTHING, offline=True, rate_limited_until=until)).warning == (
        "offline: last known"
    )
    assert music_box(card(MusicState.NOTHING, rate_limited_until=until)).warning == (
        "Spotify back at 14:05"
    )
    assert music_box(card(MusicState.NOTHING, login_days_left=1)).warning == "login ends in 1 day"
    assert music_box(card(MusicState.NOTHING, login_days_left=-2)).warning == "login ends in 0 days"
