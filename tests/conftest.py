"""Shared fixtures. Async tests run on asyncio through anyio's pytest plugin."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
import uvicorn
from starlette.types import ASGIApp

from leeloo.testing import FakeClock

if TYPE_CHECKING:
    from playwright.sync_api import Browser


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


# -- real servers and a real browser, shared by the tests that need them -----------------

CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, headless, with nothing that phones home (the network is closed here).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 10.0


@pytest.fixture
def serve() -> Iterator[Callable[[ASGIApp], str]]:
    """Serve ASGI apps with uvicorn on 127.0.0.1 (a port the OS picks) in threads.

    `base = serve(app)` returns the base URL; every server stops when the test ends.
    """
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: ASGIApp) -> str:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=1
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="served-app", daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.monotonic() + STARTUP_TIMEOUT_S  # start-up only, not a timing test
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        port: int = server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT_S)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per test module (Debian's package; no browser download).

    Module-scoped, not session-scoped: Playwright's sync API keeps an event loop marked
    running in the main thread while it is open, which would stop every later async test.
    A module that uses it must hold sync tests only.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
