"""Open-Meteo's forecast API (api.open-meteo.com), answered from the `climate` model.

`GET /v1/forecast?latitude=..&longitude=..&current=a,b&daily=c,d&temperature_unit=..
&timezone=..&forecast_days=..` answers Open-Meteo's shape with only the variables asked
for: `current_units`/`current` (values for the current 15-minute interval, whose start
is `current.time`) and `daily_units`/`daily` (one entry per local day from today).

Time is the world's clock. `timezone` is `GMT`/`UTC` (the default), an IANA name, or
`auto` (the zone of the nearest built-in city within 1500 km, else GMT).

Errors are Open-Meteo's: HTTP 400 `{"error": true, "reason": "..."}` for a missing or
out-of-range coordinate, an unknown variable, temperature unit or time zone, or a bad
`forecast_days`. `hourly` is not modelled and is refused the same way.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.emulator import climate, errors, geocoding
from leeloo.emulator.world import World

GENERATION_TIME_MS = 0.05
CURRENT_INTERVAL_S = 900
AUTO_ZONE_RADIUS_KM = 1500.0
TEMPERATURE = "temperature"  # unit placeholder: °C or °F, as asked

_C = climate.Conditions
_S = climate.Summary
# name -> (unit, value); temperatures are converted to the requested unit.
CURRENT: dict[str, tuple[str, Callable[[_C], float | int]]] = {
    "temperature_2m": (TEMPERATURE, lambda c: c.temperature_c),
    "apparent_temperature": (TEMPERATURE, lambda c: c.apparent_c),
    "relative_humidity_2m": ("%", lambda c: c.humidity),
    "is_day": ("", lambda c: c.is_day),
    "precipitation": ("mm", lambda c: c.precipitation_mm),
    "precipitation_probability": ("%", lambda c: c.precipitation_probability),
    "weather_code": ("wmo code", lambda c: c.weather_code),
    "cloud_cover": ("%", lambda c: c.cloud_cover),
    "wind_speed_10m": ("km/h", lambda c: c.wind_kmh),
    "uv_index": ("", lambda c: c.uv_index),
}
DAILY: dict[str, tuple[str, Callable[[_S], float | int]]] = {
    "temperature_2m_max": (TEMPERATURE, lambda s: s.temperature_max_c),
    "temperature_2m_min": (TEMPERATURE, lambda s: s.temperature_min_c),
    "uv_index_max": ("", lambda s: s.uv_index_max),
    "precipitation_probability_max": ("%", lambda s: s.precipitation_probability_max),
    "precipitation_sum": ("mm", lambda s: s.precipitation_sum_mm),
    "weather_code": ("wmo code", lambda s: s.weather_code),
}
UNITS = {"celsius": "°C", "fahrenheit": "°F"}


class BadRequestError(Exception):
    """A request Open-Meteo would refuse; the message is its `reason`."""


@dataclass(frozen=True)
class Zone:
    """The time zone an answer is expressed in."""

    name: str
    tz: dt.tzinfo

    def abbreviation(self, moment: dt.datetime) -> str:
        return "GMT" if self.name == "GMT" else moment.tzname() or self.name


@dataclass(frozen=True)
class Forecast:
    """A parsed forecast request."""

    latitude: float
    longitude: float
    current: tuple[str, ...]
    daily: tuple[str, ...]
    unit: str
    zone: Zone
    days: int


def _coordinate(params: QueryParams, key: str, limit: float) -> float:
    try:
        value = float(params[key])
    except (KeyError, ValueError):
        raise BadRequestError(f"Value of type 'Float' required for key '{key}'.") from None
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise BadRequestError(
            f"{key.title()} must be in range of -{limit:g} to {limit:g}°. Given: {value}."
        )
    return value


def _variables(params: QueryParams, key: str, known: Collection[str], kind: str) -> tuple[str, ...]:
    names = tuple(name for name in params.get(key, "").split(",") if name)
    for name in names:
        if name not in known:
            raise BadRequestError(
                f"Cannot initialize {kind} from invalid String value {name} for key {key}"
            )
    return names


def _zone(name: str, latitude: float, longitude: float) -> Zone:
    if name in ("", "GMT", "UTC"):
        return Zone("GMT", dt.UTC)
    if name == "auto":
        city = geocoding.nearest(latitude, longitude, AUTO_ZONE_RADIUS_KM)
        return _zone(city.timezone if city else "GMT", latitude, longitude)
    try:
        return Zone(name, ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequestError("Invalid timezone") from None


def parse_forecast(params: QueryParams) -> Forecast:
    """The forecast request in `params`; raises BadRequestError with Open-Meteo's reason."""
    latitude = _coordinate(params, "latitude", 90)
    longitude = _coordinate(params, "longitude", 180)
    current = _variables(params, "current", CURRENT, "WeatherVariable")
    daily = _variables(params, "daily", DAILY, "ForecastVariableDaily")
    if "hourly" in params:
        raise BadRequestError("Parameter 'hourly' is not supported by the LEELOO emulator")
    unit = params.get("temperature_unit", "celsius")
    if unit not in UNITS:
        raise BadRequestError(
            f"Cannot initialize TemperatureUnit from invalid String value {unit} "
            "for key temperature_unit"
        )
    raw_days = params.get("forecast_days", "7")
    if not (
        raw_days.isascii() and raw_days.isdigit() and len(raw_days) <= 2 and int(raw_days) <= 16
    ):
        raise BadRequestError("Forecast days is invalid. Allowed range 0 to 16.")
    zone = _zone(params.get("timezone", "GMT"), latitude, longitude)
    return Forecast(latitude, longitude, current, daily, unit, zone, int(raw_days))


