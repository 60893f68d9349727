"""An output that keeps the latest frame in a PNG file, replaced atomically.

The file is written next to its destination, flushed to disk, then renamed over it, so a
reader (a web server, a person with an image viewer) never sees a half-written PNG.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PIL import Image


class PngOutput:
    def __init__(self, path: Path) -> None:
        self.path = path

    def show(self, image: Image.Image) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                image.save(handle, "PNG", compress_level=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
