"""The emulated Spotify accounts service (accounts.spotify.com): login page and token endpoint.

Routes, bound to one `World`:

- `GET /authorize`: validates the request and serves the sign-in and consent page.
- `POST /authorize`: the page's submit; re-validates everything, then redirects to the
  app with `code` (Agree, good credentials) or `error=access_denied` (Cancel).
- `POST /api/token`: `authorization_code` (PKCE) and `refresh_token` grants.

Rules, with their sources:

- An unknown client or a redirect URI that is not exactly registered gets an error page,
  never a redirect (RFC 6749 §4.1.2.1, §3.1.2.4); any other error redirects back with
  `error` and `state`. Only `response_type=code` exists: the implicit grant is gone.
- PKCE is mandatory and S256 only: the challenge is BASE64URL(SHA256(verifier)) without
  padding (RFC 7636 §4.2), checked at the token endpoint (§4.6).
- Codes are single-use and die `CODE_LIFETIME_S` after issue; a reused code also revokes
  what it issued (RFC 6749 §4.1.2, §10.5).
- Refresh tokens rotate (OAuth 2.1 §4.3.1); an app with `omit_refresh_token` gets none
  back and keeps the old one. A refresh never extends the grant's 6 months.
- `show_dialog` is accepted and carried along; the page always shows (there is no login
  session to skip it with).
- Development mode does not stop a login: a user off the allowlist still gets tokens
  and meets the 403 at the Web API, as on Spotify.
- Errors are RFC 6749 §5.2 JSON; token answers are `no-store` (§5.1). Parameters must not
  repeat (§3.1, §3.2).

Only the token endpoint counts as "accounts" traffic for injected faults and request
counts: those are what a device sees; the page is for people.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.emulator import errors, login_page
from leeloo.emulator.oauth_form import FormError, parse_urlencoded, read_form
from leeloo.emulator.token_endpoint import TokenEndpoint
from leeloo.emulator.world import SCOPES, App, World

log = logging.getLogger(__name__)

# RFC 7636 §4.2: an S256 challenge is base64url without padding; Spotify accepts 43-128.
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43,128}")
# The /authorize parameters the page carries in hidden fields, in this order.
_CARRIED = (
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge_method",
    "code_challenge",
    "show_dialog",
)


@dataclass(frozen=True)
class AuthRequest:
    """A valid /authorize request."""

    app: App
    redirect_uri: str
    scopes: frozenset[str]
    state: str | None
    code_challenge: str
    fields: tuple[tuple[str, str], ...]  # the carried parameters, as received


@dataclass(frozen=True)
class ErrorPage:
    """An error shown on the accounts page itself (no trustworthy redirect URI)."""

    message: str


@dataclass(frozen=True)
class ErrorRedirect:
    """An error sent back to the app's redirect URI (RFC 6749 §4.1.2.1)."""

    redirect_uri: str
    error: str
    description: str | None
    state: str | None


Validated = AuthRequest | ErrorPage | ErrorRedirect


def validate_authorize(world: World, params: dict[str, str]) -> Validated:
    """Check /authorize parameters in Spotify's order: client, redirect URI, then the rest."""
    app = world.apps.get(params.get("client_id", ""))
    if app is None:
        return ErrorPage("INVALID_CLIENT: Invalid client")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in app.redirect_uris:
        return ErrorPage("INVALID_CLIENT: Invalid redirect URI")
    state = params.get("state")

    def back(error: str, description: str | None = None) -> ErrorRedirect:
        return ErrorRedirect(redirect_uri, error, description, state)

    if params.get("response_type") != "code":
        return back("unsupported_response_type", "response_type must be code")
    method = params.get("code_challenge_method")
    challenge = params.get("code_challenge")
    if challenge is None:
        return back("invalid_request", "code_challenge required")
    if method != "S256":
        return back("invalid_request", "code_challenge_method must be S256")
    if not _CHALLENGE.fullmatch(challenge):
        return back("invalid_request", "code_challenge must be 43-128 base64url characters")
    scopes = frozenset(params.get("scope", "").split())
    if unknown := sorted(scopes - SCOPES):
        return back("invalid_scope", f"Invalid scope: {unknown[0]}")
    fields = tuple((k, params[k]) for k in _CARRIED if k in params)
    return AuthRequest(app, redirect_uri, scopes, state, challenge, fields)


