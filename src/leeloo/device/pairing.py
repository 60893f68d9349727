"""The device's side of pairing with Spotify through the relay (docs/protocol.md, Pairing).

States (what the screen shows, `PairingView.state`):
    IDLE          nothing asked yet (or tokens already stored)
    REQUESTING    `pairing.start` sent, waiting for the code
    SHOWING_CODE  QR of `verification_uri_complete` + the user code in the art column
    EXCHANGING    Spotify said yes: trading code + verifier for tokens (RFC 7636 §4.5)
    CONNECTED     tokens stored (0600, atomically) and the first Web API call worked
    FORBIDDEN     the first call answered 403: not allowlisted / owner not Premium
    EXCHANGE_FAILED, DENIED, EXPIRED, DEVICE_OFFLINE, SPOTIFY_ERROR, CANCELLED
                  the session ended without tokens; each has its own words on screen
Events: `begin()`, relay messages through `handle()`, and `tick()` (called on every
relay frame and timer) which starts over `retry_s` after a failure: a new QR appears,
never a dead end. The PKCE verifier never leaves the device; the relay only ever sees
its S256 challenge (RFC 7636 §4.1-4.2) and the authorization code.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.core.playback import Forbidden, PlaybackResult
from leeloo.spotify.errors import SpotifyError

log = logging.getLogger(__name__)


class PairingState(enum.Enum):
    IDLE = "idle"
    REQUESTING = "requesting"
    SHOWING_CODE = "showing_code"
    EXCHANGING = "exchanging"
    CONNECTED = "connected"
    FORBIDDEN = "forbidden"
    EXCHANGE_FAILED = "exchange_failed"
    DENIED = "denied"
    EXPIRED = "expired"
    DEVICE_OFFLINE = "device_offline"
    SPOTIFY_ERROR = "spotify_error"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PairingView:
    """What the screen needs: the state, and the QR's URL and code while one is shown."""

    state: PairingState
    user_code: str | None = None
    verification_uri: str | None = None
    expires_at: float | None = None
    retry_at: float | None = None


def pkce_pair() -> tuple[str, str]:
    """A PKCE verifier (43-128 unreserved characters) and its S256 challenge (RFC 7636 §4.1,
    §4.2: BASE64URL(SHA256(ASCII(verifier))) without padding)."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# exchange(code, redirect_uri, verifier, client_id): stores the tokens or raises SpotifyError
Exchange = Callable[[str, str, str, str], Awaitable[None]]
# probe(): the first Web API call after pairing (currently playing)
Probe = Callable[[], Awaitable[PlaybackResult]]
Send = Callable[[wire.Message], Awaitable[bool]]


class DevicePairing:
    """Drives one device's pairing; `on_change` gets every new view (the screen)."""

    def __init__(
        self,
        send: Send,
        exchange: Exchange,
        probe: Probe,
        clock: Clock,
        on_change: Callable[[PairingView], None],
        *,
        client_id: str | None = None,
        retry_s: float = 30.0,
    ) -> None:
        self.send, self.exchange, self.probe = send, exchange, probe
        self.clock = clock
        self.on_change = on_change
        self.client_id = client_id
        self.retry_s = retry_s
        self.view = PairingView(PairingState.IDLE)
        self.first_result: PlaybackResult | None = None
        self._verifier: str | None = None
        self._session: wire.PairingStarted | None = None

    def _show(self, view: PairingView) -> None:
        self.view = view
        log.info("pairing: %s", view.state.value)
        self.on_change(view)

    async def begin(self) -> None:
        """Ask the relay for a new session (a new verifier each time)."""
        self._verifier, challenge = pkce_pair()
        self._session = None
        self._show(PairingView(PairingState.REQUESTING))
        await self.send(wire.PairingStart(code_challenge=challenge, client_id=self.client_id))

    async def tick(self) -> None:
        """Start over once a failure's `retry_at` has passed."""
        retry_at = self.view.retry_at
        if retry_at is not None and self.clock.time() >= retry_at:
            await self.begin()

    async def handle(self, message: wire.RelayMessage) -> None:
        """A relay message; ones for other (older) sessions are ignored."""
        match message:
            case wire.PairingStarted() if self.view.state is PairingState.REQUESTING:
                self._session = message
                expires = self.clock.time() + message.expires_in
                self._show(PairingView(PairingState.SHOWING_CODE, message.user_code,
                                       message.verification_uri_complete, expires))  # fmt: skip
            case wire.PairingAuthorized() if self._mine(message.session_id):
                await self._exchange(message)
            case wire.PairingFailed() if self._mine(message.session_id):
                self._failed(PairingState(message.reason.value))
        await self.tick()

    def _mine(self, session_id: str) -> bool:
        return self._session is not None and self._session.session_id == session_id

    def _failed(self, state: PairingState) -> None:
        self._session = None
        self._show(PairingView(state, retry_at=self.clock.time() + self.retry_s))

    async def _exchange(self, message: wire.PairingAuthorized) -> None:
        session, verifier = self._session, self._verifier
        assert session is not None
        assert verifier is not None
        if self.view.state is PairingState.EXCHANGING:
            return  # a resumed duplicate while the first exchange runs
        self._show(PairingView(PairingState.EXCHANGING))
        try:
            await self.exchange(message.code, message.redirect_uri, verifier, session.client_id)
        except SpotifyError as exc:
            log.warning("pairing: the code exchange failed (%s)", type(exc).__name__)
            await self._complete(session, wire.PairingOutcome.EXCHANGE_FAILED)
            return
        self.first_result = await self.probe()
        if isinstance(self.first_result, Forbidden):
            await self._complete(session, wire.PairingOutcome.FORBIDDEN)
            return
        await self._complete(session, wire.PairingOutcome.CONNECTED)

    async def _complete(self, session: wire.PairingStarted, outcome: wire.PairingOutcome) -> None:
        await self.send(wire.PairingComplete(session_id=session.session_id, outcome=outcome))
        if outcome is wire.PairingOutcome.CONNECTED:
            self._session = None
            self._show(PairingView(PairingState.CONNECTED))
        else:
            self._failed(PairingState(outcome.value))
