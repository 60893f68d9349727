from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from leeloo.core.musiccard import MusicCard, MusicState
from leeloo.core.screen import (
    Crew,
    CrewChip,
    CrewMember,
    Gauge,
    GaugeScale,
    Hang,
    HeaderBox,
    build_screen,
    countdown_text,
    crew_box,
    header_box,
    time_box,
    unread_badge,
    weather_box,
)
from leeloo.core.weather import Conditions, NoLocation, TemperatureUnit, WeatherUnavailable

NOW = datetime(2026, 1, 3, 14, 5, 7)
IDLE = MusicCard(MusicState.NOTHING)


def test_a_tick_within_ten_seconds_changes_nothing() -> None:
    weather = NoLocation()
    a = build_screen(IDLE, Crew(), weather, NOW)
    b = build_screen(IDLE, Crew(), weather, NOW + timedelta(seconds=2))
    assert a == b


def test_a_tick_across_ten_seconds_changes_only_the_time_box() -> None:
    a = build_screen(IDLE, Crew(), NoLocation(), NOW)
    b = build_screen(IDLE, Crew(), NoLocation(), NOW + timedelta(seconds=3))
    assert a.time != b.time
    assert (a.header, a.weather, a.crew, a.music, a.album) == (
        b.header,
        b.weather,
        b.crew,
        b.music,
        b.album,
    )


def test_time_box_without_hang() -> None:
    box = time_box(NOW, None)
    assert (box.clock, box.date, box.seconds_filled) == ("14:05", "Sat Jan 3", 1)
    assert box.moon_filled == 6  # full moon on 2026-01-03
    assert (box.hang, box.hang_when, box.countdown) == ("no hang planned", "", "")
    assert box.countdown_filled == 0
    assert time_box(NOW.replace(second=59), None).seconds_filled == 6


def test_time_box_with_hang() -> None:
    box = time_box(NOW, Hang("pizza", NOW + timedelta(days=2, hours=4)))
    assert (box.hang, box.hang_when) == ("pizza", "Mon 18:05")
    assert box.countdown == "t minus 2d 04h"
    assert box.countdown_filled == 3
    far = time_box(NOW, Hang("trip", NOW + timedelta(days=30)))
    assert far.countdown_filled == 9
    soon = time_box(NOW, Hang("now-ish", NOW + timedelta(seconds=30)))
    assert (soon.countdown, soon.countdown_filled) == ("t minus 1m", 1)
    late = time_box(NOW, Hang("pizza", NOW - timedelta(minutes=5)))
    assert (late.hang, late.hang_when, late.countdown) == ("pizza", "now", "hang time!")
    assert late.countdown_filled == 0
    assert time_box(NOW, Hang("\n", NOW + timedelta(hours=1))).hang == "hang"


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=4, minutes=5), "4h 05m"),
        (timedelta(minutes=12), "12m"),
        (timedelta(days=1), "1d 00h"),
    ],
)
def test_countdown_text(left: timedelta, text: str) -> None:
    assert countdown_text(left) == text


def test_weather_box() -> None:
    assert weather_box(NoLocation()).message == "set location"
    assert weather_box(WeatherUnavailable("timeout")).message == "weather unavailable"
    assert weather_box(WeatherUnavailable("timeout")).gauges == ()
    full = weather_box(Conditions(21.4, TemperatureUnit.CELSIUS, 5.2, 40))
    assert full.gauges == (
        Gauge("21°C", 8),
        Gauge("UV 5", 5, GaugeScale.UV),
        Gauge("rain 40%", 5),
    )
    bare = weather_box(Conditions(70, TemperatureUnit.FAHRENHEIT))
    assert [g.label for g in bare.gauges] == ["70°F", "UV --", "rain --"]


def test_crew_box() -> None:
    assert crew_box(Crew()).message == "no crew yet"
    members = tuple(CrewMember(f"m{i}", unread=i, online=i % 2 == 0) for i in range(6))
    box = crew_box(Crew(members))
    assert box.chips == (
        CrewChip("m0", "○", True),
        CrewChip("m1", "①", False),
        CrewChip("m2", "②", True),
        CrewChip("m3", "③", False),
    )


@pytest.mark.parametrize(("n", "badge"), [(-1, "○"), (0, "○"), (9, "⑨"), (10, "⑨+")])
def test_unread_badge(n: int, badge: str) -> None:
    assert unread_badge(n) == badge


def test_header_priorities() -> None:
    until = datetime(2026, 1, 1, 15, 30)
    assert header_box(MusicCard(MusicState.NOTHING, offline=True), Crew(linked=False)) == (
        HeaderBox("LEELOO", "offline", True)
    )
    assert header_box(IDLE, Crew(linked=False)).status == "relay offline"
    limited = MusicCard(MusicState.NOTHING, rate_limited_until=until)
    assert header_box(limited, Crew()).status == "back 15:30"
    assert header_box(IDLE, Crew()) == HeaderBox("LEELOO", "online", False)
