"""A made-up but plausible climate: weather as a pure function of place and time.

The emulator's weather API answers from this model, so the same (latitude, longitude,
time) always gives the same values. It is not a forecast; it only has to look right:

- the sun: declination by day of year, elevation by local solar time; `is_day` when the
  sun is above the horizon, UV index 0 at night and highest at solar noon in summer;
- temperature: warmer near the equator, a seasonal swing that grows with latitude (July
  warm in the north, January warm in the south), a daily swing peaking at 15:00 solar
  time, a day-to-day wobble, and 6.5 °C colder per km of elevation;
- rain: each day has a base probability, modulated through the day; cloud, humidity,
  weather code and precipitation follow from it.

Each solar day (UTC shifted by longitude/15 hours) draws its own figures, pinned at solar
noon; between two noons they are blended, so the weather changes smoothly and never
jumps at midnight. Instantaneous values do not depend on any time zone; a day's summary
is taken over the local day the caller names, by sampling every 15 minutes, so the
current value is always within the day's minimum and maximum.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from dataclasses import astuple, dataclass

LAPSE_C_PER_M = 0.0065
UV_CLEAR_NOON_OVERHEAD = 11.0
SAMPLE_S = 900


@dataclass(frozen=True)
class Day:
    """The weather of one solar day at one place."""

    mean_c: float  # daily mean temperature
    swing_c: float  # half the day's temperature range
    rain_base: float  # 0..100, the day's base precipitation probability
    cloud: float  # 0..1
    wind_kmh: float


@dataclass(frozen=True)
class Conditions:
    """The weather at one instant (temperatures in °C)."""

    temperature_c: float
    apparent_c: float
    humidity: int
    is_day: int
    precipitation_mm: float
    precipitation_probability: int
    weather_code: int
    cloud_cover: int
    wind_kmh: float
    uv_index: float


@dataclass(frozen=True)
class Summary:
    """One day's extremes (temperatures in °C), for the `daily` block."""

    temperature_max_c: float
    temperature_min_c: float
    uv_index_max: float
    precipitation_probability_max: int
    precipitation_sum_mm: float
    weather_code: int


