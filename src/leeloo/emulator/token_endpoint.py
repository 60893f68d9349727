"""`POST /api/token` of the emulated accounts service: the PKCE code exchange and refresh.

Contract (RFC 6749 §4.1.3, §6; RFC 7636 §4.5-4.6; Spotify's PKCE guide):

- the body is a form (see `oauth_form`); anything else is `invalid_request`;
- `grant_type` comes first: missing or unknown is `unsupported_grant_type`;
- the client is named by `client_id` in the body, or by HTTP Basic `client_id:secret`
  (RFC 6749 §2.3.1). No app here has a secret (PKCE only), so any secret identifies;
  both present and different, or unknown, is `invalid_client` (400, as Spotify answers);
- `client_credentials` needs a secret, so it is always `invalid_client`;
- a missing parameter is `invalid_request` "<name> required";
- everything wrong with a code or refresh token is `invalid_grant`, with Spotify's words.

Successful answers and errors carry `Cache-Control: no-store` (RFC 6749 §5.1).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
from urllib.parse import unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from leeloo.emulator import errors
from leeloo.emulator.oauth_form import FormError, read_form
from leeloo.emulator.world import ACCESS_TOKEN_LIFETIME_S, CODE_LIFETIME_S, App, Grant, World

log = logging.getLogger(__name__)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")
# RFC 7636 §4.1: code_verifier = 43*128unreserved.
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


class TokenError(Exception):
    """An RFC 6749 §5.2 error: `error` code and a human `description`."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def s256(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(verifier))) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(verifier: str, challenge: str) -> bool:
    """RFC 7636 §4.6: a well-formed verifier whose S256 equals the stored challenge."""
    if not _VERIFIER.fullmatch(verifier):
        return False
    return hmac.compare_digest(s256(verifier), challenge)


def basic_client_id(authorization: str) -> str | None:
    """The client_id of an HTTP Basic header, or None if it is not well-formed Basic."""
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, _secret = decoded.partition(":")
    # RFC 6749 §2.3.1: both halves are form-encoded before being joined and encoded.
    return unquote_plus(client_id) if sep else None


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise TokenError("invalid_request", f"{name} required")
    return value


def _error_response(error: TokenError) -> Response:
    response = errors.token_error(error.error, error.description)
    response.headers.update(NO_STORE)
    return response


def _invalid_grant(description: str) -> TokenError:
    return TokenError("invalid_grant", description)


class TokenEndpoint:
    """The token endpoint, bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    async def answer(self, request: Request) -> Response:
        """The JSON answer to one token request; an OAuth error JSON for any bad input."""
        try:
            form = await read_form(request)
            body = self._grant(request.headers.get("authorization"), form)
        except FormError as exc:
            return _error_response(TokenError("invalid_request", str(exc)))
        except TokenError as exc:
            return _error_response(exc)
        return JSONResponse(body, headers=NO_STORE)

    def _grant(self, authorization: str | None, form: dict[str, str]) -> dict[str, object]:
        grant_type = form.get("grant_type")
        if not grant_type:
            raise TokenError("unsupported_grant_type", "grant_type parameter is missing")
        if grant_type not in GRANT_TYPES:
            raise TokenError(
                "unsupported_grant_type",
                "grant_type must be client_credentials, authorization_code or refresh_token",
            )
        app = self._client(authorization, form.get("client_id"))
        if grant_type == "authorization_code":
            return self._exchange(app, form)
        if grant_type == "refresh_token":
            return self._refresh(app, form)
        # client_credentials authenticates with a client secret; no app here has one.
        raise TokenError("invalid_client", "Invalid client")

    def _client(self, authorization: str | None, body_id: str | None) -> App:
        client_id = body_id
        if authorization is not None:
            client_id = basic_client_id(authorization)
            if client_id is None or body_id not in (None, client_id):
                raise TokenError("invalid_client", "Invalid client")
        app = self.world.apps.get(client_id or "")
        if app is None:
            raise TokenError("invalid_client", "Invalid client")
        return app

    def _exchange(self, app: App, form: dict[str, str]) -> dict[str, object]:
        """grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5)."""
        value = _required(form, "code")
        redirect_uri = _required(form, "redirect_uri")
        verifier = _required(form, "code_verifier")
        code = self.world.codes.get(value)
        grant = self.world.grants.get(code.grant_id) if code else None
        if code is None or grant is None or grant.client_id != app.client_id:
            raise _invalid_grant("Invalid authorization code")
        if code.used:
            # RFC 6749 §4.1.2: a code used twice SHOULD revoke what it issued.
            self._revoke(grant)
            log.warning("authorization code reused: grant %s revoked", grant.id)
            raise _invalid_grant("Invalid authorization code")
        if not self.world.grant_alive(grant):
            raise _invalid_grant("Invalid authorization code")
        if self.world.now() >= code.issued_at + CODE_LIFETIME_S:
            raise _invalid_grant("Authorization code expired")
        if redirect_uri != code.redirect_uri:
            raise _invalid_grant("Invalid redirect URI")
        if not verifier_matches(verifier, code.code_challenge):
            raise _invalid_grant("code_verifier was incorrect")
        code.used = True
        return self._tokens(grant, with_refresh=True)

    def _refresh(self, app: App, form: dict[str, str]) -> dict[str, object]:
        """grant_type=refresh_token (RFC 6749 §6), rotating unless the app omits it."""
        value = _required(form, "refresh_token")
        token = self.world.refresh_tokens.get(value)
        grant = self.world.grants.get(token.grant_id) if token else None
        if token is None or grant is None or not token.alive or grant.client_id != app.client_id:
            raise _invalid_grant("Invalid refresh token")
        if not self.world.grant_alive(grant):
            # Revoked, or 6 months past consent: Spotify says "revoked" for both.
            raise _invalid_grant("Refresh token revoked")
        rotate = not app.omit_refresh_token
        if rotate:
            token.alive = False
        return self._tokens(grant, with_refresh=rotate)

    def _tokens(self, grant: Grant, *, with_refresh: bool) -> dict[str, object]:
        access, refresh = self.world.issue_tokens(grant, with_refresh=with_refresh)
        log.info("tokens issued for grant %s (refresh token: %s)", grant.id, with_refresh)
        body: dict[str, object] = {
            "access_token": access,
            "token_type": "Bearer",
            "scope": " ".join(sorted(grant.scopes)),
            "expires_in": ACCESS_TOKEN_LIFETIME_S,
        }
        if refresh is not None:
            body["refresh_token"] = refresh
        return body

    def _revoke(self, grant: Grant) -> None:
        grant.revoked = True
        for token in self.world.access_tokens.values():
            if token.grant_id == grant.id:
                token.revoked = True
