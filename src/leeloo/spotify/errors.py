"""The Spotify adapters' exceptions: one root, translated at the boundary.

    SpotifyError
    ├── TokenStoreError            the token file cannot be read, parsed or written
    ├── UnreachableError           no HTTP answer: DNS, connection, timeout (from httpx)
    └── AuthError                  no usable access token right now
        ├── NotPairedError         no tokens stored: never paired, or dropped
        ├── GrantGoneError         `invalid_grant`: tokens dropped; pair again, never retry
        └── RefreshUnavailableError  the accounts service did not refresh (down, 429,
                                   refused otherwise): try again later

The client turns every one of them into a :mod:`leeloo.core.playback` result, so the
engine sees values, not exceptions.
"""

from __future__ import annotations

from leeloo.core.playback import PairingReason


class SpotifyError(Exception):
    """Root of the Spotify adapters' errors."""


class TokenStoreError(SpotifyError):
    """The token file exists but cannot be read, parsed or written."""


class UnreachableError(SpotifyError):
    """No HTTP answer arrived (DNS failure, refused connection, timeout)."""


class AuthError(SpotifyError):
    """No usable access token could be had."""


class NotPairedError(AuthError):
    """No tokens are stored: the device must be paired with Spotify."""


class GrantGoneError(AuthError):
    """The accounts service answered `invalid_grant`; the tokens were dropped."""

    def __init__(self, reason: PairingReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class RefreshUnavailableError(AuthError):
    """The refresh did not happen this time; `retry_at` (wall time) if a 429 said when."""

    def __init__(self, reason: str, retry_at: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_at = retry_at
