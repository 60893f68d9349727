"""The Open-Meteo forecast and geocoding stand-ins, driven over HTTP on a fake clock.

The fake clock starts at 2026-01-01T00:00Z: midnight (and winter) in London.
"""

from __future__ import annotations

import httpx
import pytest

from leeloo.emulator.world import Fault, World
from leeloo.testing import FakeClock

CURRENT = "temperature_2m,uv_index,precipitation_probability,weather_code,is_day"
DAILY = "uv_index_max,precipitation_probability_max,temperature_2m_max,temperature_2m_min"
LONDON = {"latitude": "51.5085", "longitude": "-0.1257"}
SYDNEY = {"latitude": "-33.8678", "longitude": "151.2073"}
TOKYO = {"latitude": "35.6895", "longitude": "139.6917"}
HOUR = 3600.0
DAY = 24 * HOUR


async def forecast(
    client: httpx.AsyncClient, place: dict[str, str], **extra: str
) -> dict[str, object]:
    params = place | {"current": CURRENT, "daily": DAILY, "timezone": "auto",
                      "forecast_days": "1"} | extra  # fmt: skip
    response = await client.get("/v1/forecast", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def block(body: dict[str, object], key: str) -> dict[str, object]:
    value = body[key]
    assert isinstance(value, dict)
    return value


def number(body: dict[str, object], key: str, name: str, index: int | None = None) -> float:
    value = block(body, key)[name]
    if index is not None:
        assert isinstance(value, list)
        value = value[index]
    assert isinstance(value, int | float)
    return float(value)


# -- shape -------------------------------------------------------------------------------
async def test_forecast_has_open_meteo_shape(client: httpx.AsyncClient) -> None:
    body = await forecast(client, LONDON)
    assert set(body) == {
        "latitude", "longitude", "generationtime_ms", "utc_offset_seconds", "timezone",
        "timezone_abbreviation", "elevation", "current_units", "current", "daily_units", "daily",
    }  # fmt: skip
    assert (body["timezone"], body["timezone_abbreviation"]) == ("Europe/London", "GMT")
    assert body["utc_offset_seconds"] == 0
    assert block(body, "current_units") == {
        "time": "iso8601", "interval": "seconds", "temperature_2m": "°C", "uv_index": "",
        "precipitation_probability": "%", "weather_code": "wmo code", "is_day": "",
    }  # fmt: skip
    current = block(body, "current")
    assert (current["time"], current["interval"]) == ("2026-01-01T00:00", 900)
    assert set(block(body, "daily_units")) == {"time", *DAILY.split(",")}
    assert block(body, "daily")["time"] == ["2026-01-01"]


async def test_forecast_answers_only_what_was_asked(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/forecast", params=LONDON | {"current": "is_day"})
    body = response.json()
    assert "daily" not in body
    assert "daily_units" not in body
    assert set(body["current"]) == {"time", "interval", "is_day"}
    daily_only = (
        await client.get("/v1/forecast", params=LONDON | {"daily": "uv_index_max"})
    ).json()
    assert "current" not in daily_only
    assert set(daily_only["daily"]) == {"time", "uv_index_max"}


async def test_forecast_days_sets_the_daily_length(client: httpx.AsyncClient) -> None:
    body = await forecast(client, LONDON, forecast_days="5")
    times = block(body, "daily")["time"]
    assert times == ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"]
    assert all(len(values) == 5 for values in block(body, "daily").values())  # type: ignore[arg-type]


async def test_auto_time_zone_is_local(client: httpx.AsyncClient) -> None:
    body = await forecast(client, TOKYO)
    assert (body["timezone"], body["timezone_abbreviation"]) == ("Asia/Tokyo", "JST")
    assert body["utc_offset_seconds"] == 9 * 3600
    assert block(body, "current")["time"] == "2026-01-01T09:00"
    utc = await forecast(client, TOKYO, timezone="UTC")
    assert (utc["timezone"], utc["utc_offset_seconds"]) == ("GMT", 0)
    assert block(utc, "current")["time"] == "2026-01-01T00:00"
    # An instant's weather does not depend on the zone it is written in.
    assert block(utc, "current")["temperature_2m"] == block(body, "current")["temperature_2m"]


async def test_current_time_moves_in_15_minute_steps(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    await clock.advance(14 * 60)
    assert block(await forecast(client, LONDON), "current")["time"] == "2026-01-01T00:00"
    await clock.advance(60)
    assert block(await forecast(client, LONDON), "current")["time"] == "2026-01-01T00:15"


# -- values ------------------------------------------------------------------------------
async def test_fahrenheit_matches_celsius(client: httpx.AsyncClient) -> None:
    celsius = await forecast(client, LONDON, temperature_unit="celsius", forecast_days="7")
    fahrenheit = await forecast(client, LONDON, temperature_unit="fahrenheit", forecast_days="7")
    assert block(fahrenheit, "current_units")["temperature_2m"] == "°F"
    assert block(fahrenheit, "daily_units")["temperature_2m_max"] == "°F"
    c, f = (
        number(celsius, "current", "temperature_2m"),
        number(fahrenheit, "current", "temperature_2m"),
    )
    assert f == pytest.approx(c * 9 / 5 + 32, abs=0.15)
    for name in ("temperature_2m_max", "temperature_2m_min"):
        for day in range(7):
            c, f = number(celsius, "daily", name, day), number(fahrenheit, "daily", name, day)
            assert f == pytest.approx(c * 9 / 5 + 32, abs=0.15)
    assert block(celsius, "current")["uv_index"] == block(fahrenheit, "current")["uv_index"]


async def test_uv_is_zero_at_night_and_positive_at_noon(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    night = await forecast(client, LONDON)
    assert (block(night, "current")["is_day"], block(night, "current")["uv_index"]) == (0, 0)
    await clock.advance(12 * HOUR)
    noon = await forecast(client, LONDON)
    assert block(noon, "current")["is_day"] == 1
    assert 0 < number(noon, "current", "uv_index") <= number(noon, "daily", "uv_index_max", 0)
    # Meanwhile it is 21:00 in Tokyo: dark.
    tokyo = await forecast(client, TOKYO)
    assert (block(tokyo, "current")["is_day"], block(tokyo, "current")["uv_index"]) == (0, 0)


async def test_current_values_lie_within_the_days_range(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    for _ in range(12):
        for place in (LONDON, SYDNEY, TOKYO):
            body = await forecast(client, place)
            temperature = number(body, "current", "temperature_2m")
            low, high = number(body, "daily", "temperature_2m_min", 0), number(
                body, "daily", "temperature_2m_max", 0)  # fmt: skip
            assert low <= temperature <= high
            rain = number(body, "current", "precipitation_probability")
            assert 0 <= rain <= number(body, "daily", "precipitation_probability_max", 0) <= 100
            assert number(body, "current", "uv_index") <= number(body, "daily", "uv_index_max", 0)
        await clock.advance(2 * HOUR + 15 * 60)


async def test_seasons_follow_the_hemisphere(client: httpx.AsyncClient, clock: FakeClock) -> None:
    async def week_mean(place: dict[str, str]) -> float:
        body = await forecast(client, place, forecast_days="7")
        highs = block(body, "daily")["temperature_2m_max"]
        assert isinstance(highs, list)
        return sum(highs) / len(highs)

    london_january, sydney_january = await week_mean(LONDON), await week_mean(SYDNEY)
    await clock.advance(190 * DAY)  # mid-July
    london_july, sydney_july = await week_mean(LONDON), await week_mean(SYDNEY)
    assert london_july > london_january + 5
    assert sydney_january > sydney_july + 5
    assert sydney_january > london_january


async def test_forecast_is_deterministic(client: httpx.AsyncClient) -> None:
    params = LONDON | {"current": CURRENT, "daily": DAILY, "forecast_days": "3"}
    first = await client.get("/v1/forecast", params=params)
    second = await client.get("/v1/forecast", params=params)
    assert first.content == second.content


# -- errors ------------------------------------------------------------------------------
FLOAT = "Value of type 'Float' required for key '{}'."
RANGE = "{} must be in range of -{} to {}°. Given: {}."
VARIABLE = "Cannot initialize {} from invalid String value {} for key {}"
DAYS = "Forecast days is invalid. Allowed range 0 to 16."


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"longitude": "0"}, FLOAT.format("latitude")),
        ({"latitude": "0"}, FLOAT.format("longitude")),
        ({"latitude": "north", "longitude": "0"}, FLOAT.format("latitude")),
        ({"latitude": "91", "longitude": "0"}, RANGE.format("Latitude", 90, 90, "91.0")),
        ({"latitude": "0", "longitude": "-181"}, RANGE.format("Longitude", 180, 180, "-181.0")),
        ({"latitude": "nan", "longitude": "0"}, RANGE.format("Latitude", 90, 90, "nan")),
        (LONDON | {"current": "is_day,foo"}, VARIABLE.format("WeatherVariable", "foo", "current")),
        (LONDON | {"daily": "bar"}, VARIABLE.format("ForecastVariableDaily", "bar", "daily")),
        (
            LONDON | {"temperature_unit": "kelvin"},
            VARIABLE.format("TemperatureUnit", "kelvin", "temperature_unit"),
        ),
        (LONDON | {"timezone": "Mars/Olympus_Mons"}, "Invalid timezone"),
        (LONDON | {"forecast_days": "17"}, DAYS),
        (LONDON | {"forecast_days": "-1"}, DAYS),
    ],
)
async def test_forecast_errors_are_open_meteo_shaped(
    client: httpx.AsyncClient, params: dict[str, str], reason: str
) -> None:
    response = await client.get("/v1/forecast", params=params)
    assert response.status_code == 400
    assert response.json() == {"error": True, "reason": reason}


async def test_hourly_is_refused_rather_than_ignored(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/forecast", params=LONDON | {"hourly": "temperature_2m"})
    assert response.status_code == 400
    assert response.json()["error"] is True


# -- geocoding ---------------------------------------------------------------------------
async def search(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await client.get("/geocoding/v1/search", params=params)


async def test_geocoding_finds_a_city(client: httpx.AsyncClient) -> None:
    response = await search(client, name="london", count="1", language="en", format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "generationtime_ms"}
    [london] = body["results"]
    assert london == {
        "id": 2643743, "name": "London", "latitude": 51.50853, "longitude": -0.12574,
        "elevation": 25.0, "feature_code": "PPLC", "country_code": "GB",
        "timezone": "Europe/London", "population": 8961989, "country": "United Kingdom",
        "admin1": "England",
    }  # fmt: skip


async def test_geocoding_prefix_matches_most_populous_first(client: httpx.AsyncClient) -> None:
    body = (await search(client, name="Lo")).json()
    assert [city["name"] for city in body["results"]] == ["London", "Los Angeles"]
    assert [r["name"] for r in (await search(client, name="lo", count="1")).json()["results"]] == [
        "London"
    ]


async def test_geocoding_ignores_accents(client: httpx.AsyncClient) -> None:
    body = (await search(client, name="sao paulo")).json()
    assert body["results"][0]["name"] == "São Paulo"
    assert (await search(client, name="REYKJAVIK")).json()["results"][0]["country_code"] == "IS"


@pytest.mark.parametrize("name", ["Atlantis", "L", "", "  "])
async def test_geocoding_misses_omit_results(client: httpx.AsyncClient, name: str) -> None:
    response = await search(client, name=name)
    assert response.status_code == 200
    assert response.json() == {"generationtime_ms": 0.5}


async def test_geocoding_without_name_is_400(client: httpx.AsyncClient) -> None:
    response = await search(client, count="1")
    assert response.status_code == 400
    assert response.json() == {"error": True, "reason": "Parameter 'name' is missing"}


async def test_geocoding_result_feeds_the_forecast(client: httpx.AsyncClient) -> None:
    [city] = (await search(client, name="Tokyo", count="1")).json()["results"]
    place = {"latitude": str(city["latitude"]), "longitude": str(city["longitude"])}
    body = await forecast(client, place)
    assert (body["timezone"], body["elevation"]) == (city["timezone"], city["elevation"])


# -- faults ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    ["/v1/forecast?latitude=1&longitude=2&current=is_day", "/geocoding/v1/search?name=Paris"],
)
async def test_weather_faults_answer_503(
    client: httpx.AsyncClient, world: World, path: str
) -> None:
    world.faults.append(Fault("weather", "status", status=503))
    assert (await client.get(path)).status_code == 503
    assert (await client.get(path)).status_code == 503
    world.faults.clear()
    assert (await client.get(path)).status_code == 200
