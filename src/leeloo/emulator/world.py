"""The emulator's world: users, apps, grants, codes, tokens, players, faults, rate limits.

One `World` object is the whole state; the HTTP modules (accounts, webapi, media,
control) translate requests into calls on it and its answers into Spotify's wire shapes.
Time comes from an injected `Clock`; randomness from a seeded `random.Random`, so a
scenario replays identically.

Accounts rules modelled (../shared/design/spotify.md):
- authorization codes are single-use and die 10 minutes after issue;
- access tokens live 1 hour; refresh tokens rotate (the old one dies at once);
- a refresh token dies with its grant: revoked, or 6 months after the original consent;
- development mode: at most 5 allowlisted users per app, and the owner must be Premium.
"""

from __future__ import annotations

import random
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from leeloo.clock import Clock
from leeloo.emulator.catalogue import Catalogue, build_catalogue
from leeloo.emulator.player import Player

CODE_LIFETIME_S = 600
ACCESS_TOKEN_LIFETIME_S = 3600
GRANT_LIFETIME_S = 183 * 86400  # "6 months after the user's original consent"
MAX_ALLOWLIST = 5
RATE_WINDOW_S = 30.0
SCOPES = frozenset(
    {
        "user-read-currently-playing",
        "user-read-playback-state",
        "user-modify-playback-state",
        "user-read-private",
        "user-read-email",
        "user-read-recently-played",
        "user-top-read",
        "playlist-read-private",
    }
)

Service = Literal["accounts", "api", "oembed", "scannables", "images", "weather"]
SERVICES: tuple[Service, ...] = ("accounts", "api", "oembed", "scannables", "images", "weather")
FaultKind = Literal["status", "slow", "stray_404", "empty_204"]


class WorldError(Exception):
    """A control-API request the world refuses (unknown user, full allowlist, ...)."""


@dataclass
class User:
    id: str
    display_name: str
    password: str
    product: Literal["premium", "free"] = "premium"
    country: str = "GB"
    email: str = ""


@dataclass
class App:
    client_id: str
    name: str
    owner_id: str
    redirect_uris: set[str] = field(default_factory=set)
    allowlist: list[str] = field(default_factory=list)
    rate_limit: int = 180  # requests per rolling 30 s window, for the whole app
    rate_limit_style: Literal["plain", "quota"] = "plain"
    quota_retry_after_s: int = 3600  # Retry-After for the QUOTA_EXCEEDED variant
    omit_refresh_token: bool = False  # a refresh answer without a new refresh_token
    requests: deque[float] = field(default_factory=deque)


@dataclass
class Grant:
    id: str
    user_id: str
    client_id: str
    scopes: frozenset[str]
    consented_at: float
    revoked: bool = False


@dataclass
class AuthCode:
    grant_id: str
    redirect_uri: str
    code_challenge: str
    issued_at: float
    used: bool = False


@dataclass
class AccessToken:
    grant_id: str
    expires_at: float
    revoked: bool = False


@dataclass
class RefreshToken:
    grant_id: str
    alive: bool = True


@dataclass
class Fault:
    """An injected failure for one service.

    kind: status (answer `status`), slow (wait `delay_s` then answer normally), stray_404,
    empty_204 (204 even while playing; Web API only). `remaining` counts how many requests
    it hits (None: until cleared); `probability` < 1 makes it hit at random (seeded).
    """

    service: Service
    kind: FaultKind
    status: int = 503
    delay_s: float = 0.0
    remaining: int | None = None
    probability: float = 1.0


