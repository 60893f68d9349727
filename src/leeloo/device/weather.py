"""Weather from Open-Meteo (no key), refreshed every 10 minutes on an injected clock.

The place is either coordinates from the configuration or a place name geocoded once
and remembered in a small JSON file (so a restart, or a day offline, needs no lookup).
Failures never invent numbers: the state becomes `WeatherUnavailable` once the last good
reading is older than `stale_after_s` (a short network glitch keeps the last reading),
and a failed refresh is retried after `retry_s` instead of the full period.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from leeloo.clock import Clock
from leeloo.core.weather import (
    Conditions,
    NoLocation,
    Place,
    TemperatureUnit,
    WeatherFormatError,
    WeatherState,
    WeatherUnavailable,
    forecast_query,
    parse_forecast,
    parse_place,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WeatherSettings:
    """Where and how to get the weather; `place` is geocoded when no coordinates are set."""

    latitude: float | None = None
    longitude: float | None = None
    place: str = ""
    unit: TemperatureUnit = TemperatureUnit.CELSIUS
    base_url: str = "https://api.open-meteo.com"
    geocoding_url: str = "https://geocoding-api.open-meteo.com/v1/search"
    place_file: Path | None = None
    refresh_s: float = 600.0
    retry_s: float = 60.0
    stale_after_s: float = 1800.0
    timeout_s: float = 10.0


class WeatherError(Exception):
    """A forecast or geocoding request failed (network, HTTP status, or answer shape)."""


class WeatherService:
    """Keeps `state` up to date; `run()` refreshes forever, `refresh()` once."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        clock: Clock,
        settings: WeatherSettings,
        on_change: Callable[[WeatherState], None] | None = None,
    ) -> None:
        self._http = http
        self._clock = clock
        self._settings = settings
        self._on_change = on_change
        self._place: Place | None = None
        self._good_at: float | None = None
        self.state: WeatherState = WeatherUnavailable("not fetched yet")

    async def run(self) -> None:
        while True:
            ok = await self.refresh()
            await self._clock.sleep(self._settings.refresh_s if ok else self._settings.retry_s)

    async def refresh(self) -> bool:
        """Fetch once; returns whether a fresh reading (or a settled "no location") came."""
        try:
            place = await self.location()
            state: WeatherState = NoLocation() if place is None else await self._forecast(place)
            self._good_at = self._clock.monotonic()
            ok = True
        except WeatherError as exc:
            log.warning("weather refresh failed: %s", exc)
            state, ok = self._after_failure(str(exc)), False
        self._set(state)
        return ok

    async def location(self) -> Place | None:
        """Coordinates from the settings, the remembered place, or a geocoded one."""
        settings = self._settings
        if settings.latitude is not None and settings.longitude is not None:
            return Place(settings.place, settings.latitude, settings.longitude)
        if not settings.place:
            return None
        if self._place is None:
            self._place = self._remembered() or await self._geocode(settings.place)
        return self._place

    def _after_failure(self, reason: str) -> WeatherState:
        fresh = self._good_at is not None and (
            self._clock.monotonic() - self._good_at < self._settings.stale_after_s
        )
        return self.state if fresh else WeatherUnavailable(reason)

    def _set(self, state: WeatherState) -> None:
        if state != self.state:
            self.state = state
            if self._on_change is not None:
                self._on_change(state)

    async def _forecast(self, place: Place) -> Conditions:
        query = forecast_query(place.latitude, place.longitude, self._settings.unit)
        payload = await self._get(self._settings.base_url.rstrip("/") + "/v1/forecast", query)
        try:
            return parse_forecast(payload, self._settings.unit)
        except WeatherFormatError as exc:
            raise WeatherError(str(exc)) from exc

    async def _geocode(self, name: str) -> Place | None:
        query = {"name": name, "count": "1", "format": "json"}
        payload = await self._get(self._settings.geocoding_url, query)
        try:
            place = parse_place(payload, name)
        except WeatherFormatError as exc:
            raise WeatherError(str(exc)) from exc
        if place is None:
            log.warning("no place called %r: weather needs a location", name)
            raise WeatherError(f"unknown place {name!r}")
        self._remember(place)
        return place

    async def _get(self, url: str, query: dict[str, str]) -> object:
        try:
            response = await self._http.get(url, params=query, timeout=self._settings.timeout_s)
        except httpx.HTTPError as exc:
            raise WeatherError(f"{type(exc).__name__} from {url}") from exc
        if response.status_code != 200:
            raise WeatherError(f"HTTP {response.status_code} from {url}")
        try:
            payload: object = response.json()
        except ValueError as exc:
            raise WeatherError(f"{url} did not answer JSON") from exc
        return payload

    def _remembered(self) -> Place | None:
        path = self._settings.place_file
        if path is None or not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
            place = Place(str(data["name"]), float(data["latitude"]), float(data["longitude"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable place file %s: %s", path, exc)
            return None
        return place if place.name == self._settings.place else None

    def _remember(self, place: Place) -> None:
        path = self._settings.place_file
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(
            {"name": place.name, "latitude": place.latitude, "longitude": place.longitude}
        )
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
