"""The relay's checks, one failure at a time, from hand-made observations."""

from __future__ import annotations

from pathlib import Path

import pytest

from leeloo.doctor import relay_checks as checks
from leeloo.doctor.findings import Status
from leeloo.doctor.observations import (
    Failure,
    MemoryStore,
    NoStoreFile,
    Reply,
    StoreSchema,
    StoreUnreadable,
    UnknownStore,
    Unreachable,
)

CLIENT = "0123456789abcdef0123456789abcdef"
CALLBACK = "https://relay.example.org/spotify/callback"
AUTHORIZE = "https://accounts.spotify.com/authorize?..."


def test_client_id() -> None:
    missing = checks.client_id("")
    assert (missing.status, missing.words) == (
        Status.FAIL,
        "no Spotify client id: phones cannot log in",
    )
    assert "LEELOO_RELAY_SPOTIFY_CLIENT_ID" in missing.fix
    odd = checks.client_id("my-app")
    assert (odd.status, odd.words) == (
        Status.WARN,
        "'my-app' does not look like a Spotify client id (32 hex digits)",
    )
    assert checks.client_id(CLIENT).status is Status.OK


@pytest.mark.parametrize(
    ("configured", "base", "status", "words"),
    [
        ("https://relay.example.org", "https://relay.example.org", Status.OK, "(HTTPS)"),
        ("http://127.0.0.1:8787", "http://127.0.0.1:8787", Status.OK, "loopback: development"),
        ("http://[::1]:8787", "http://[::1]:8787", Status.OK, "loopback"),
        ("", "http://127.0.0.1:8787", Status.WARN, "LEELOO_RELAY_PUBLIC_URL is not set"),
        ("", "http://0.0.0.0:8787", Status.FAIL, "is not set (http://0.0.0.0:8787)"),
        ("http://localhost:8787", "http://localhost:8787", Status.FAIL, "not 'localhost'"),
        ("http://relay.example.org", "http://relay.example.org", Status.FAIL, "plain HTTP"),
        ("relay.example.org", "relay.example.org", Status.FAIL, "is not an http(s) URL"),
    ],
)
def test_public_url(configured: str, base: str, status: Status, words: str) -> None:
    finding = checks.public_url(configured, base)
    assert finding.status is status
    assert words in finding.words


def test_public_url_fixes() -> None:
    assert (
        "127.0.0.1:8787" in checks.public_url("http://localhost:8787", "http://localhost:8787").fix
    )
    assert "Caddy or nginx" in checks.public_url("http://r.example", "http://r.example").fix


DB = Path("/var/lib/leeloo-relay/relay.db")


@pytest.mark.parametrize(
    ("seen", "status", "words", "fix"),
    [
        (MemoryStore(), Status.WARN, "vanish at every restart", "sqlite:////"),
        (
            UnknownStore("postgres://x"),
            Status.FAIL,
            "unknown store URL scheme 'postgres'",
            "sqlite",
        ),
        (NoStoreFile(DB, True), Status.WARN, "creates it at its first start", "wrong path"),
        (NoStoreFile(DB, False), Status.FAIL, "cannot create its store", "install -d"),
        (StoreUnreadable(DB, "file is not a database"), Status.FAIL, "not a database", "backup"),
        (StoreSchema(DB, 4, 3), Status.FAIL, "schema 4, newer than this leeloo's 3", "upgrade"),
        (StoreSchema(DB, 2, 3), Status.WARN, "migrates it to 3 at start", "back up"),
        (StoreSchema(DB, 3, 3), Status.OK, "(schema 3, current)", ""),
    ],
)
def test_store(seen: object, status: Status, words: str, fix: str) -> None:
    finding = checks.store(seen)  # type: ignore[arg-type]
    assert finding.status is status
    assert words in finding.words
    assert fix in finding.fix


def page(status: int, body: bytes = b"", location: str = "") -> Reply:
    return Reply(AUTHORIZE, status, {"location": location} if location else {}, body)


def test_a_redirect_uri_spotify_does_not_know() -> None:
    body = b"<html><p>INVALID_CLIENT: Invalid redirect URI</p></html>"
    finding = checks.redirect_uri(CLIENT, CALLBACK, page(400, body))
    assert finding.status is Status.FAIL
    assert (
        finding.words == f"Spotify does not know the redirect URI {CALLBACK} for client id {CLIENT}"
    )
    assert f"add exactly {CALLBACK}" in finding.fix


def test_a_client_id_spotify_does_not_know() -> None:
    finding = checks.redirect_uri(CLIENT, CALLBACK, page(400, b"INVALID_CLIENT: Invalid client"))
    assert finding.status is Status.FAIL
    assert finding.words == f"Spotify does not know the client id {CLIENT}"


@pytest.mark.parametrize(
    "reply",
    [page(200, b"<form>log in</form>"), page(302, location="https://accounts.spotify.com/login")],
)
def test_an_accepted_request(reply: Reply) -> None:
    finding = checks.redirect_uri(CLIENT, CALLBACK, reply)
    assert (finding.status, finding.words) == (
        Status.OK,
        f"Spotify accepts {CALLBACK} for client id {CLIENT}",
    )


def test_accepted_uri_but_refused_request() -> None:
    reply = page(302, location=CALLBACK + "?error=invalid_scope&state=leeloo-doctor")
    finding = checks.redirect_uri(CLIENT, CALLBACK, reply)
    assert finding.status is Status.WARN
    assert finding.words.endswith("refused the request: ?error=invalid_scope&state=leeloo-doctor")


def test_an_answer_that_tells_nothing() -> None:
    finding = checks.redirect_uri(CLIENT, CALLBACK, page(500, b"oops"))
    assert (finding.status, finding.words) == (
        Status.WARN,
        "could not tell: Spotify's /authorize answered 500",
    )


def test_no_client_id_or_no_answer() -> None:
    assert checks.redirect_uri("", CALLBACK, page(400, b"")).status is Status.WARN
    gone = checks.redirect_uri(CLIENT, CALLBACK, Unreachable(AUTHORIZE, Failure.DNS, "no name"))
    assert gone.status is Status.FAIL
    assert gone.words.startswith("cannot ask Spotify: the name accounts.spotify.com does not")
    assert "LEELOO_RELAY_SPOTIFY_ACCOUNTS_URL" in gone.fix
