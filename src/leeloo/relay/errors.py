"""The relay's exceptions.

RelayError                  root of everything the relay raises on purpose
├── StoreError              the store is unreachable or refused an operation
│   └── StoreConflictError       a unique key (user code, state, device id) is taken
└── ConfigError             a setting is missing or malformed (the message says which)
"""

from __future__ import annotations


class RelayError(Exception):
    """Root of the relay's exceptions."""


class StoreError(RelayError):
    """The store failed; the message names the operation, never a secret."""


class StoreConflictError(StoreError):
    """An insert collided with a unique key."""


class ConfigError(RelayError):
    """A setting is missing or malformed."""
