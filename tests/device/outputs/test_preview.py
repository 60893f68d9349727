"""The live preview: served by uvicorn, opened in headless Chromium (no reload)."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from PIL import Image, ImageChops

from leeloo.device.outputs.preview import PreviewOutput
from leeloo.testing.screens import render, samples

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


async def test_frame_and_page_in_process() -> None:
    output = PreviewOutput()
    frame = render(samples()["playing"])
    output.show(frame)
    transport = httpx.ASGITransport(app=output.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://preview") as http:
        page = await http.get("/")
        png = await http.get("/frame.png")
    assert 'src="frame.png?v=1"' in page.text
    assert "http" not in page.text.replace("http://", "")  # no external assets
    assert png.headers["x-frame-version"] == "1"
    shown = Image.open(io.BytesIO(png.content)).convert("RGB")
    assert ImageChops.difference(shown, frame).getbbox() is None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served() -> Iterator[tuple[PreviewOutput, str]]:
    output = PreviewOutput()
    port = free_port()
    config = uvicorn.Config(
        output.app(), host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10  # bounded wait for the server to start
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    yield output, f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


def screenshot_frame(page: object) -> Image.Image:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    data = page.locator("#frame").screenshot()
    return Image.open(io.BytesIO(data)).convert("RGB")


def matches(shot: Image.Image, frame: Image.Image) -> bool:
    return shot.size == frame.size and ImageChops.difference(shot, frame).getbbox() is None


@pytest.mark.browser
def test_page_shows_the_frame_and_follows_changes(served: tuple[PreviewOutput, str]) -> None:
    from playwright.sync_api import sync_playwright

    output, url = served
    first, second = render(samples()["playing"]), render(samples()["pushed"])
    output.show(first)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 600, "height": 400})
            page.goto(url)
            page.wait_for_function("document.getElementById('frame').complete", timeout=5000)
            assert matches(screenshot_frame(page), first)
            page.evaluate("window.loadedAt = performance.timeOrigin")
            output.show(second)
            started = time.monotonic()
            page.wait_for_function(
                "document.getElementById('frame').dataset.version === '2'", timeout=1000
            )
            page.wait_for_function("document.getElementById('frame').complete", timeout=1000)
            assert time.monotonic() - started < 1.0
            assert matches(screenshot_frame(page), second)
            assert page.evaluate("window.loadedAt === performance.timeOrigin")  # no reload
        finally:
            browser.close()
