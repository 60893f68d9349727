"""The weather client against the emulator's Open-Meteo routes, in-process, on a FakeClock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from leeloo.core.weather import Conditions, NoLocation, TemperatureUnit, WeatherUnavailable
from leeloo.device.weather import WeatherService, WeatherSettings
from leeloo.emulator.app import create_app
from leeloo.emulator.scenarios import build_world
from leeloo.emulator.world import Fault, World
from leeloo.testing import FakeClock

BASE = "http://emulator.test"


@pytest.fixture
def world(clock: FakeClock) -> World:
    return build_world(clock, "playing")


@pytest.fixture
async def http(world: World) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(world))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


def settings(**kw: object) -> WeatherSettings:
    base = {
        "latitude": 51.5072,
        "longitude": -0.1276,
        "base_url": BASE,
        "geocoding_url": BASE + "/geocoding/v1/search",
    }
    base.update(kw)
    return WeatherSettings(**base)  # type: ignore[arg-type]


async def test_reads_current_conditions(http: httpx.AsyncClient, clock: FakeClock) -> None:
    service = WeatherService(http, clock, settings())
    assert await service.refresh()
    state = service.state
    assert isinstance(state, Conditions)
    assert state.unit is TemperatureUnit.CELSIUS
    assert state.rain_chance is not None


async def test_fahrenheit_by_config(http: httpx.AsyncClient, clock: FakeClock) -> None:
    celsius = WeatherService(http, clock, settings())
    fahrenheit = WeatherService(http, clock, settings(unit=TemperatureUnit.FAHRENHEIT))
    await celsius.refresh()
    await fahrenheit.refresh()
    c, f = celsius.state, fahrenheit.state
    assert isinstance(c, Conditions)
    assert isinstance(f, Conditions)
    assert f.unit is TemperatureUnit.FAHRENHEIT
    assert f.temperature == pytest.approx(c.temperature * 9 / 5 + 32, abs=0.2)


async def test_server_error_means_unavailable_never_numbers(
    http: httpx.AsyncClient, clock: FakeClock, world: World
) -> None:
    world.faults.append(Fault("weather", "status", status=503))
    service = WeatherService(http, clock, settings())
    assert not await service.refresh()
    assert isinstance(service.state, WeatherUnavailable)
    assert "503" in service.state.reason


async def test_timeout_means_unavailable(clock: FakeClock) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(timeout)) as http:
        service = WeatherService(http, clock, settings())
        assert not await service.refresh()
    assert isinstance(service.state, WeatherUnavailable)


@pytest.mark.parametrize("body", [b"not json", b'{"current": {}}'])
async def test_bad_bodies_mean_unavailable(clock: FakeClock, body: bytes) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    async with httpx.AsyncClient(transport=transport) as http:
        service = WeatherService(http, clock, settings())
        assert not await service.refresh()
    assert isinstance(service.state, WeatherUnavailable)


async def test_refreshes_every_ten_minutes_and_keeps_a_short_glitch(
    http: httpx.AsyncClient, clock: FakeClock, world: World
) -> None:
    changes: list[object] = []
    service = WeatherService(http, clock, settings(), on_change=changes.append)
    task = asyncio.create_task(service.run())
    try:
        await clock.advance(0)
        assert world.request_counts["weather"] == 1
        await clock.advance(599)
        assert world.request_counts["weather"] == 1
        await clock.advance(1)
        assert world.request_counts["weather"] == 2
        good = service.state
        assert isinstance(good, Conditions)
        # A failure: the last reading stays (it is fresh), the retry comes after 60 s.
        world.faults.append(Fault("weather", "status", status=500))
        await clock.advance(600)
        assert world.request_counts["weather"] == 3
        assert service.state == good
        await clock.advance(60)
        assert world.request_counts["weather"] == 4
        # Failing on for 30 minutes: the reading is stale, weather is unavailable.
        await clock.advance(30 * 60)
        assert isinstance(service.state, WeatherUnavailable)
        world.faults.clear()
        await clock.advance(60)
        assert isinstance(service.state, Conditions)
        assert isinstance(changes[0], Conditions)
    finally:
        task.cancel()


async def test_no_location_configured(http: httpx.AsyncClient, clock: FakeClock) -> None:
    service = WeatherService(http, clock, settings(latitude=None, longitude=None))
    assert await service.refresh()
    assert service.state == NoLocation()


async def test_place_is_geocoded_once_and_remembered(
    http: httpx.AsyncClient, clock: FakeClock, tmp_path: Path, world: World
) -> None:
    place_file = tmp_path / "state" / "place.json"
    kw = {"latitude": None, "longitude": None, "place": "Paris", "place_file": place_file}
    service = WeatherService(http, clock, settings(**kw))
    await service.refresh()
    await service.refresh()
    assert isinstance(service.state, Conditions)
    stored = json.loads(place_file.read_text())
    assert stored["name"] == "Paris"
    assert stored["latitude"] == pytest.approx(48.85, abs=0.01)

    # A restart with the network down for geocoding still knows where Paris is.
    def no_geocoding(request: httpx.Request) -> httpx.Response:
        assert "geocoding" not in request.url.path
        return httpx.Response(503)

    async with httpx.AsyncClient(transport=httpx.MockTransport(no_geocoding)) as offline:
        again = WeatherService(offline, clock, settings(**kw))
        place = await again.location()
    assert place is not None
    assert place.latitude == pytest.approx(48.85, abs=0.01)


async def test_unknown_or_changed_place(
    http: httpx.AsyncClient, clock: FakeClock, tmp_path: Path
) -> None:
    place_file = tmp_path / "place.json"
    place_file.write_text(json.dumps({"name": "Paris", "latitude": 1, "longitude": 2}))
    kw = {"latitude": None, "longitude": None, "place_file": place_file}
    unknown = WeatherService(http, clock, settings(place="Xqzzyville-nowhere", **kw))
    assert not await unknown.refresh()
    assert isinstance(unknown.state, WeatherUnavailable)
    place_file.write_text("{broken")
    berlin = WeatherService(http, clock, settings(place="Berlin", **kw))
    place = await berlin.location()
    assert place is not None
    assert place.name == "Berlin"
