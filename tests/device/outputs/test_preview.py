"""The live preview: served by uvicorn, opened in headless Chromium (no reload)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import httpx
import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser
from starlette.types import ASGIApp

from leeloo.device.outputs.preview import PreviewOutput
from leeloo.testing.screens import render, samples


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


@pytest.fixture
def served(serve: Callable[[ASGIApp], str]) -> tuple[PreviewOutput, str]:
    output = PreviewOutput()
    return output, serve(output.app()) + "/"


def screenshot_frame(page: object) -> Image.Image:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    data = page.locator("#frame").screenshot()
    return Image.open(io.BytesIO(data)).convert("RGB")


def matches(shot: Image.Image, frame: Image.Image) -> bool:
    return shot.size == frame.size and ImageChops.difference(shot, frame).getbbox() is None


@pytest.mark.browser
def test_page_shows_the_frame_and_follows_changes(
    served: tuple[PreviewOutput, str], chromium: Browser
) -> None:
    output, url = served
    first, second = render(samples()["playing"]), render(samples()["pushed"])
    output.show(first)
    page = chromium.new_page(viewport={"width": 600, "height": 400})
    try:
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
        page.close()
