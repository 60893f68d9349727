"""The device's Spotify login: fresh access tokens on demand, refreshed single-flight.

Rules (spotify.md, "Tokens"; RFC 6749 §6; Spotify's PKCE guide, no client secret):

- an access token is refreshed `leeway` seconds (60) before it expires;
- one refresh at a time: refreshes happen behind one lock, and the store is re-read after
  taking it, so fifty callers holding the same stale token cause exactly one refresh
  (PKCE refresh tokens are single-use: a second concurrent refresh would burn the set);
- the new set is stored before it is used; an answer without `refresh_token` keeps the
  old one; the original consent time is kept (`leeloo.core.tokens`);
- `invalid_grant` drops the tokens and raises GrantGoneError: never retried;
- a 401 from the Web API calls :meth:`TokenSession.refresh` with the token that was
  refused; if another caller already replaced it, no second refresh is made.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import httpx

from leeloo.clock import Clock
from leeloo.core.tokens import (
    DEFAULT_WARNING_DAYS,
    REFRESH_LEEWAY_S,
    TokenAnswer,
    TokenRefused,
    TokenSet,
    TokenUnavailable,
    login_expires_in_days,
    pairing_reason,
    parse_token_answer,
)
from leeloo.spotify.calls import DEFAULT_TIMEOUT_S, CallCounter, send
from leeloo.spotify.errors import (
    GrantGoneError,
    NotPairedError,
    RefreshUnavailableError,
    UnreachableError,
)
from leeloo.spotify.store import TokenStore

log = logging.getLogger(__name__)

TOKEN_PATH = "/api/token"


class TokenSession:
    def __init__(
        self,
        store: TokenStore,
        http: httpx.AsyncClient,
        clock: Clock,
        *,
        accounts_url: str,
        client_id: str,
        calls: CallCounter | None = None,
        leeway: float = REFRESH_LEEWAY_S,
        warning_days: int = DEFAULT_WARNING_DAYS,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.store = store
        self.calls = calls or CallCounter()
        self._http, self._clock = http, clock
        self._token_url = accounts_url.rstrip("/") + TOKEN_PATH
        self._client_id = client_id
        self._leeway, self._warning_days, self._timeout = leeway, warning_days, timeout
        self._lock = asyncio.Lock()

    def login_expires_in_days(self) -> int | None:
        """N for "login expires in N days" when inside the warning window."""
        return login_expires_in_days(self.store.load(), self._clock.time(), self._warning_days)

    async def access_token(self) -> str:
        """A fresh access token (refreshing first if due). Raises an AuthError."""
        tokens = self.store.load()
        if tokens is None:
            raise NotPairedError("no Spotify tokens stored")
        if not tokens.needs_refresh(self._clock.time(), self._leeway):
            return tokens.access_token
        return (await self.refresh(stale=tokens.access_token)).access_token

    async def refresh(self, *, stale: str) -> TokenSet:
        """Replace the access token `stale`, unless someone already did (single flight)."""
        async with self._lock:
            tokens = self.store.load()  # re-read: the set may have changed while we waited
            if tokens is None:
                raise NotPairedError("no Spotify tokens stored")
            fresh = not tokens.needs_refresh(self._clock.time(), self._leeway)
            if tokens.access_token != stale and fresh:
                return tokens
            return await self._refresh(tokens)

    async def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str, client_id: str = ""
    ) -> TokenSet:
        """Pairing's last step (RFC 7636 §4.5): trade the code for a first token set.

        `client_id` is the app the pairing used (the relay's, unless this device has its
        own); it is stored with the tokens, and every refresh of them uses it.
        """
        client_id = client_id or self._client_id
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": client_id, "code_verifier": code_verifier}  # fmt: skip
        async with self._lock:
            answer = await self._post(form, previous=None)
            if isinstance(answer, TokenSet):
                answer = replace(answer, client_id=client_id)
                self.store.save(answer)
                return answer
            if isinstance(answer, TokenRefused):
                raise RefreshUnavailableError(f"code refused: {answer.error}")
            raise RefreshUnavailableError(answer.reason, answer.retry_at)

    async def _refresh(self, tokens: TokenSet) -> TokenSet:
        form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token,
                "client_id": tokens.client_id or self._client_id}  # fmt: skip
        answer = await self._post(form, previous=tokens)
        match answer:
            case TokenSet():
                self.store.save(answer)  # stored before use: the old refresh token is dead
                log.info("Spotify access token refreshed")
                return answer
            case TokenRefused() if answer.grant_gone:
                reason = pairing_reason(tokens, self._clock.time())
                log.warning("Spotify login gone (%s): tokens dropped", reason.name)
                self.store.clear()
                raise GrantGoneError(reason)
            case TokenRefused():
                raise RefreshUnavailableError(f"refresh refused: {answer.error}")
            case TokenUnavailable():
                raise RefreshUnavailableError(f"refresh: {answer.reason}", answer.retry_at)

    async def _post(self, form: dict[str, str], previous: TokenSet | None) -> TokenAnswer:
        request = self._http.build_request("POST", self._token_url, data=form)
        try:
            response = await send(self._http, request, clock=self._clock, calls=self.calls,
                                  endpoint="token", limit_s=self._timeout)  # fmt: skip
        except UnreachableError as exc:
            return TokenUnavailable(str(exc))
        return parse_token_answer(
            response.status_code, response.headers, response.content,
            now=self._clock.time(), previous=previous,
        )  # fmt: skip
