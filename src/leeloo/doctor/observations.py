"""What the probes saw, as plain values: the input of every check.

Nothing here does I/O; `probes.py` makes these, the `*_checks` modules judge them, and
tests build them by hand to reach every failure.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class Failure(enum.Enum):
    """Why an HTTP request got no answer at all."""

    REFUSED = "refused"  # nothing listens on that port
    DNS = "dns"  # the host name does not resolve
    TLS = "tls"  # the TLS handshake failed (certificate, protocol)
    TIMEOUT = "timeout"
    OTHER = "other"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer; times are this machine's wall clock around the request."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""
    sent_at: float = 0.0
    received_at: float = 0.0


@dataclass(frozen=True)
class Unreachable:
    """No HTTP answer from `url`; `detail` is the underlying error's text."""

    url: str
    failure: Failure
    detail: str = ""


Answer = Reply | Unreachable


@dataclass(frozen=True)
class Missing:
    path: Path


@dataclass(frozen=True)
class Unreadable:
    """The file exists but cannot be read (`reason`: the OS error's words)."""

    path: Path
    reason: str
    permission: bool = False  # a permission error: another user owns it


@dataclass(frozen=True)
class FileBytes:
    """A file's permission bits and content (content stays out of every message)."""

    path: Path
    mode: int  # st_mode & 0o777
    data: bytes = field(repr=False)


FileSeen = Missing | Unreadable | FileBytes


@dataclass(frozen=True)
class DeviceNode:
    """A device file such as /dev/fb0: does it exist, may this user write it."""

    path: Path
    exists: bool
    writable: bool
    group: str = ""  # the owning group's name, to say which group to join


@dataclass(frozen=True)
class MemoryStore:
    """`LEELOO_RELAY_STORE=memory:` (nothing survives a restart)."""


@dataclass(frozen=True)
class UnknownStore:
    url: str


@dataclass(frozen=True)
class NoStoreFile:
    """The SQLite file does not exist yet; can the relay create it?"""

    path: Path
    creatable: bool


@dataclass(frozen=True)
class StoreSchema:
    """The SQLite store's schema version (0: no schema yet) and this leeloo's."""

    path: Path
    version: int
    current: int


@dataclass(frozen=True)
class StoreUnreadable:
    path: Path
    reason: str


StoreSeen = MemoryStore | UnknownStore | NoStoreFile | StoreSchema | StoreUnreadable