class World:
    def __init__(self, clock: Clock, *, seed: int = 1, catalogue: Catalogue | None = None):
        self.clock = clock
        self.rng = random.Random(seed)
        self.catalogue = catalogue or build_catalogue()
        self.users: dict[str, User] = {}
        self.apps: dict[str, App] = {}
        self.players: dict[str, Player] = {}
        self.grants: dict[str, Grant] = {}
        self.codes: dict[str, AuthCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.faults: list[Fault] = []
        self.request_counts: dict[Service, int] = dict.fromkeys(SERVICES, 0)

    def now(self) -> float:
        return self.clock.time()

    # -- users and apps ----------------------------------------------------------------
    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        self.players.setdefault(user.id, Player())
        return user

    def add_app(self, app: App) -> App:
        if app.owner_id not in self.users:
            raise WorldError(f"unknown owner {app.owner_id!r}")
        if len(app.allowlist) > MAX_ALLOWLIST:
            raise WorldError(f"at most {MAX_ALLOWLIST} users may be allowlisted")
        self.apps[app.client_id] = app
        return app

    def allow(self, client_id: str, user_id: str) -> None:
        app = self.app(client_id)
        self.user(user_id)
        if user_id in app.allowlist:
            return
        if len(app.allowlist) >= MAX_ALLOWLIST:
            raise WorldError(
                f"app {client_id} already has {MAX_ALLOWLIST} allowlisted users "
                "(development mode limit)"
            )
        app.allowlist.append(user_id)

    def user(self, user_id: str) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise WorldError(f"unknown user {user_id!r}") from None

    def app(self, client_id: str) -> App:
        try:
            return self.apps[client_id]
        except KeyError:
            raise WorldError(f"unknown app {client_id!r}") from None

    def player(self, user_id: str) -> Player:
        self.user(user_id)
        return self.players[user_id]

    def check_login(self, username: str, password: str) -> User | None:
        user = self.users.get(username)
        # compare_digest refuses non-ASCII str (TypeError): compare the UTF-8 bytes.
        if user is None or not secrets.compare_digest(user.password.encode(), password.encode()):
            return None
        return user

    # -- grants, codes and tokens ------------------------------------------------------
    def consent(self, user_id: str, client_id: str, scopes: frozenset[str]) -> Grant:
        grant = Grant(self._token(8), user_id, client_id, scopes, self.now())
        self.grants[grant.id] = grant
        return grant

    def issue_code(self, grant: Grant, redirect_uri: str, code_challenge: str) -> str:
        code = self._token(96)
        self.codes[code] = AuthCode(grant.id, redirect_uri, code_challenge, self.now())
        return code

    def grant_alive(self, grant: Grant) -> bool:
        return not grant.revoked and self.now() < grant.consented_at + GRANT_LIFETIME_S

    def issue_tokens(self, grant: Grant, *, with_refresh: bool = True) -> tuple[str, str | None]:
        access = self._token(140)
        self.access_tokens[access] = AccessToken(grant.id, self.now() + ACCESS_TOKEN_LIFETIME_S)
        refresh = None
        if with_refresh:
            refresh = self._token(131)
            self.refresh_tokens[refresh] = RefreshToken(grant.id)
        return access, refresh

    def mint(
        self, user_id: str, client_id: str, scopes: frozenset[str] | None = None
    ) -> dict[str, object]:
        """Control API: a token set as if the user had just logged in."""
        self.user(user_id)
        self.app(client_id)
        grant = self.consent(user_id, client_id, scopes or frozenset(
            {"user-read-currently-playing", "user-read-playback-state"}))  # fmt: skip
        access, refresh = self.issue_tokens(grant)
        return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_LIFETIME_S, "scope": " ".join(sorted(grant.scopes)),
                "consented_at": grant.consented_at}  # fmt: skip

    def revoke(self, user_id: str, client_id: str | None = None) -> int:
        """Revoke every grant of a user (for one app, or all): tokens die at once."""
        count = 0
        for grant in self.grants.values():
            if grant.user_id == user_id and client_id in (None, grant.client_id):
                grant.revoked = True
                count += 1
        return count

    def revoke_token(self, token: str) -> int:
        """Revoke the grant behind one access or refresh token (0 if the token is unknown)."""
        held = self.access_tokens.get(token) or self.refresh_tokens.get(token)
        if held is None or held.grant_id not in self.grants:
            return 0
        self.grants[held.grant_id].revoked = True
        return 1

    def _token(self, length: int) -> str:
        # Opaque, URL-safe, seeded: scenarios replay identically. Spotify's tokens are
        # long (and have grown before): clients must not assume a length.
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    # -- rate limits and faults --------------------------------------------------------
    def take_rate_slot(self, app: App) -> float | None:
        """Count one Web API request for `app`; seconds to wait if over its budget."""
        now = self.clock.monotonic()
        window = app.requests
        while window and window[0] <= now - RATE_WINDOW_S:
            window.popleft()
        if len(window) >= app.rate_limit:
            if app.rate_limit_style == "quota":
                return float(app.quota_retry_after_s)
            # A budget of 0 refuses everything: wait a whole window.
            oldest = window[0] if window else now
            return max(1.0, oldest + RATE_WINDOW_S - now)
        window.append(now)
        return None

    def pick_fault(self, service: Service) -> Fault | None:
        """The fault that hits this request of `service`, if any (and count it down)."""
        self.request_counts[service] += 1
        for fault in self.faults:
            if fault.service != service:
                continue
            if fault.probability < 1.0 and self.rng.random() >= fault.probability:
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
            return fault
        return None
