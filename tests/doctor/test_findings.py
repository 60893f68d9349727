"""The report: one line per check, the fix under each problem, exit 1 only on a failure."""

from __future__ import annotations

import json

from leeloo.doctor.findings import Finding, Section, Status, exit_code, render_json, render_text

OK = Finding.ok("relay", "the relay answers")
WARN = Finding.warn("weather location", "no weather location", "set LEELOO_DEVICE_PLACE")
FAIL = Finding.fail("token file mode", "mode 0644", "chmod 600 tokens.json")


def test_exit_code_is_one_only_when_a_check_failed() -> None:
    assert exit_code([Section("device", (OK,))]) == 0
    assert exit_code([Section("device", (OK, WARN))]) == 0
    assert exit_code([Section("device", (OK,)), Section("relay", (WARN, FAIL))]) == 1


def test_text_has_a_mark_per_check_and_the_fix_under_each_problem() -> None:
    text = render_text([Section("device", (OK, WARN, FAIL))])
    assert text.splitlines() == [
        "leeloo doctor: device",
        "  ok    relay: the relay answers",
        "  warn  weather location: no weather location",
        "        fix: set LEELOO_DEVICE_PLACE",
        "  FAIL  token file mode: mode 0644",
        "        fix: chmod 600 tokens.json",
        "  1 ok, 1 warning(s), 1 failed",
    ]


def test_json_holds_every_finding_and_the_verdict() -> None:
    body = json.loads(render_json([Section("relay", (OK, FAIL))]))
    assert body["ok"] is False
    assert [f["status"] for f in body["sides"]["relay"]] == ["ok", "fail"]
    assert body["sides"]["relay"][1] == {
        "check": "token file mode",
        "status": Status.FAIL.value,
        "words": "mode 0644",
        "fix": "chmod 600 tokens.json",
    }
