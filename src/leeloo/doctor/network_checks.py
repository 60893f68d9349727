"""Checks on HTTP answers, shared by both sides: is a server there, is it a relay, clocks.

Clock skew (RFC 9110 §6.6.1): a server's `Date` header is its clock at the time of the
answer, to the second (truncated). This machine's clock is taken midway between sending
and receiving, and the server's at `Date` + 0.5 s, so a correct clock reads within about
half a round trip plus half a second of it.
"""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from leeloo.doctor.findings import Finding
from leeloo.doctor.observations import Answer, Failure, Reply, Unreachable

SKEW_WARN_S = 5.0
SKEW_FAIL_S = 60.0
NTP_FIX = (
    "turn on network time: sudo timedatectl set-ntp true (a Pi has no battery clock: "
    "it needs the network at boot), then check with timedatectl status"
)


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


def unreachable_words(answer: Unreachable) -> str:
    """What an unanswered request means, in words."""
    host = host_of(answer.url)
    match answer.failure:
        case Failure.REFUSED:
            return f"nothing answers at {answer.url} (connection refused)"
        case Failure.DNS:
            return f"the name {host} does not resolve (DNS: {answer.detail})"
        case Failure.TLS:
            return f"the TLS handshake with {host} failed ({answer.detail})"
        case Failure.TIMEOUT:
            return f"no answer from {answer.url} in time (timed out)"
    return f"cannot reach {answer.url} ({answer.detail})"


def unreachable_fix(answer: Unreachable, setting: str, start_hint: str) -> str:
    """What to do about an unanswered request to the URL set by `setting`."""
    host = host_of(answer.url)
    match answer.failure:
        case Failure.REFUSED:
            return f"{start_hint}; or correct {setting} (scheme, host and port)"
        case Failure.DNS:
            return (
                f"check the spelling of {setting} and this machine's DNS; a new DNS record "
                "can take minutes to spread (dig +short " + host + ")"
            )
        case Failure.TLS:
            return (
                f"the certificate must be valid for {host}: check the TLS proxy (Caddy gets "
                "one by itself; see its logs) and that this machine's clock is right"
            )
        case Failure.TIMEOUT:
            return f"check the network and the firewall (ports 80 and 443 open on {host})"
    return f"check the network and {setting}"


def relay_health(check: str, base_url: str, setting: str, answer: Answer) -> Finding:
    """GET {base_url}/healthz answered like a LEELOO relay with its store working."""
    start = "start the relay (sudo systemctl start leeloo-relay; logs: journalctl -u leeloo-relay)"
    if isinstance(answer, Unreachable):
        return Finding.fail(
            check, unreachable_words(answer), unreachable_fix(answer, setting, start)
        )
    body = _json(answer.body)
    is_relay = body is not None and "store" in body and "status" in body
    if answer.status == 200 and is_relay and body is not None and body["status"] == "ok":
        version = body.get("version", "?")
        return Finding.ok(check, f"the relay answers at {base_url} (leeloo {version})")
    if answer.status == 503 and is_relay:
        return Finding.fail(
            check,
            f"the relay at {base_url} is up but its store does not answer",
            "on the relay: leeloo doctor --relay, and journalctl -u leeloo-relay",
        )
    if answer.status in (502, 503, 504):
        return Finding.fail(
            check,
            f"{answer.url} answered {answer.status}: a proxy is there, the relay behind it is not",
            start + "; check the proxy's upstream port matches LEELOO_RELAY_PORT",
        )
    return Finding.fail(
        check,
        f"{answer.url} answered {answer.status} but not as a LEELOO relay does",
        f"check that {setting} points at the relay itself (not another site or path)",
    )


def clock_skew(check: str, source: str, answer: Answer) -> Finding:
    """This clock against `source`'s `Date` header: warn past 5 s, fail past 60 s."""
    if isinstance(answer, Unreachable):
        return Finding.warn(
            check, f"not checked: no answer from {source}", "reach it first (above)"
        )
    skew = skew_seconds(answer)
    if skew is None:
        return Finding.warn(
            check, f"not checked: {source}'s answer has no readable Date header", NTP_FIX
        )
    way = "ahead of" if skew > 0 else "behind"
    size = abs(skew)
    if size <= SKEW_WARN_S:
        return Finding.ok(check, f"this clock agrees with {source}'s (within {SKEW_WARN_S:g} s)")
    words = f"this clock is {size:.0f} s {way} {source}'s"
    if size <= SKEW_FAIL_S:
        return Finding.warn(check, words, NTP_FIX)
    return Finding.fail(check, words + " (logins, expiries and certificates go wrong)", NTP_FIX)


def skew_seconds(reply: Reply) -> float | None:
    """This clock minus the server's, in seconds; None without a usable Date header."""
    raw = reply.headers.get("date")
    if not raw:
        return None
    try:
        server = parsedate_to_datetime(raw).timestamp() + 0.5
    except (TypeError, ValueError):
        return None
    local = (reply.sent_at + reply.received_at) / 2
    return local - server


def _json(body: bytes) -> dict[str, object] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