def redirect_to(redirect_uri: str, params: dict[str, str | None]) -> str:
    """`redirect_uri` with `params` appended to its query (None values left out).

    The registered URI's own query is kept byte for byte (RFC 6749 §3.1.2: it MAY have
    one, which MUST be retained); its fragment cannot exist (same section).
    """
    parts = urlsplit(redirect_uri)
    added = urlencode({k: v for k, v in params.items() if v is not None})
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))


def _page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers=login_page.PAGE_HEADERS)


def _refuse(outcome: ErrorPage | ErrorRedirect, redirect_status: int) -> Response:
    if isinstance(outcome, ErrorPage):
        return _page(login_page.render_error(outcome.message), 400)
    target = redirect_to(
        outcome.redirect_uri,
        {"error": outcome.error, "error_description": outcome.description, "state": outcome.state},
    )
    return RedirectResponse(target, status_code=redirect_status)


def _login(request: AuthRequest, *, username: str = "", error: str | None = None) -> Response:
    view = login_page.LoginView(
        app_name=request.app.name,
        scopes=tuple(sorted(request.scopes)),
        fields=request.fields,
        username=username,
        error=error,
    )
    return _page(login_page.render_login(view))


class Accounts:
    """The accounts service's endpoints, bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.tokens = TokenEndpoint(world)

    async def show(self, request: Request) -> Response:
        """GET /authorize: the sign-in page, an error page, or an error redirect (302)."""
        try:
            params = parse_urlencoded(request.scope["query_string"])
        except FormError as exc:
            return _page(login_page.render_error(f"INVALID_REQUEST: {exc}"), 400)
        outcome = validate_authorize(self.world, params)
        if isinstance(outcome, AuthRequest):
            return _login(outcome)
        return _refuse(outcome, 302)

    async def submit(self, request: Request) -> Response:
        """POST /authorize: Cancel denies; Agree with good credentials issues a code (303).

        The hidden fields are re-validated like a fresh GET: they came from the browser.
        """
        try:
            form = await read_form(request)
        except FormError as exc:
            return _page(login_page.render_error(f"INVALID_REQUEST: {exc}"), 400)
        outcome = validate_authorize(self.world, form)
        if not isinstance(outcome, AuthRequest):
            return _refuse(outcome, 303)
        action = form.get("action")
        if action == "cancel":
            denied = ErrorRedirect(outcome.redirect_uri, "access_denied", None, outcome.state)
            return _refuse(denied, 303)
        username = form.get("username", "")
        if action != "agree":
            return _login(outcome, username=username, error="Choose Agree or Cancel.")
        user = self.world.check_login(username, form.get("password", ""))
        if user is None:
            return _login(outcome, username=username, error="Incorrect username or password.")
        grant = self.world.consent(user.id, outcome.app.client_id, outcome.scopes)
        code = self.world.issue_code(grant, outcome.redirect_uri, outcome.code_challenge)
        log.info("user %s approved %s (grant %s)", user.id, outcome.app.client_id, grant.id)
        target = redirect_to(outcome.redirect_uri, {"code": code, "state": outcome.state})
        return RedirectResponse(target, status_code=303)

    async def token(self, request: Request) -> Response:
        """POST /api/token: injected faults first, then the grant (see `TokenEndpoint`)."""
        fault = await errors.fault_response(self.world, "accounts")
        if fault is not None:
            return fault
        return await self.tokens.answer(request)


def routes(world: World) -> list[BaseRoute]:
    """The accounts service's routes, bound to `world` (GET /api/token answers 405)."""
    accounts = Accounts(world)
    return [
        Route("/authorize", accounts.show, methods=["GET"]),
        Route("/authorize", accounts.submit, methods=["POST"]),
        Route("/api/token", accounts.token, methods=["POST"]),
    ]