def _value(value: float | int, unit: str, temperature_unit: str) -> float | int:
    if unit != TEMPERATURE:
        return value
    if temperature_unit == "fahrenheit":
        value = value * 9 / 5 + 32
    return round(value, 1)


def _elevation(forecast: Forecast) -> float:
    """Ground height: a nearby atlas city's, else a made-up but stable figure."""
    city = geocoding.nearest(forecast.latitude, forecast.longitude, 30.0)
    if city is not None:
        return city.elevation
    return float(round(abs(math.sin(forecast.latitude * 7.1 + forecast.longitude * 3.3)) * 300))


def forecast_document(forecast: Forecast, now: float) -> dict[str, object]:
    """The Open-Meteo answer for `forecast` at UTC timestamp `now`."""
    elevation = _elevation(forecast)
    start = math.floor(now / CURRENT_INTERVAL_S) * CURRENT_INTERVAL_S
    local = dt.datetime.fromtimestamp(start, forecast.zone.tz)
    offset = local.utcoffset() or dt.timedelta()
    body: dict[str, object] = {
        "latitude": round(forecast.latitude, 4),
        "longitude": round(forecast.longitude, 4),
        "generationtime_ms": GENERATION_TIME_MS,
        "utc_offset_seconds": int(offset.total_seconds()),
        "timezone": forecast.zone.name,
        "timezone_abbreviation": forecast.zone.abbreviation(local),
        "elevation": elevation,
    }
    unit = UNITS[forecast.unit]
    if forecast.current:
        now_c = climate.conditions(forecast.latitude, forecast.longitude, elevation, start)
        body["current_units"] = {"time": "iso8601", "interval": "seconds"} | {
            name: _unit_label(CURRENT[name][0], unit) for name in forecast.current
        }
        body["current"] = {
            "time": local.strftime("%Y-%m-%dT%H:%M"),
            "interval": CURRENT_INTERVAL_S,
        } | {
            name: _value(CURRENT[name][1](now_c), CURRENT[name][0], forecast.unit)
            for name in forecast.current
        }
    if forecast.daily:
        body["daily_units"] = {"time": "iso8601"} | {
            name: _unit_label(DAILY[name][0], unit) for name in forecast.daily
        }
        body["daily"] = _daily(forecast, elevation, local.date())
    return body


def _unit_label(unit: str, temperature_unit: str) -> str:
    return temperature_unit if unit == TEMPERATURE else unit


def _daily(forecast: Forecast, elevation: float, today: dt.date) -> dict[str, list[object]]:
    """The `daily` block: one entry per local day of the answer's time zone, from today."""
    days = [today + dt.timedelta(days=n) for n in range(forecast.days + 1)]
    bounds = [dt.datetime.combine(d, dt.time(), forecast.zone.tz).timestamp() for d in days]
    place = (forecast.latitude, forecast.longitude, elevation)
    summaries = [climate.summary(*place, start, end) for start, end in itertools.pairwise(bounds)]
    block: dict[str, list[object]] = {"time": [d.isoformat() for d in days[:-1]]}
    for name in forecast.daily:
        unit, pick = DAILY[name]
        block[name] = [_value(pick(s), unit, forecast.unit) for s in summaries]
    return block


def routes(world: World) -> list[BaseRoute]:
    """The forecast route bound to `world` (faults: the `weather` service)."""

    async def forecast_route(request: Request) -> Response:
        if (fault := await errors.fault_response(world, "weather")) is not None:
            return fault
        try:
            forecast = parse_forecast(request.query_params)
        except BadRequestError as exc:
            return JSONResponse({"error": True, "reason": str(exc)}, status_code=400)
        return JSONResponse(forecast_document(forecast, world.now()))

    return [Route("/v1/forecast", forecast_route, methods=["GET"])]
