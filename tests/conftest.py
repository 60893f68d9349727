"""Shared fixtures. Async tests run on asyncio through anyio's pytest plugin."""

from __future__ import annotations

import inspect

import pytest

from leeloo.testing import FakeClock


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every `async def` test runs under anyio (asyncio backend) without a marker per test.
    for item in items:
        if isinstance(item, pytest.Function) and inspect.iscoroutinefunction(item.obj):
            item.add_marker(pytest.mark.anyio)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