def _unit(*key: object) -> float:
    """A deterministic number in [0, 1) for `key`."""
    digest = hashlib.sha256(repr(key).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def solar_day(longitude: float, timestamp: float) -> tuple[dt.date, float]:
    """(solar date, solar hour 0..24) at `longitude` for a UTC timestamp."""
    solar = dt.datetime.fromtimestamp(timestamp, dt.UTC) + dt.timedelta(hours=longitude / 15)
    return solar.date(), solar.hour + solar.minute / 60 + solar.second / 3600


def _declination(day: dt.date) -> float:
    """Solar declination in radians (Cooper's formula)."""
    return math.radians(23.44) * math.sin(2 * math.pi * (284 + day.timetuple().tm_yday) / 365)


def sun_elevation(latitude: float, day: dt.date, solar_hour: float) -> float:
    """Sine of the sun's elevation above the horizon."""
    phi, delta = math.radians(latitude), _declination(day)
    hour_angle = math.radians(15 * (solar_hour - 12))
    return math.sin(phi) * math.sin(delta) + math.cos(phi) * math.cos(delta) * math.cos(hour_angle)


@functools.lru_cache(maxsize=256)
def day_weather(latitude: float, longitude: float, elevation: float, day: dt.date) -> Day:
    """The weather of one solar day at a place, as it stands at solar noon."""
    place = (round(latitude, 2), round(longitude, 2), day.isoformat())
    annual_mean = 27.5 - 0.0062 * latitude**2
    # Warmest around 19 July in the north, 17 January in the south.
    peak = 200 if latitude >= 0 else 17
    season = math.cos(2 * math.pi * (day.timetuple().tm_yday - peak) / 365)
    mean = annual_mean + 0.14 * abs(latitude) * season + 6 * (_unit("t", *place) - 0.5)
    rain_base = 100 * math.pow(_unit("rain", *place), 1.5)
    cloud = min(1.0, max(0.0, rain_base / 100 + 0.4 * (_unit("cloud", *place) - 0.3)))
    return Day(
        mean_c=mean - LAPSE_C_PER_M * elevation,
        swing_c=3.0 + 3.0 * (1 - cloud),
        rain_base=rain_base,
        cloud=cloud,
        wind_kmh=4 + 30 * _unit("wind", *place) ** 2,
    )


def _blended_day(latitude: float, longitude: float, elevation: float, day: dt.date,
                 hour: float) -> Day:  # fmt: skip
    """The day's figures at `hour`: a blend of the two solar noons around it."""
    one_day = dt.timedelta(days=1)
    before, after, weight = (day - one_day, day, (hour + 12) / 24) if hour < 12 else (
        day, day + one_day, (hour - 12) / 24)  # fmt: skip
    a = astuple(day_weather(latitude, longitude, elevation, before))
    b = astuple(day_weather(latitude, longitude, elevation, after))
    return Day(*(x + (y - x) * weight for x, y in zip(a, b, strict=True)))


def _rain_probability(day: Day, solar_hour: float, phase: float) -> int:
    wave = 25 * math.sin(2 * math.pi * (solar_hour - phase) / 24)
    return round(min(100.0, max(0.0, day.rain_base + wave)))


def _weather_code(probability: int, cloud: float, temperature_c: float) -> int:
    """A WMO weather interpretation code (as Open-Meteo uses) for the conditions."""
    snow = temperature_c < 0.5
    if probability < 15:
        return 0 if cloud < 0.25 else 1 if cloud < 0.5 else 2
    if probability < 40:
        return 3
    if probability < 60:
        return 71 if snow else 51
    if probability < 85:
        return 73 if snow else 61
    return 75 if snow else 95 if temperature_c > 18 else 63


def _precipitation(probability: int) -> float:
    return 0.0 if probability < 40 else round((probability - 40) / 15, 1)


def _uv(latitude: float, day: dt.date, solar_hour: float, cloud: float) -> float:
    sine = max(0.0, sun_elevation(latitude, day, solar_hour))
    return UV_CLEAR_NOON_OVERHEAD * math.pow(sine, 2.5) * (1 - 0.6 * cloud)


def conditions(latitude: float, longitude: float, elevation: float, timestamp: float) -> Conditions:
    """The weather at a place at a UTC timestamp."""
    day, hour = solar_day(longitude, timestamp)
    weather = _blended_day(latitude, longitude, elevation, day, hour)
    temperature = weather.mean_c + weather.swing_c * math.cos(2 * math.pi * (hour - 15) / 24)
    # The wettest hour of the day is a property of the place (its local weather pattern).
    probability = _rain_probability(weather, hour, 24 * _unit("phase", latitude, longitude))
    humidity = 55 + 35 * weather.cloud - 10 * math.cos(2 * math.pi * (hour - 15) / 24)
    gust = _unit("gust", round(latitude, 2), round(longitude, 2), int(timestamp // 3600))
    wind = weather.wind_kmh * (0.8 + 0.4 * gust)
    return Conditions(
        temperature_c=temperature,
        apparent_c=temperature - 0.1 * wind + 0.03 * (humidity - 50),
        humidity=round(min(100.0, humidity)),
        is_day=1 if sun_elevation(latitude, day, hour) > 0 else 0,
        precipitation_mm=_precipitation(probability),
        precipitation_probability=probability,
        weather_code=_weather_code(probability, weather.cloud, temperature),
        cloud_cover=round(100 * weather.cloud),
        wind_kmh=round(wind, 1),
        uv_index=round(_uv(latitude, day, hour, weather.cloud), 2),
    )


def summary(
    latitude: float, longitude: float, elevation: float, start: float, end: float
) -> Summary:
    """The extremes over [start, end) (UTC timestamps of a local day), sampled every 15 min.

    Weather codes are ordered by severity, so the day's code is its most severe one.
    """
    first = math.ceil(start / SAMPLE_S) * SAMPLE_S
    samples = [conditions(latitude, longitude, elevation, t)
               for t in range(int(first), math.ceil(end), SAMPLE_S)]  # fmt: skip
    return Summary(
        temperature_max_c=max(c.temperature_c for c in samples),
        temperature_min_c=min(c.temperature_c for c in samples),
        uv_index_max=max(c.uv_index for c in samples),
        precipitation_probability_max=max(c.precipitation_probability for c in samples),
        precipitation_sum_mm=round(sum(c.precipitation_mm for c in samples) * SAMPLE_S / 3600, 1),
        weather_code=max(c.weather_code for c in samples),
    )
