"""The 30-minute music priority on a fake clock (seconds as plain numbers: the core is pure)."""

from __future__ import annotations

from datetime import datetime

from leeloo.core.musiccard import MusicCard, MusicState, Track, music_box
from leeloo.core.priority import (
    Push,
    Shown,
    minutes_left,
    music_card,
    newest,
    next_change,
    shown,
)

T0 = 1_767_225_600.0
SONG = Track("One More Time", "from Amy", "", "http://x/a.png", "spotify:track:" + "a" * 22)
OTHER = Track("Around the World", "from Ben", "", "http://x/b.png", "spotify:track:" + "b" * 22)
MINE = Track("Doorways", "Cinnamon Chasers", "A Million Miles Away", "http://x/c.png", "u")
PLAYING = MusicCard(MusicState.PLAYING, track=MINE)
NOTHING = MusicCard(MusicState.NOTHING)


def test_a_push_shows_for_thirty_minutes_then_playback_returns() -> None:
    push = Push("Amy", SONG, T0)
    at_start = music_card([push], PLAYING, T0)
    assert music_box(at_start).source == "pushed by: Amy"
    assert music_box(at_start).extra == "30 min left"
    last_second = music_card([push], PLAYING, T0 + 29 * 60 + 59)
    assert last_second.state is MusicState.PUSHED
    assert music_box(last_second).extra == "1 min left"
    over = music_card([push], PLAYING, T0 + 30 * 60)
    assert over == PLAYING
    assert music_box(over).source == "pushed by: You"


def test_a_newer_push_restarts_the_thirty_minutes() -> None:
    first, second = Push("Amy", SONG, T0), Push("Ben", OTHER, T0 + 20 * 60)
    card = music_card([first, second], PLAYING, T0 + 45 * 60)
    assert (card.pushed_by, card.track, card.push_minutes_left) == ("Ben", OTHER, 5)
    assert music_card([second, first], PLAYING, T0 + 50 * 60) == PLAYING
    assert newest([]) is None


def test_idle_when_nothing_plays_and_no_push() -> None:
    assert shown(None, NOTHING, T0) is Shown.IDLE
    expired = music_card([Push("Amy", SONG, T0)], PLAYING.__class__(MusicState.PAUSED), T0 + 9999)
    assert expired.state is MusicState.NOTHING
    assert music_box(music_card([], NOTHING, T0)).headline == "awaiting music"


def test_attention_cards_outrank_idle_but_not_a_push() -> None:
    login = MusicCard(MusicState.NOT_CONNECTED)
    assert music_card([], login, T0) == login
    assert music_card([Push("Amy", SONG, T0)], login, T0 + 1).state is MusicState.PUSHED


def test_device_marks_stay_on_the_pushed_card() -> None:
    until = datetime(2026, 1, 1, 15, 30)
    marked = MusicCard(MusicState.PLAYING, track=MINE, offline=True, rate_limited_until=until,
                       login_days_left=4)  # fmt: skip
    card = music_card([Push("Amy", SONG, T0)], marked, T0)
    assert (card.offline, card.rate_limited_until, card.login_days_left) == (True, until, 4)


def test_a_push_from_the_future_does_not_show() -> None:
    assert shown(Push("Amy", SONG, T0 + 10), PLAYING, T0) is Shown.OWNER
    assert minutes_left(Push("Amy", SONG, T0), T0 + 3600) == 0


def test_next_change_is_the_next_minute_or_the_end() -> None:
    push = Push("Amy", SONG, T0)
    assert next_change([push], T0) == T0 + 60
    assert next_change([push], T0 + 30) == T0 + 60
    assert next_change([push], T0 + 29 * 60 + 30) == T0 + 30 * 60
    assert next_change([push], T0 + 30 * 60) is None
    assert next_change([], T0) is None
