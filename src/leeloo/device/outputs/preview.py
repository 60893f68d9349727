"""A live web preview of the screen: a page that follows the frames without reloading.

`PreviewOutput` is an `Output`; `app()` is a small Starlette app serving

- `/`            the page (inline HTML and script, no external assets);
- `/frame.png`   the current frame (`X-Frame-Version` header; `?v=N` only defeats caches);
- `/events`      Server-Sent Events: one `data: <version>` message per new frame.

The page listens to `/events` and, on each message, loads `/frame.png?v=<version>` into
an off-screen image before swapping it in (no flicker). EventSource reconnects by itself
when the device restarts. `show` may be called from any thread: waiting streams are woken
with `call_soon_threadsafe` on their own event loop.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator

from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

KEEPALIVE_S = 15.0

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LEELOO preview</title>
<style>
 body { margin: 0; background: #0d0f18; display: grid; place-items: center; min-height: 100vh; }
 img { display: block; width: 480px; height: 320px; image-rendering: pixelated; }
</style></head>
<body>
<img id="frame" src="frame.png?v=__VERSION__" data-version="__VERSION__" alt="LEELOO screen">
<script>
 const frame = document.getElementById("frame");
 const events = new EventSource("events");
 events.onmessage = (message) => {
   const version = message.data;
   if (version === frame.dataset.version) return;
   const next = new Image();
   next.onload = () => { frame.src = next.src; frame.dataset.version = version; };
   next.src = "frame.png?v=" + version;
 };
</script>
</body></html>
"""


class PreviewOutput:
    """Keeps the latest frame and wakes every page following it."""

    def __init__(self, size: tuple[int, int] = (480, 320)) -> None:
        self._lock = threading.Lock()
        self._image = Image.new("RGB", size, (0x1A, 0x1D, 0x2E))
        self._version = 0
        self._png: tuple[int, bytes] | None = None
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    @property
    def version(self) -> int:
        return self._version

    def show(self, image: Image.Image) -> None:
        copy = image.copy()
        with self._lock:
            self._image = copy
            self._version += 1
            waiters = list(self._waiters)
        for loop, event in waiters:
            loop.call_soon_threadsafe(event.set)

    def png(self) -> tuple[int, bytes]:
        """The current frame as PNG bytes, with its version (encoded once per frame)."""
        with self._lock:
            version, image, cached = self._version, self._image, self._png
        if cached is not None and cached[0] == version:
            return cached
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)
        encoded = (version, buffer.getvalue())
        with self._lock:
            self._png = encoded
        return encoded

    async def versions(self) -> AsyncIterator[int | None]:
        """The current version, then each newer one; None every KEEPALIVE_S of silence."""
        event = asyncio.Event()
        waiter = (asyncio.get_running_loop(), event)
        with self._lock:
            self._waiters.add(waiter)
        try:
            sent = -1
            while True:
                event.clear()
                if self._version != sent:
                    sent = self._version
                    yield sent
                    continue
                try:
                    await asyncio.wait_for(event.wait(), KEEPALIVE_S)
                except TimeoutError:
                    yield None
        finally:
            with self._lock:
                self._waiters.discard(waiter)

    def app(self) -> Starlette:
        """The preview's ASGI app."""
        return Starlette(
            routes=[
                Route("/", self._page),
                Route("/frame.png", self._frame),
                Route("/events", self._events),
            ]
        )

    async def _page(self, request: Request) -> Response:
        html = PAGE.replace("__VERSION__", str(self._version))
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def _frame(self, request: Request) -> Response:
        version, data = self.png()
        headers = {"Cache-Control": "no-store", "X-Frame-Version": str(version)}
        return Response(data, media_type="image/png", headers=headers)

    async def _events(self, request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            async for version in self.versions():
                yield ": keepalive\n\n" if version is None else f"data: {version}\n\n"

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
