"""Where frames go: one small interface, `show(image)`, and its implementations.

- `framebuffer.FramebufferOutput`: a Linux framebuffer (RGB565 or 32-bit), changed rows only;
- `png.PngOutput`: a PNG file replaced atomically on each frame;
- `memory.MemoryOutput`: keeps frames, for tests;
- `preview.PreviewOutput`: a live web page that follows the frames.

`show` receives the renderer's own frame, which changes after the call returns: an output
that keeps the image must copy it.
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image


class Output(Protocol):
    """A sink for 480×320 RGB frames."""

    def show(self, image: Image.Image) -> None:
        """Display `image` (do not keep a reference to it: copy what you keep)."""
