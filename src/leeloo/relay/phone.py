"""The phone's side of pairing over HTTP: the pages behind the QR code and the callback.

    GET  /p                  a form to type the user code by hand
    GET  /p/go?code=…        normalizes a typed code and goes to /p/<code>
    GET  /p/<code>           shows the code to compare with the screen (RFC 8628 §5.4)
    POST /p/<code>           confirms: 303 to Spotify's /authorize with PKCE and `state`
    GET  /spotify/callback   Spotify's redirect (RFC 6749 §4.1.2): code or error + state
    GET  /p/s/<session id>   waits for the device (refreshing), then says how it ended

User-code lookups (GET and POST /p/<code>) count against the client address's guess
budget; past it every lookup is 429, found or not, so guessing learns nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.core.messages import FailureReason
from leeloo.core.pairing import PairingSession, Status, normalize_user_code
from leeloo.relay import pages
from leeloo.relay.pairing import Callback, PairingDesk


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=headers or pages.PAGE_HEADERS)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _notice(key: object) -> HTMLResponse:
    notice = pages.NOTICES[key]  # type: ignore[index]
    return _html(pages.render_notice(notice), notice.status)


def _ended(session: PairingSession) -> Response:
    if session.status is Status.CONNECTED:
        return _notice("connected")
    return _notice(session.failure)


class PhonePages:
    def __init__(self, desk: PairingDesk) -> None:
        self.desk = desk

    async def enter(self, request: Request) -> Response:
        return _html(pages.render_enter_code())

    async def go(self, request: Request) -> Response:
        code = normalize_user_code(request.query_params.get("code", ""))
        if code is None:
            return _html(pages.render_enter_code("That is not a LEELOO code."), 400)
        return RedirectResponse(f"/p/{code}", status_code=303)

    async def _find(self, request: Request) -> PairingSession | Response:
        client = request.client.host if request.client else "unknown"
        if not await self.desk.allowed(client):
            return _notice("too_many")
        session = await self.desk.lookup(request.path_params["code"])
        if session is None:
            return _notice("no_such_code")
        if session.status is Status.AUTHORIZED:
            return RedirectResponse(f"/p/s/{session.session_id}", status_code=303)
        if session.status in (Status.CONNECTED, Status.FAILED):
            return _ended(session)
        return session

    async def show(self, request: Request) -> Response:
        found = await self._find(request)
        if isinstance(found, Response):
            return found
        # The confirm form's answer redirects to Spotify: the page's CSP must allow it.
        accounts = _origin(self.desk.settings.spotify_accounts_url)
        return _html(pages.render_confirm(found.user_code), headers=pages.page_headers(accounts))

    async def confirm(self, request: Request) -> Response:
        found = await self._find(request)
        if isinstance(found, Response):
            return found
        _, authorize_url = await self.desk.confirm(found)
        return RedirectResponse(authorize_url, status_code=303)

    async def callback(self, request: Request) -> Response:
        query = request.query_params
        answer = Callback(query.get("state"), query.get("code"), query.get("error"))
        session, fresh = await self.desk.callback(answer)
        if session is None:
            return _notice("unknown_state")
        if fresh:
            if session.status is Status.AUTHORIZED:
                return RedirectResponse(f"/p/s/{session.session_id}", status_code=303)
            return _ended(session)
        if session.failure in (FailureReason.EXPIRED, FailureReason.CANCELLED):
            return _notice(session.failure)  # the session ended before this callback
        return _notice("reused_state")

    async def status(self, request: Request) -> Response:
        session = await self.desk.status(request.path_params["session_id"])
        if session is None:
            return _notice("unknown_state")
        if session.status is Status.AUTHORIZED:
            online = session.device_id in self.desk.hub.devices
            return _html(pages.render_waiting(self.desk.settings.poll_interval, online))
        if session.status in (Status.PENDING, Status.REDIRECTED):
            return RedirectResponse(f"/p/{session.user_code}", status_code=303)
        return _ended(session)


def routes(desk: PairingDesk) -> list[BaseRoute]:
    phone = PhonePages(desk)
    return [
        Route("/p", phone.enter, methods=["GET"]),
        Route("/p/go", phone.go, methods=["GET"]),
        Route("/p/s/{session_id}", phone.status, methods=["GET"]),
        Route("/p/{code}", phone.show, methods=["GET"]),
        Route("/p/{code}", phone.confirm, methods=["POST"]),
        Route("/spotify/callback", phone.callback, methods=["GET"]),
    ]
