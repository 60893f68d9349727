"""Album art on disk: fitted images keyed by their URL and the layout version.

- Key: sha256(url + "\\n" + layout version). A layout change (new art size, new bar look)
  changes every key, so stale images are never shown; old files age out by LRU.
- Bounded: the total size stays under `limit_bytes`; the least recently used files go
  first. Use order is kept in memory and mirrored in the files' mtimes, so it survives a
  restart.
- Atomic: a file is written under a temporary name, flushed, then renamed into place; a
  crash leaves either the old state or the new file, never half an image. Leftover
  temporary files are removed at start.
- Offline: `get` only reads the disk.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from pathlib import Path

from leeloo.device.render.layout import LAYOUT_VERSION

log = logging.getLogger(__name__)

DEFAULT_LIMIT_BYTES = 32 * 1024 * 1024
_SUFFIX = ".img"


class ArtCache:
    """A size-bounded LRU cache of image bytes in one directory."""

    def __init__(
        self,
        directory: Path,
        limit_bytes: int = DEFAULT_LIMIT_BYTES,
        layout_version: int = LAYOUT_VERSION,
    ) -> None:
        self.directory = directory
        self.limit_bytes = limit_bytes
        self.layout_version = layout_version
        directory.mkdir(parents=True, exist_ok=True)
        self._sizes: OrderedDict[str, int] = OrderedDict()  # least recently used first
        self._load()

    @property
    def total_bytes(self) -> int:
        return sum(self._sizes.values())

    def key(self, url: str) -> str:
        return hashlib.sha256(f"{url}\n{self.layout_version}".encode()).hexdigest()

    def get(self, url: str) -> bytes | None:
        """The bytes stored for `url`, or None; a hit makes the entry most recently used."""
        key = self.key(url)
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            self._sizes.pop(key, None)
            return None
        self._sizes[key] = len(data)
        self._sizes.move_to_end(key)
        try:
            os.utime(path)
        except OSError:  # pragma: no cover - a read-only cache still serves
            log.debug("cannot touch %s", path)
        return data

    def put(self, url: str, data: bytes) -> None:
        """Store `data` for `url` atomically, then evict down to the limit."""
        if len(data) > self.limit_bytes:
            log.info(
                "not caching %s: %d bytes exceed the %d byte limit",
                url,
                len(data),
                self.limit_bytes,
            )
            return
        key = self.key(url)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self._path(key))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self._sizes[key] = len(data)
        self._sizes.move_to_end(key)
        self._evict()

    def _evict(self) -> None:
        total = self.total_bytes
        while total > self.limit_bytes:
            key, size = self._sizes.popitem(last=False)
            self._path(key).unlink(missing_ok=True)
            total -= size
            log.debug("evicted %s (%d bytes)", key, size)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{_SUFFIX}"

    def _load(self) -> None:
        entries = []
        for path in self.directory.iterdir():
            if path.name.startswith(".tmp-"):
                path.unlink(missing_ok=True)
            elif path.suffix == _SUFFIX:
                stat = path.stat()
                entries.append((stat.st_mtime_ns, path.stem, stat.st_size))
        for _, key, size in sorted(entries):
            self._sizes[key] = size
        self._evict()
