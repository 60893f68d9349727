"""Shared fixtures. Async tests run on asyncio through anyio's pytest plugin."""

from __future__ import annotations

import pytest

from leeloo.testing import FakeClock


def pytest_collectstart(collector: pytest.Collector) -> None:
    # Every `async def` test runs under anyio (asyncio backend) without a marker per test:
    # anyio's plugin looks for the marker on the module while it collects the functions.
    if isinstance(collector, pytest.Module):
        collector.add_marker(pytest.mark.anyio)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
