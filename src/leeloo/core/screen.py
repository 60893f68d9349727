"""The screen's view-model: a pure function of (music card, crew, weather, next hang, now).

`build_screen` returns a `Screen` made of one frozen value per box. Values compare by
content, so the renderer redraws exactly the boxes whose value changed: a clock tick that
only moves the seconds bar changes `Screen.time` and nothing else, and a tick inside the
same ten seconds changes nothing at all.

`now` is the local wall time (an aware or naive `datetime`, as the caller keeps it); the
hang time must be of the same kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from leeloo.core import moon
from leeloo.core.label import label
from leeloo.core.musiccard import AlbumPanel, MusicBox, MusicCard, album_panel, music_box
from leeloo.core.weather import (
    Conditions,
    NoLocation,
    WeatherState,
    rain_boxes,
    temperature_boxes,
    uv_boxes,
)

MAX_CREW_SHOWN = 4
SECONDS_BOXES = 6
MOON_BOXES = 6
COUNTDOWN_BOXES = 9
COUNTDOWN_WINDOW = timedelta(days=7)  # a full countdown bar means a week or more to go
BADGES = "○①②③④⑤⑥⑦⑧⑨"
# Fixed English names: strftime's %a/%b would follow the process locale.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- inputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrewMember:
    name: str
    unread: int = 0
    online: bool = False


@dataclass(frozen=True)
class Crew:
    """The owner's crew as the relay link last told it; `linked`: the relay link is up."""

    members: tuple[CrewMember, ...] = ()
    linked: bool = True
    nudge_from: str = ""  # a crew nudge lights the header for a while


@dataclass(frozen=True)
class Hang:
    """The next confirmed crew hang."""

    title: str
    at: datetime


# -- boxes -------------------------------------------------------------------------------


class GaugeScale(Enum):
    PLAIN = "plain"  # every filled box in the box's colour
    UV = "uv"  # each box in its UV-risk colour


@dataclass(frozen=True)
class Gauge:
    label: str
    filled: int  # of 12
    scale: GaugeScale = GaugeScale.PLAIN


@dataclass(frozen=True)
class HeaderBox:
    title: str
    status: str  # "" when all is well
    alert: bool = False


@dataclass(frozen=True)
class WeatherBox:
    gauges: tuple[Gauge, ...]  # empty: `message` says why
    message: str = ""


@dataclass(frozen=True)
class TimeBox:
    clock: str
    date: str
    seconds_filled: int  # of 6
    moon_filled: int  # of 6
    hang: str  # the next hang's title, or "no hang planned"
    hang_when: str  # "Sat 19:30", "now" or ""
    countdown: str
    countdown_filled: int  # of 9


@dataclass(frozen=True)
class CrewChip:
    name: str
    badge: str  # "○", "①"…"⑨", "⑨+"
    online: bool


@dataclass(frozen=True)
class CrewBox:
    chips: tuple[CrewChip, ...]  # empty: `message`
    message: str = ""


@dataclass(frozen=True)
class Screen:
    header: HeaderBox
    weather: WeatherBox
    time: TimeBox
    crew: CrewBox
    music: MusicBox
    album: AlbumPanel


def build_screen(
    music: MusicCard, crew: Crew, weather: WeatherState, now: datetime, hang: Hang | None = None
) -> Screen:
    """The whole view-model for one moment."""
    return Screen(
        header=header_box(music, crew),
        weather=weather_box(weather),
        time=time_box(now, hang),
        crew=crew_box(crew),
        music=music_box(music),
        album=album_panel(music),
    )


def header_box(music: MusicCard, crew: Crew) -> HeaderBox:
    """The header line: the most urgent link status, or nothing."""
    if music.offline:
        return HeaderBox("LEELOO", "offline", alert=True)
    if not crew.linked:
        return HeaderBox("LEELOO", "relay offline", alert=True)
    if music.rate_limited_until is not None:
        return HeaderBox("LEELOO", f"back {music.rate_limited_until:%H:%M}", alert=True)
    if crew.nudge_from:
        return HeaderBox("LEELOO", f"nudge from {label(crew.nudge_from, 10)}", alert=True)
    return HeaderBox("LEELOO", "online")


def weather_box(weather: WeatherState) -> WeatherBox:
    """Three gauges, or words: "set location" / "weather unavailable"."""
    if isinstance(weather, NoLocation):
        return WeatherBox((), "set location")
    if not isinstance(weather, Conditions):
        return WeatherBox((), "weather unavailable")
    uv = "UV --" if weather.uv_index is None else f"UV {weather.uv_index:.0f}"
    rain = "rain --" if weather.rain_chance is None else f"rain {weather.rain_chance}%"
    return WeatherBox(
        (
            Gauge(f"{weather.temperature:.0f}{weather.unit.symbol}", temperature_boxes(weather)),
            Gauge(uv, uv_boxes(weather), GaugeScale.UV),
            Gauge(rain, rain_boxes(weather)),
        )
    )


def time_box(now: datetime, hang: Hang | None) -> TimeBox:
    """Clock, date, seconds and moon bars, and the next hang's countdown."""
    hang_line, when, countdown, filled = _hang_lines(now, hang)
    return TimeBox(
        clock=f"{now:%H:%M}",
        date=f"{WEEKDAYS[now.weekday()]} {MONTHS[now.month - 1]} {now.day}",
        seconds_filled=now.second // 10 + 1,
        moon_filled=moon.moon_boxes(now.timestamp(), MOON_BOXES),
        hang=hang_line,
        hang_when=when,
        countdown=countdown,
        countdown_filled=filled,
    )


def _hang_lines(now: datetime, hang: Hang | None) -> tuple[str, str, str, int]:
    if hang is None:
        return "no hang planned", "", "", 0
    left = hang.at - now
    title = label(hang.title, 40) or "hang"
    if left <= timedelta(0):
        return title, "now", "hang time!", 0
    ratio = min(1.0, left / COUNTDOWN_WINDOW)
    filled = max(1, round(ratio * COUNTDOWN_BOXES))
    when = f"{WEEKDAYS[hang.at.weekday()]} {hang.at:%H:%M}"
    return title, when, f"t minus {countdown_text(left)}", filled


def countdown_text(left: timedelta) -> str:
    """ "2d 04h", "4h 05m" or "12m" (whole minutes, rounded up)."""
    minutes = -(-int(left.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def crew_box(crew: Crew) -> CrewBox:
    """Up to four members with their unread badge, or "no crew yet"."""
    if not crew.members:
        return CrewBox((), "no crew yet")
    chips = tuple(
        CrewChip(label(m.name, 24), unread_badge(m.unread), m.online)
        for m in crew.members[:MAX_CREW_SHOWN]
    )
    return CrewBox(chips)


def unread_badge(unread: int) -> str:
    """○ for none, ①…⑨, then ⑨+."""
    if unread <= 0:
        return BADGES[0]
    if unread > 9:
        return BADGES[9] + "+"
    return BADGES[unread]
