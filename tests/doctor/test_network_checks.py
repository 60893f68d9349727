"""Reaching a relay and comparing clocks: the words for every way it goes wrong."""

from __future__ import annotations

import json
from email.utils import formatdate

import pytest

from leeloo.doctor.findings import Status
from leeloo.doctor.network_checks import clock_skew, relay_health, skew_seconds
from leeloo.doctor.observations import Failure, Reply, Unreachable

URL = "https://relay.example.org"
SETTING = "LEELOO_DEVICE_RELAY_URL"
HEALTHY = json.dumps({"status": "ok", "store": "ok", "connections": 2, "version": "0.1.0"})


def health(answer: Reply | Unreachable) -> tuple[Status, str, str]:
    finding = relay_health("relay", URL, SETTING, answer)
    return finding.status, finding.words, finding.fix


def test_a_healthy_relay_is_ok() -> None:
    status, words, _ = health(Reply(f"{URL}/healthz", 200, body=HEALTHY.encode()))
    assert (status, words) == (Status.OK, f"the relay answers at {URL} (leeloo 0.1.0)")


@pytest.mark.parametrize(
    ("failure", "detail", "words", "fix"),
    [
        (Failure.REFUSED, "", "nothing answers at", "start the relay"),
        (Failure.DNS, "Name or service not known", "relay.example.org does not resolve", "dig"),
        (Failure.TLS, "certificate has expired", "TLS handshake with relay.example.org", "clock"),
        (Failure.TIMEOUT, "", "in time (timed out)", "firewall"),
        (Failure.OTHER, "boom", "cannot reach", SETTING),
    ],
)
def test_no_answer_says_why(failure: Failure, detail: str, words: str, fix: str) -> None:
    status, said, how = health(Unreachable(f"{URL}/healthz", failure, detail))
    assert status is Status.FAIL
    assert words in said
    assert detail in said
    assert fix in how


def test_a_relay_whose_store_is_down() -> None:
    body = json.dumps({"status": "degraded", "store": "unreachable"}).encode()
    status, words, fix = health(Reply(f"{URL}/healthz", 503, body=body))
    assert status is Status.FAIL
    assert words == f"the relay at {URL} is up but its store does not answer"
    assert "leeloo doctor --relay" in fix


def test_a_proxy_without_its_relay() -> None:
    status, words, fix = health(Reply(f"{URL}/healthz", 502, body=b"<html>Bad Gateway</html>"))
    assert status is Status.FAIL
    assert "answered 502: a proxy is there, the relay behind it is not" in words
    assert "LEELOO_RELAY_PORT" in fix


@pytest.mark.parametrize(
    ("code", "body"), [(404, b"Not Found"), (200, b"<html>welcome</html>"), (200, b"[]")]
)
def test_something_that_is_not_a_relay(code: int, body: bytes) -> None:
    status, words, fix = health(Reply(f"{URL}/healthz", code, body=body))
    assert status is Status.FAIL
    assert words == f"{URL}/healthz answered {code} but not as a LEELOO relay does"
    assert fix == f"check that {SETTING} points at the relay itself (not another site or path)"


NOW = 1_767_225_600.0


def dated(offset: float, rtt: float = 0.2) -> Reply:
    """A reply whose server clock reads NOW + offset (Date truncated to the second)."""
    return Reply(URL, 200, {"date": formatdate(NOW + offset, usegmt=True)}, b"", NOW, NOW + rtt)


@pytest.mark.parametrize(
    ("offset", "status", "words"),
    [
        (0, Status.OK, "this clock agrees with the relay's (within 5 s)"),
        (-4, Status.OK, "agrees"),
        (-8, Status.WARN, "this clock is 8 s ahead of the relay's"),
        (30, Status.WARN, "this clock is 30 s behind the relay's"),
        (-61, Status.FAIL, "this clock is 61 s ahead of the relay's (logins"),
        (3600, Status.FAIL, "this clock is 3600 s behind"),
    ],
)
def test_clock_skew_thresholds(offset: float, status: Status, words: str) -> None:
    finding = clock_skew("clock", "the relay", dated(offset))
    assert finding.status is status
    assert words in finding.words
    if status is not Status.OK:
        assert "timedatectl set-ntp true" in finding.fix


def test_skew_is_measured_from_the_middle_of_the_round_trip() -> None:
    assert skew_seconds(dated(0, rtt=1.0)) == pytest.approx(0.0)


@pytest.mark.parametrize("date", [None, "", "yesterday-ish"])
def test_no_readable_date_is_not_checked(date: str | None) -> None:
    headers = {} if date is None else {"date": date}
    finding = clock_skew("clock", "the relay", Reply(URL, 200, headers))
    assert finding.status is Status.WARN
    assert finding.words == "not checked: the relay's answer has no readable Date header"


def test_no_answer_no_clock_check() -> None:
    finding = clock_skew("clock", "the relay", Unreachable(URL, Failure.REFUSED))
    assert (finding.status, finding.words) == (
        Status.WARN,
        "not checked: no answer from the relay",
    )
