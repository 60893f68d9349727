"""The relay side's checks: client id, public URL, store, the registered redirect URI.

The redirect URI is checked the way a phone meets it: GET Spotify's /authorize with the
relay's client id, its callback as `redirect_uri` and a dummy PKCE challenge, redirects
not followed. Spotify (and our emulator, emulator/accounts.py) answers an error page
"INVALID_CLIENT: Invalid redirect URI" when the URI is not registered exactly, and
"INVALID_CLIENT: Invalid client" for an unknown client id (RFC 6749 §4.1.2.1: no
redirect then); a good request gets the login page or a redirect to it. These two
phrases are the only signal an HTML error page carries, so they are matched as text.
"""

from __future__ import annotations

import ipaddress
import re
from typing import assert_never
from urllib.parse import urlsplit

from leeloo.doctor.findings import Finding
from leeloo.doctor.network_checks import unreachable_fix, unreachable_words
from leeloo.doctor.observations import (
    Answer,
    MemoryStore,
    NoStoreFile,
    StoreSchema,
    StoreSeen,
    StoreUnreadable,
    UnknownStore,
    Unreachable,
)

BAD_REDIRECT = b"INVALID_CLIENT: Invalid redirect URI"
BAD_CLIENT = b"INVALID_CLIENT: Invalid client"
DASHBOARD = "https://developer.spotify.com/dashboard"
CLIENT_ID_SHAPE = re.compile(r"[0-9a-f]{32}")
SQLITE_EXAMPLE = "LEELOO_RELAY_STORE=sqlite:////var/lib/leeloo-relay/relay.db"


def client_id(value: str) -> Finding:
    check = "spotify client id"
    if not value:
        return Finding.fail(
            check,
            "no Spotify client id: phones cannot log in",
            f"create an app at {DASHBOARD} (docs/deploy-relay.md) and set "
            "LEELOO_RELAY_SPOTIFY_CLIENT_ID to its Client ID",
        )
    if not CLIENT_ID_SHAPE.fullmatch(value):
        return Finding.warn(
            check,
            f"{value!r} does not look like a Spotify client id (32 hex digits)",
            f"copy the Client ID from your app's page at {DASHBOARD}",
        )
    return Finding.ok(check, f"client id {value}")


