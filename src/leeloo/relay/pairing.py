"""The relay's side of pairing: sessions in the store, moved by `leeloo.core.pairing`.

Who calls what:
- the device link: `start`, `cancel`, `complete`, and `resume` after a reconnect;
- the phone pages: `lookup` (GET /p/<code>), `confirm` (POST: the authorize URL),
  `callback` (Spotify's redirect), `status` (the page that waits for the device).

Every change is compare-and-set on the session's version (`_move`), so two phones, two
callbacks or two relay nodes racing on one session cannot both win. The held
authorization code goes to the session's own device only, never elsewhere; the relay
never calls Spotify and never sees a token (RFC 7636: the code is useless without the
device's verifier).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from leeloo.clock import Clock
from leeloo.core import pairing as core
from leeloo.core.messages import (
    FailureReason,
    PairingAuthorized,
    PairingComplete,
    PairingFailed,
    PairingStart,
    PairingStarted,
    RelayMessage,
)
from leeloo.core.pairing import PairingSession, Status
from leeloo.relay.config import RelaySettings
from leeloo.relay.errors import StoreConflictError
from leeloo.relay.hub import Hub
from leeloo.relay.metrics import Metrics
from leeloo.relay.store import Store

log = logging.getLogger(__name__)
START_LIMIT = 20  # pairing sessions per device per 10 minutes


class SessionGoneError(Exception):
    """A session changed under us too often, or vanished (the caller shows a page)."""


@dataclass(frozen=True)
class Callback:
    """What Spotify's redirect brought (RFC 6749 §4.1.2, §4.1.2.1)."""

    state: str | None
    code: str | None
    error: str | None


