"""Weather values from Open-Meteo's JSON, and the bars the screen draws from them.

Open-Meteo's forecast answer (https://open-meteo.com/en/docs) carries a `current` object
with the variables asked for and a `current_units` object naming their units. Parsing is
defensive: a missing temperature, a wrong type or a body that is not an object raises
:class:`WeatherFormatError`, and the caller shows "weather unavailable": never a made-up
number. UV index and rain chance are optional (UV is often null at night); a missing one
is drawn as unknown, not as zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

CURRENT_VARIABLES = (
    "temperature_2m",
    "uv_index",
    "precipitation_probability",
    "weather_code",
    "is_day",
)
BOXES = 12


class TemperatureUnit(Enum):
    """Values are Open-Meteo's `temperature_unit` parameter."""

    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"

    @property
    def symbol(self) -> str:
        return "°C" if self is TemperatureUnit.CELSIUS else "°F"


class WeatherFormatError(ValueError):
    """An Open-Meteo answer that does not have the expected shape."""


@dataclass(frozen=True)
class Conditions:
    """Current weather at the configured place."""

    temperature: float
    unit: TemperatureUnit
    uv_index: float | None = None
    rain_chance: int | None = None  # precipitation probability, percent
    weather_code: int | None = None  # WMO code
    is_day: bool = True


@dataclass(frozen=True)
class WeatherUnavailable:
    """No trustworthy weather right now (network down, bad answer); `reason` is for logs."""

    reason: str


@dataclass(frozen=True)
class NoLocation:
    """No place configured: the screen asks for one."""


WeatherState = Conditions | WeatherUnavailable | NoLocation


@dataclass(frozen=True)
class Place:
    """A geocoded place, remembered so it is looked up once."""

    name: str
    latitude: float
    longitude: float


def forecast_query(latitude: float, longitude: float, unit: TemperatureUnit) -> dict[str, str]:
    """Query parameters for `GET /v1/forecast` asking for exactly what the screen shows."""
    return {
        "latitude": f"{latitude:.4f}",
        "longitude": f"{longitude:.4f}",
        "current": ",".join(CURRENT_VARIABLES),
        "temperature_unit": unit.value,
        "timezone": "auto",
    }


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _answer_unit(payload: dict[str, object], asked: TemperatureUnit) -> TemperatureUnit:
    units = payload.get("current_units")
    label = units.get("temperature_2m") if isinstance(units, dict) else None
    if label == "°F":
        return TemperatureUnit.FAHRENHEIT
    if label == "°C":
        return TemperatureUnit.CELSIUS
    return asked


def parse_forecast(payload: object, asked: TemperatureUnit) -> Conditions:
    """Current conditions from a forecast answer; the answer's own unit label wins."""
    if not isinstance(payload, dict):
        raise WeatherFormatError("forecast answer is not an object")
    current = payload.get("current")
    if not isinstance(current, dict):
        raise WeatherFormatError("forecast answer has no 'current' object")
    temperature = _number(current.get("temperature_2m"))
    if temperature is None:
        raise WeatherFormatError("forecast answer has no usable temperature_2m")
    rain = _number(current.get("precipitation_probability"))
    code = _number(current.get("weather_code"))
    return Conditions(
        temperature=temperature,
        unit=_answer_unit(payload, asked),
        uv_index=_number(current.get("uv_index")),
        rain_chance=None if rain is None else round(min(max(rain, 0.0), 100.0)),
        weather_code=None if code is None else int(code),
        is_day=current.get("is_day") != 0,
    )


def parse_place(payload: object, name: str) -> Place | None:
    """The first result of a geocoding answer, or None when nothing matched."""
    if not isinstance(payload, dict):
        raise WeatherFormatError("geocoding answer is not an object")
    results = payload.get("results")
    if not results:
        return None
    first = results[0] if isinstance(results, list) else None
    if not isinstance(first, dict):
        raise WeatherFormatError("geocoding result is not an object")
    latitude = _number(first.get("latitude"))
    longitude = _number(first.get("longitude"))
    if latitude is None or longitude is None:
        raise WeatherFormatError("geocoding result has no coordinates")
    return Place(name=name, latitude=latitude, longitude=longitude)


def _clamp_boxes(value: float) -> int:
    return min(BOXES, max(0, round(value)))


def temperature_boxes(conditions: Conditions) -> int:
    """0 boxes at 0 °F (−17.8 °C), all 12 at 100 °F (37.8 °C): the original's scale."""
    fahrenheit = conditions.temperature
    if conditions.unit is TemperatureUnit.CELSIUS:
        fahrenheit = conditions.temperature * 9 / 5 + 32
    return _clamp_boxes(fahrenheit * BOXES / 100)


def uv_boxes(conditions: Conditions) -> int:
    """One box per UV index point, 12 and above fill the bar."""
    return 0 if conditions.uv_index is None else _clamp_boxes(conditions.uv_index)


def rain_boxes(conditions: Conditions) -> int:
    """Chance of rain in twelfths."""
    if conditions.rain_chance is None:
        return 0
    return _clamp_boxes(conditions.rain_chance * BOXES / 100)
