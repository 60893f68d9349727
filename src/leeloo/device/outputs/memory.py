"""An output that keeps every frame it is shown: the test double for `Output`."""

from __future__ import annotations

from PIL import Image


class MemoryOutput:
    """Keeps copies of the frames shown, oldest first (at most `keep`)."""

    def __init__(self, keep: int = 100) -> None:
        self.frames: list[Image.Image] = []
        self._keep = keep

    def show(self, image: Image.Image) -> None:
        self.frames.append(image.copy())
        del self.frames[: -self._keep]

    @property
    def last(self) -> Image.Image | None:
        return self.frames[-1] if self.frames else None
