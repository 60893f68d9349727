"""Where the device keeps its Spotify tokens: a `TokenStore`.

`FileTokenStore` writes atomically (spotify.md: "persist the new token set atomically
(temp file, fsync, rename) before using it"): the new content goes to a temporary file
in the same directory, created with mode 0600, fsynced, then renamed over the old one
(rename(2) is atomic on POSIX), and the directory is fsynced so the rename itself
survives a power cut. A kill at any instant leaves either the old file or the new one,
never a torn one; at worst a stray `.tokens.json.*.tmp` file stays behind.

`MemoryTokenStore` is the in-memory double; both pass the same contract tests.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Protocol

from leeloo.core.tokens import TokenFormatError, TokenSet
from leeloo.spotify.errors import TokenStoreError

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


class TokenStore(Protocol):
    """Holds at most one token set."""

    def load(self) -> TokenSet | None:
        """The stored set, or None if there is none. Raises TokenStoreError if unreadable."""

    def save(self, tokens: TokenSet) -> None:
        """Replace the stored set (atomically: a reader sees the old set or the new one)."""

    def clear(self) -> None:
        """Forget the stored set (after `invalid_grant`)."""


class MemoryTokenStore:
    def __init__(self, tokens: TokenSet | None = None) -> None:
        self.tokens = tokens

    def load(self) -> TokenSet | None:
        return self.tokens

    def save(self, tokens: TokenSet) -> None:
        self.tokens = tokens

    def clear(self) -> None:
        self.tokens = None


class FileTokenStore:
    """The token file. `load` parses the file only when it changed since the last read.

    The device asks "are there tokens?" every second and the engine reads them on every
    poll; a stat is far cheaper than a read and a JSON parse on a Pi. Every write is a
    rename of a new file, so (inode, mtime, size) changes with each one, whoever wrote it
    (another process included): a cached answer is never stale.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[tuple[int, int, int], TokenSet] | None = None

    def load(self) -> TokenSet | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(f"cannot read {self.path}: {exc.strerror}") from exc
        key = (info.st_ino, info.st_mtime_ns, info.st_size)
        if self._seen is not None and self._seen[0] == key:
            return self._seen[1]
        tokens = self._read()
        self._seen = (key, tokens)
        return tokens

    def _read(self) -> TokenSet:
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise TokenStoreError(f"cannot read {self.path}: {exc.strerror}") from exc
        try:
            return TokenSet.from_json(json.loads(raw))
        except (ValueError, TokenFormatError) as exc:
            raise TokenStoreError(f"{self.path} does not hold a token set") from exc

    def save(self, tokens: TokenSet) -> None:
        data = json.dumps(tokens.to_json(), indent=1).encode()
        try:
            write_atomic(self.path, data)
        except OSError as exc:
            raise TokenStoreError(f"cannot write {self.path}: {exc.strerror}") from exc

    def clear(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
            _fsync_dir(self.path.parent)
        except OSError as exc:
            raise TokenStoreError(f"cannot remove {self.path}: {exc.strerror}") from exc


def write_atomic(path: Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Replace `path` with `data` so that no instant shows a partial file.

    The temporary file is created 0600 by `mkstemp` (and set to `mode`), so a secret is
    never readable by others, not even for a moment.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
