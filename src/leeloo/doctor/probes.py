"""The doctor's I/O: thin adapters that turn HTTP, files, sysfs and SQLite into observations.

Every adapter answers with a value from observations.py and never raises for what it
was sent to find out (a refused connection, a missing file): that is the observation.
URLs, paths and the clock are arguments, so tests point them at tmp files and local
servers.
"""

from __future__ import annotations

import grp
import logging
import os
import socket
import sqlite3
import ssl
from pathlib import Path

import httpx

from leeloo.clock import Clock
from leeloo.device.outputs.framebuffer import FramebufferError, Geometry, read_geometry
from leeloo.doctor.observations import (
    Answer,
    DeviceNode,
    Failure,
    FileBytes,
    FileSeen,
    MemoryStore,
    Missing,
    NoStoreFile,
    Reply,
    StoreSchema,
    StoreSeen,
    StoreUnreadable,
    UnknownStore,
    Unreachable,
    Unreadable,
)

log = logging.getLogger(__name__)


async def fetch(http: httpx.AsyncClient, url: str, clock: Clock) -> Answer:
    """GET `url` without following redirects; the reply, or why there was none."""
    sent = clock.time()
    try:
        response = await http.get(url, follow_redirects=False)
    except httpx.HTTPError as exc:
        failure = classify(exc)
        log.debug("GET %s: %s (%s)", url, failure.value, exc)
        return Unreachable(url, failure, _innermost(exc))
    headers = {name.lower(): value for name, value in response.headers.items()}
    return Reply(url, response.status_code, headers, response.content, sent, clock.time())


def classify(exc: BaseException) -> Failure:
    """Why a request failed, from the exception and the errors it was raised from."""
    if isinstance(exc, httpx.TimeoutException):
        return Failure.TIMEOUT
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return Failure.TLS
        if isinstance(cause, socket.gaierror):
            return Failure.DNS
        if isinstance(cause, ConnectionRefusedError):
            return Failure.REFUSED
        cause = cause.__cause__ or cause.__context__
    return Failure.OTHER


def _innermost(exc: BaseException) -> str:
    while (inner := exc.__cause__ or exc.__context__) is not None:
        exc = inner
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(getattr(exc, "verify_message", None) or exc.reason)
    return str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)


def look(path: Path) -> FileSeen:
    """A file's mode and bytes, or that it is missing or unreadable."""
    try:
        mode = path.stat().st_mode & 0o777
        data = path.read_bytes()
    except FileNotFoundError:
        return Missing(path)
    except PermissionError as exc:
        return Unreadable(path, exc.strerror or "permission denied", permission=True)
    except OSError as exc:
        return Unreadable(path, exc.strerror or str(exc))
    return FileBytes(path, mode, data)


def geometry(sysfs: Path) -> Geometry | str:
    """The framebuffer's geometry, or why it cannot be read (in words)."""
    try:
        return read_geometry(sysfs)
    except FramebufferError as exc:
        cause = exc.__cause__
        if isinstance(cause, OSError) and cause.strerror:
            return f"{cause.strerror}: {cause.filename}"
        return str(exc)


def device_node(path: Path) -> DeviceNode:
    """Whether `path` exists and this process may write it, and its group's name."""
    try:
        gid = path.stat().st_gid
    except OSError:
        return DeviceNode(path, exists=False, writable=False)
    try:
        group = grp.getgrgid(gid).gr_name
    except KeyError:
        group = str(gid)
    return DeviceNode(path, exists=True, writable=os.access(path, os.W_OK), group=group)


def store(url: str, current: int) -> StoreSeen:
    """What the relay's store URL leads to, read without changing anything."""
    if url == "memory:":
        return MemoryStore()
    if not url.startswith("sqlite:///"):
        return UnknownStore(url)
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        return NoStoreFile(path, creatable=_creatable(path))
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return StoreUnreadable(path, str(exc))
    try:
        return StoreSchema(path, _schema_version(db), current)
    except sqlite3.Error as exc:
        return StoreUnreadable(path, str(exc))
    finally:
        db.close()


def _schema_version(db: sqlite3.Connection) -> int:
    tables = db.execute("SELECT name FROM sqlite_master WHERE name = 'schema_version'")
    if tables.fetchone() is None:
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _creatable(path: Path) -> bool:
    """The nearest existing folder above `path` is writable (the relay makes the rest)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)
