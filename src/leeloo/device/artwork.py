"""Album-column images for the screen's panels, fetched once and kept.

`Artwork.image_for(panel)` returns the 243×304 image for an album panel: covers and scan
codes are fetched over HTTP (base URLs injected), fitted by `render.album`, stored fitted
in the `ArtCache` (so the screen works offline) and the composed image is memoised in
memory. A failed fetch never raises: the image is drawn without it (no cover; a QR of the
open.spotify.com link instead of the scan code) and the panel is tried again after
`retry_s` seconds of the injected clock.
"""

from __future__ import annotations

import io
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import httpx
from PIL import Image

from leeloo.clock import Clock
from leeloo.core.musiccard import AlbumPanel, ArtPanel, ScanCodeBar
from leeloo.device.artcache import ArtCache
from leeloo.device.render import album
from leeloo.device.render.fonts import Fonts, fonts

log = logging.getLogger(__name__)

SCANNABLES = "https://scannables.scdn.co"
Fitter = Callable[[bytes | None], Image.Image | None]


class AlbumSource(Protocol):
    """Anything that turns an album panel into its 243×304 image."""

    async def image_for(self, panel: AlbumPanel) -> Image.Image:
        """The album-column image for `panel` (never raises for bad or missing media)."""


class Artwork:
    """Fetches, caches and composes album images."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        cache: ArtCache,
        clock: Clock,
        scannables_base: str = SCANNABLES,
        retry_s: float = 60.0,
        keep: int = 8,
        font_set: Fonts | None = None,
    ) -> None:
        self._http = http
        self._cache = cache
        self._clock = clock
        self._scannables = scannables_base
        self._retry_s = retry_s
        self._keep = keep
        self._fonts = font_set or fonts()
        # panel -> (image, complete, made at): complete ones are kept until evicted
        self._made: OrderedDict[AlbumPanel, tuple[Image.Image, bool, float]] = OrderedDict()

    async def image_for(self, panel: AlbumPanel) -> Image.Image:
        made = self._made.get(panel)
        now = self._clock.monotonic()
        if made is not None and (made[1] or now - made[2] < self._retry_s):
            self._made.move_to_end(panel)
            return made[0]
        image, complete = await self._make(panel)
        self._made[panel] = (image, complete, now)
        self._made.move_to_end(panel)
        while len(self._made) > self._keep:
            self._made.popitem(last=False)
        return image

    async def _make(self, panel: AlbumPanel) -> tuple[Image.Image, bool]:
        if not isinstance(panel, ArtPanel):
            return album.album_image(panel, None, None, self._fonts), True
        art = await self._fitted(panel.art_url, album.cover_art) if panel.art_url else None
        code = None
        if isinstance(panel.bar, ScanCodeBar):
            url = album.scan_code_url(self._scannables, panel.bar.uri)
            code = await self._fitted(url, album.scan_code_bar)
        complete = art is not None and (code is not None or not isinstance(panel.bar, ScanCodeBar))
        return album.album_image(panel, art, code, self._fonts), complete

    async def _fitted(self, url: str, fit: Fitter) -> Image.Image | None:
        """The fitted image for `url`: from the disk cache, else fetched, fitted, cached."""
        cached = self._cache.get(url)
        if cached is not None:
            image = album.decode(cached)
            if image is not None:
                return image
        fitted = fit(await self._fetch(url))
        if fitted is not None:
            buffer = io.BytesIO()
            fitted.save(buffer, "PNG")
            self._cache.put(url, buffer.getvalue())
        return fitted

    async def _fetch(self, url: str) -> bytes | None:
        try:
            response = await self._http.get(url, timeout=10.0, follow_redirects=True)
        except httpx.HTTPError as exc:
            log.warning("cannot fetch %s: %s", url, exc)
            return None
        if response.status_code != 200:
            log.warning("cannot fetch %s: HTTP %d", url, response.status_code)
            return None
        return response.content
