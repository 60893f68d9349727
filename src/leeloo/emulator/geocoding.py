"""Open-Meteo's geocoding API (geocoding-api.open-meteo.com), over a small built-in atlas.

`GET /geocoding/v1/search?name=...&count=10&language=en&format=json` answers
`{"results": [...], "generationtime_ms": ...}`, most populous first. As Open-Meteo does,
it omits `results` when nothing matches, and a name shorter than 2 characters matches
nothing. A missing `name` is a 400 `{"error": true, "reason": ...}`.

Matching is a case- and accent-insensitive prefix match on the city's name ("sao"
finds São Paulo). The atlas holds real cities with GeoNames ids and rounded figures.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.emulator import errors
from leeloo.emulator.world import World

GENERATION_TIME_MS = 0.5
MAX_COUNT = 100


@dataclass(frozen=True)
class City:
    id: int
    name: str
    latitude: float
    longitude: float
    elevation: float
    feature_code: str
    country_code: str
    country: str
    admin1: str
    timezone: str
    population: int


# fmt: off
CITIES: tuple[City, ...] = (
    City(2643743, "London", 51.50853, -0.12574, 25.0, "PPLC", "GB", "United Kingdom", "England", "Europe/London", 8961989),  # noqa: E501
    City(2644688, "Leeds", 53.79648, -1.54785, 63.0, "PPLA2", "GB", "United Kingdom", "England", "Europe/London", 455123),  # noqa: E501
    City(2950159, "Berlin", 52.52437, 13.41053, 74.0, "PPLC", "DE", "Germany", "Land Berlin", "Europe/Berlin", 3426354),  # noqa: E501
    City(2988507, "Paris", 48.85341, 2.3488, 42.0, "PPLC", "FR", "France", "Île-de-France", "Europe/Paris", 2138551),  # noqa: E501
    City(3117735, "Madrid", 40.4165, -3.70256, 667.0, "PPLC", "ES", "Spain", "Madrid", "Europe/Madrid", 3255944),  # noqa: E501
    City(3169070, "Rome", 41.89193, 12.51133, 20.0, "PPLC", "IT", "Italy", "Lazio", "Europe/Rome", 2318895),  # noqa: E501
    City(3413829, "Reykjavík", 64.13548, -21.89541, 24.0, "PPLC", "IS", "Iceland", "Capital Region", "Atlantic/Reykjavik", 118918),  # noqa: E501
    City(5128581, "New York", 40.71427, -74.00597, 10.0, "PPL", "US", "United States", "New York", "America/New_York", 8804190),  # noqa: E501
    City(5368361, "Los Angeles", 34.05223, -118.24368, 89.0, "PPLA2", "US", "United States", "California", "America/Los_Angeles", 3898747),  # noqa: E501
    City(6167865, "Toronto", 43.70643, -79.39864, 175.0, "PPLA", "CA", "Canada", "Ontario", "America/Toronto", 2600000),  # noqa: E501
    City(3448439, "São Paulo", -23.5475, -46.63611, 769.0, "PPLA", "BR", "Brazil", "São Paulo", "America/Sao_Paulo", 10021295),  # noqa: E501
    City(2332459, "Lagos", 6.45407, 3.39467, 11.0, "PPLA2", "NG", "Nigeria", "Lagos", "Africa/Lagos", 9000000),  # noqa: E501
    City(3369157, "Cape Town", -33.92584, 18.42322, 25.0, "PPLLG", "ZA", "South Africa", "Western Cape", "Africa/Johannesburg", 3433441),  # noqa: E501
    City(1275339, "Mumbai", 19.07283, 72.88261, 14.0, "PPLA", "IN", "India", "Maharashtra", "Asia/Kolkata", 12691836),  # noqa: E501
    City(1850147, "Tokyo", 35.6895, 139.69171, 44.0, "PPLC", "JP", "Japan", "Tokyo", "Asia/Tokyo", 8336599),  # noqa: E501
    City(2147714, "Sydney", -33.86785, 151.20732, 58.0, "PPLA", "AU", "Australia", "New South Wales", "Australia/Sydney", 4627345),  # noqa: E501
)
# fmt: on


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of `text`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search(name: str, count: int) -> list[City]:
    """Cities whose name starts with `name` (folded), most populous first, at most `count`."""
    key = _fold(name.strip())
    if len(key) < 2:
        return []
    hits = [city for city in CITIES if _fold(city.name).startswith(key)]
    return sorted(hits, key=lambda city: -city.population)[:count]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def nearest(latitude: float, longitude: float, within_km: float) -> City | None:
    """The atlas city closest to a point, if one lies within `within_km`."""
    best = min(CITIES, key=lambda c: distance_km(latitude, longitude, c.latitude, c.longitude))
    far = distance_km(latitude, longitude, best.latitude, best.longitude) > within_km
    return None if far else best


def result(city: City) -> dict[str, object]:
    """One geocoding result in Open-Meteo's shape."""
    return {
        "id": city.id,
        "name": city.name,
        "latitude": city.latitude,
        "longitude": city.longitude,
        "elevation": city.elevation,
        "feature_code": city.feature_code,
        "country_code": city.country_code,
        "timezone": city.timezone,
        "population": city.population,
        "country": city.country,
        "admin1": city.admin1,
    }


def _bad_request(reason: str) -> Response:
    return JSONResponse({"error": True, "reason": reason}, status_code=400)


def routes(world: World) -> list[BaseRoute]:
    """The geocoding search route bound to `world` (faults: the `weather` service)."""

    async def search_route(request: Request) -> Response:
        if (fault := await errors.fault_response(world, "weather")) is not None:
            return fault
        params = request.query_params
        name = params.get("name")
        if name is None:
            return _bad_request("Parameter 'name' is missing")
        raw_count = params.get("count", "10")
        if not (raw_count.isascii() and raw_count.isdigit() and len(raw_count) <= 3):
            return _bad_request(f"Parameter 'count' is invalid: {raw_count!r}")
        count = max(1, min(MAX_COUNT, int(raw_count)))
        body: dict[str, object] = {}
        hits = search(name, count)
        if hits:
            body["results"] = [result(city) for city in hits]
        body["generationtime_ms"] = GENERATION_TIME_MS
        return JSONResponse(body)

    return [Route("/geocoding/v1/search", search_route, methods=["GET"])]
