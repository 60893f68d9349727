from __future__ import annotations

from typing import Any

import pytest

from leeloo.core.weather import (
    Conditions,
    Place,
    TemperatureUnit,
    WeatherFormatError,
    forecast_query,
    parse_forecast,
    parse_place,
    rain_boxes,
    temperature_boxes,
    uv_boxes,
)

C = TemperatureUnit.CELSIUS
F = TemperatureUnit.FAHRENHEIT


def answer(**current: Any) -> dict[str, Any]:
    values = {
        "temperature_2m": 21.4,
        "uv_index": 5.2,
        "precipitation_probability": 40,
        "weather_code": 3,
        "is_day": 1,
    }
    values.update(current)
    return {"current_units": {"temperature_2m": "°C"}, "current": values}


def test_query_asks_for_what_the_screen_shows() -> None:
    query = forecast_query(51.5072, -0.1276, F)
    assert query["current"] == (
        "temperature_2m,uv_index,precipitation_probability,weather_code,is_day"
    )
    assert query["temperature_unit"] == "fahrenheit"
    assert query["latitude"] == "51.5072"


def test_parse_full_answer() -> None:
    assert parse_forecast(answer(), C) == Conditions(21.4, C, 5.2, 40, 3, True)


def test_answer_unit_label_wins() -> None:
    payload = answer()
    payload["current_units"] = {"temperature_2m": "°F"}
    assert parse_forecast(payload, C).unit is F
    payload["current_units"] = {"temperature_2m": "°C"}
    assert parse_forecast(payload, F).unit is C
    payload["current_units"] = "nonsense"
    assert parse_forecast(payload, F).unit is F


def test_optional_values_may_be_missing_or_null() -> None:
    got = parse_forecast(
        answer(uv_index=None, precipitation_probability="x", weather_code=None, is_day=0), C
    )
    assert (got.uv_index, got.rain_chance, got.weather_code) == (None, None, None)
    assert got.is_day is False


def test_rain_chance_is_clamped() -> None:
    assert parse_forecast(answer(precipitation_probability=140), C).rain_chance == 100


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"current": "x"},
        {"nothing": 1},
        answer(temperature_2m=None),
        answer(temperature_2m=True),
        answer(temperature_2m=float("nan")),
    ],
)
def test_bad_answers_raise_one_error(payload: object) -> None:
    with pytest.raises(WeatherFormatError):
        parse_forecast(payload, C)


def test_parse_place() -> None:
    payload = {"results": [{"name": "Paris", "latitude": 48.85, "longitude": 2.35}]}
    assert parse_place(payload, "paris") == Place("paris", 48.85, 2.35)
    assert parse_place({"results": []}, "nowhere") is None
    assert parse_place({}, "nowhere") is None


@pytest.mark.parametrize(
    "payload",
    ["x", {"results": ["x"]}, {"results": "x"}, {"results": [{"latitude": 1}]}],
)
def test_bad_places_raise(payload: object) -> None:
    with pytest.raises(WeatherFormatError):
        parse_place(payload, "x")


@pytest.mark.parametrize(
    ("temperature", "unit", "boxes"),
    [(0, F, 0), (50, F, 6), (100, F, 12), (120, F, 12), (-40, C, 0), (37.8, C, 12), (10, C, 6)],
)
def test_temperature_boxes(temperature: float, unit: TemperatureUnit, boxes: int) -> None:
    assert temperature_boxes(Conditions(temperature, unit)) == boxes


def test_uv_and_rain_boxes() -> None:
    assert uv_boxes(Conditions(0, C, uv_index=5.4)) == 5
    assert uv_boxes(Conditions(0, C, uv_index=14)) == 12
    assert uv_boxes(Conditions(0, C)) == 0
    assert rain_boxes(Conditions(0, C, rain_chance=50)) == 6
    assert rain_boxes(Conditions(0, C)) == 0


def test_unit_symbols() -> None:
    assert (C.symbol, F.symbol) == ("°C", "°F")
