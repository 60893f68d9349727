"""The frame pipeline: screen values in, frames out, work only when something changed.

`Display.update(screen)` gets the album image for the screen's panel, and renders and
shows a frame only when the view-model or that image changed. The renderer repaints only
the boxes that changed, and the framebuffer output writes only the rows that changed, so
the once-a-second clock tick usually costs a comparison of two frozen values.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from leeloo.core.screen import Screen
from leeloo.device.artwork import AlbumSource
from leeloo.device.outputs import Output
from leeloo.device.render.renderer import Rendered, ScreenRenderer


class Display:
    def __init__(
        self,
        albums: AlbumSource,
        outputs: Sequence[Output],
        renderer: ScreenRenderer | None = None,
    ) -> None:
        self._albums = albums
        self._outputs = list(outputs)
        self._renderer = renderer or ScreenRenderer()
        self._screen: Screen | None = None
        self._album: Image.Image | None = None

    async def update(self, screen: Screen) -> Rendered | None:
        """Show `screen`; returns what was rendered, or None when nothing changed."""
        album = await self._albums.image_for(screen.album)
        if screen == self._screen and album is self._album:
            return None
        rendered = self._renderer.render(screen, album)
        for output in self._outputs:
            output.show(rendered.image)
        self._screen, self._album = screen, album
        return rendered