def is_loopback_literal(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(configured: str, base_url: str) -> Finding:
    """The URL phones and devices use: HTTPS, or a loopback IP literal for development."""
    check = "public url"
    set_it = "set LEELOO_RELAY_PUBLIC_URL=https://relay.example.org (the name your proxy serves)"
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if not configured:
        if is_loopback_literal(host):
            return Finding.warn(
                check,
                f"LEELOO_RELAY_PUBLIC_URL is not set: phones would use {base_url}, which "
                "only this machine reaches (fine for development)",
                set_it,
            )
        return Finding.fail(check, f"LEELOO_RELAY_PUBLIC_URL is not set ({base_url})", set_it)
    if parts.scheme == "https" and host:
        return Finding.ok(check, f"{base_url} (HTTPS)")
    if parts.scheme == "http" and is_loopback_literal(host):
        return Finding.ok(check, f"{base_url} (loopback: development only)")
    if parts.scheme == "http" and host == "localhost":
        return Finding.fail(
            check,
            f"{base_url}: Spotify takes http:// redirect URIs only for loopback IP "
            "literals, not 'localhost'",
            f"use http://127.0.0.1:{parts.port or 80} for development, https:// otherwise",
        )
    if parts.scheme == "http":
        return Finding.fail(
            check,
            f"{base_url} is plain HTTP: Spotify refuses http:// redirect URIs and phones "
            "would send their login in the clear",
            "put Caddy or nginx with TLS in front (docs/deploy-relay.md), then " + set_it,
        )
    return Finding.fail(check, f"{configured!r} is not an http(s) URL", set_it)


def store(seen: StoreSeen) -> Finding:
    """The store exists (or can be made) and its schema is the one this leeloo knows."""
    check = "store"
    match seen:
        case MemoryStore():
            return Finding.warn(
                check,
                "memory: store: devices, crews and pairings vanish at every restart",
                f"use a file: {SQLITE_EXAMPLE}",
            )
        case UnknownStore(url=url):
            scheme = url.split(":")[0]
            return Finding.fail(check, f"unknown store URL scheme {scheme!r}", SQLITE_EXAMPLE)
        case NoStoreFile(path=path, creatable=True):
            return Finding.warn(
                check,
                f"no store at {path} yet: the relay creates it at its first start",
                "if the relay has run before, this is the wrong path: every device would "
                "register again; correct LEELOO_RELAY_STORE",
            )
        case NoStoreFile(path=path):
            return Finding.fail(
                check,
                f"the relay cannot create its store at {path}",
                f"create {path.parent} owned by the relay's user (sudo install -d -o "
                "leeloo-relay " + str(path.parent) + "), and list it in the unit's ReadWritePaths",
            )
        case StoreUnreadable(path=path, reason=reason):
            return Finding.fail(
                check,
                f"cannot read the store {path}: {reason}",
                "run doctor as the relay's user (sudo -u leeloo-relay leeloo doctor --relay); "
                "if the file is damaged, restore it from a backup",
            )
        case StoreSchema():
            return store_schema(seen)
        case _:
            assert_never(seen)


def store_schema(seen: StoreSchema) -> Finding:
    """The schema the relay will find: current, older (migrated at start) or newer."""
    if seen.version > seen.current:
        return Finding.fail(
            "store",
            f"{seen.path} has schema {seen.version}, newer than this leeloo's {seen.current}",
            "upgrade leeloo to the version that wrote it (pip install -U in the venv)",
        )
    if seen.version < seen.current:
        return Finding.warn(
            "store",
            f"{seen.path} has schema {seen.version}; this leeloo migrates it to "
            f"{seen.current} at start",
            f"back up {seen.path} before restarting the relay",
        )
    return Finding.ok("store", f"{seen.path} (schema {seen.version}, current)")


def redirect_uri(client: str, callback: str, answer: Answer) -> Finding:
    """Spotify's answer to /authorize with our client id and callback (not followed)."""
    check = "redirect uri"
    if isinstance(answer, Unreachable):
        return Finding.fail(
            check,
            "cannot ask Spotify: " + unreachable_words(answer),
            unreachable_fix(answer, "LEELOO_RELAY_SPOTIFY_ACCOUNTS_URL", "check the network"),
        )
    if not client:
        return Finding.warn(check, "not checked: no client id", "set the client id first")
    if BAD_REDIRECT in answer.body:
        return Finding.fail(
            check,
            f"Spotify does not know the redirect URI {callback} for client id {client}",
            f"at {DASHBOARD}, open the app, Edit, Redirect URIs: add exactly {callback} "
            "(scheme, host, port and path must match, no trailing slash) and Save",
        )
    if BAD_CLIENT in answer.body:
        return Finding.fail(
            check,
            f"Spotify does not know the client id {client}",
            f"copy the Client ID from your app's page at {DASHBOARD} into "
            "LEELOO_RELAY_SPOTIFY_CLIENT_ID",
        )
    location = answer.headers.get("location", "")
    if answer.status in (301, 302, 303, 307, 308) and location.startswith(callback):
        return Finding.warn(
            check,
            "Spotify accepts the redirect URI but refused the request: "
            + location[len(callback) :],
            "upgrade leeloo (its authorize request may be out of date)",
        )
    if answer.status == 200 or 300 <= answer.status < 400:
        return Finding.ok(check, f"Spotify accepts {callback} for client id {client}")
    return Finding.warn(
        check,
        f"could not tell: Spotify's /authorize answered {answer.status}",
        "try again later; in the dashboard, check the Redirect URIs list holds " + callback,
    )