class PairingDesk:
    """Pairing sessions for devices and phones, over one store and this node's hub."""

    def __init__(
        self,
        settings: RelaySettings,
        store: Store,
        hub: Hub,
        clock: Clock,
        metrics: Metrics,
        *,
        token: Callable[[int], str] = secrets.token_urlsafe,
        below: Callable[[int], int] = secrets.randbelow,
    ) -> None:
        self.settings = settings
        self.store = store
        self.hub = hub
        self.clock = clock
        self.metrics = metrics
        self.token = token
        self.below = below
        self.guesses = core.GuessPolicy(limit=settings.guess_limit)

    # -- the device ------------------------------------------------------------------

    async def start(self, device_id: str, request: PairingStart) -> PairingStarted:
        """A new session for the device; its older open sessions are cancelled."""
        now = self.clock.time()
        for old in await self.store.sessions_of(device_id, now - self.settings.pairing_ttl):
            if core.is_open(old):
                await self._move(old, core.Cancel())
        client_id = request.client_id or self.settings.spotify_client_id
        session = await self._insert(device_id, request.code_challenge, client_id, now)
        self.metrics.pairing["started"] += 1
        base = self.settings.base_url
        return PairingStarted(
            session_id=session.session_id,
            user_code=session.user_code,
            verification_uri=f"{base}/p",
            verification_uri_complete=f"{base}/p/{session.user_code}",
            expires_in=self.settings.pairing_ttl,
            interval=self.settings.poll_interval,
            redirect_uri=self.settings.callback_url,
            client_id=client_id,
        )

    async def may_start(self, device_id: str) -> bool:
        """At most `START_LIMIT` sessions per device per guess window."""
        window = self.guesses.window(self.clock.time())
        return await self.store.hit(f"start:{device_id}", window) <= START_LIMIT

    async def _insert(
        self, device_id: str, challenge: str, client_id: str, now: float
    ) -> PairingSession:
        for _ in range(5):  # a user-code collision is rare (2^-34 per open session): redraw
            session = PairingSession(
                session_id="ps_" + self.token(16),
                device_id=device_id,
                user_code=core.format_user_code(self.below(core.USER_CODE_SPACE)),
                code_challenge=challenge,
                client_id=client_id,
                created_at=now,
                expires_at=now + self.settings.pairing_ttl,
            )
            try:
                await self.store.insert_session(session)
            except StoreConflictError:
                continue
            return session
        raise SessionGoneError("no free user code")

    async def own_session(self, device_id: str, session_id: str) -> PairingSession | None:
        session = await self.store.get_session(session_id)
        return session if session and session.device_id == device_id else None

    async def cancel(self, session: PairingSession) -> None:
        if core.is_open(session):
            await self._move(session, core.Cancel())

    async def complete(self, session: PairingSession, report: PairingComplete) -> PairingSession:
        """The device's exchange ended; the waiting phone page shows it."""
        return await self._move(session, core.device_event(report.outcome))

    async def resume(self, device_id: str) -> list[RelayMessage]:
        """What a reconnecting device has not taken: held codes and recent endings."""
        now = self.clock.time()
        out: list[RelayMessage] = []
        for session in await self.store.sessions_of(device_id, now - self.settings.pairing_ttl):
            session = await self._settled(session)
            if session.status is Status.AUTHORIZED:
                out.append(self._authorized(session))
            elif session.status is Status.FAILED and session.failure in _DEVICE_VISIBLE:
                out.append(PairingFailed(session_id=session.session_id, reason=session.failure))
        return out

    # -- the phone -------------------------------------------------------------------

    async def allowed(self, client: str) -> bool:
        """Count one user-code lookup from `client`; False past the limit (RFC 8628 §5.1)."""
        window = self.guesses.window(self.clock.time())
        return self.guesses.allows(await self.store.hit(f"guess:{client}", window))

    async def lookup(self, user_code: str) -> PairingSession | None:
        code = core.normalize_user_code(user_code)
        session = await self.store.session_by_user_code(code) if code else None
        return await self._settled(session) if session else None

    async def confirm(self, session: PairingSession) -> tuple[PairingSession, str]:
        """The phone confirmed the code: the session with its state, and where to send it."""
        session = await self._move(session, core.Confirm(self.token(24)))
        assert session.state is not None  # Confirm sets it
        query = urlencode(
            {
                "client_id": session.client_id,
                "response_type": "code",
                "redirect_uri": self.settings.callback_url,
                "scope": " ".join(core.SCOPES),
                "state": session.state,
                "code_challenge_method": "S256",
                "code_challenge": session.code_challenge,
            }
        )
        return session, f"{self.settings.spotify_accounts_url.rstrip('/')}/authorize?{query}"

    async def callback(self, answer: Callback) -> tuple[PairingSession | None, bool]:
        """Apply Spotify's redirect: (session, True) if this callback moved it,
        (session, False) if its state was already used or it had ended, (None, False) if
        the state is unknown."""
        session = await self.store.session_by_state(answer.state) if answer.state else None
        if session is None:
            return None, False
        session = await self._settled(session)
        if session.status is not Status.REDIRECTED:
            self.metrics.errors["state_used"] += 1
            return session, False
        if answer.code is None:
            event: core.Event = core.CallbackError(answer.error or "no_code")
        else:
            event = core.CallbackCode(answer.code, self.settings.code_hold)
        moved = await self._move(session, event)
        fresh = moved.version == session.version + 1
        held = fresh and moved.status is Status.AUTHORIZED
        if held and not await self.hub.send_to(moved.device_id, self._authorized(moved)):
            log.info("pairing %s: device offline, code held", moved.session_id)
        return moved, fresh

    async def status(self, session_id: str) -> PairingSession | None:
        session = await self.store.get_session(session_id)
        return await self._settled(session) if session else None

    # -- moves -----------------------------------------------------------------------

    def _authorized(self, session: PairingSession) -> PairingAuthorized:
        assert session.auth_code is not None  # AUTHORIZED holds it
        return PairingAuthorized(
            session_id=session.session_id,
            code=session.auth_code,
            redirect_uri=self.settings.callback_url,
        )

    async def _settled(self, session: PairingSession) -> PairingSession:
        """The session with a due expiry applied and stored."""
        due = core.deadline(session)
        if due is not None and self.clock.time() >= due:
            return await self._move(session, core.Expire())
        return session

    async def _move(self, session: PairingSession, event: core.Event) -> PairingSession:
        """Apply `event` and store it (compare-and-set, reloading on a lost race)."""
        for attempt in range(3):
            try:
                moved = core.apply(session, event, self.clock.time())
            except core.PairingError:
                if attempt == 0:
                    raise
                return session  # another writer moved it first; the caller sees where to
            if await self.store.update_session(moved, session.version):
                await self._ended(session, moved)
                return moved
            reloaded = await self.store.get_session(session.session_id)
            if reloaded is None:
                break
            session = reloaded
        raise SessionGoneError(f"pairing session {session.session_id} keeps changing")

    async def _ended(self, before: PairingSession, after: PairingSession) -> None:
        if core.is_open(after) or not core.is_open(before):
            return
        outcome = after.failure.value if after.failure else "connected"
        self.metrics.pairing[outcome] += 1
        log.info("pairing %s ended: %s", after.session_id, outcome)
        if after.failure in _DEVICE_VISIBLE:
            failed = PairingFailed(session_id=after.session_id, reason=after.failure)
            await self.hub.send_to(after.device_id, failed)


# Endings the device learns from the relay (the others it reported itself).
_DEVICE_VISIBLE = {
    FailureReason.DENIED,
    FailureReason.EXPIRED,
    FailureReason.DEVICE_OFFLINE,
    FailureReason.SPOTIFY_ERROR,
}
