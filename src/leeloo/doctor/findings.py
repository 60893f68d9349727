"""What a check found, and how findings are shown to a person or a program.

A `Finding` is one line of the report: the check's name, its status, what is the matter
in plain words, and (for a warning or a failure) what to do about it. The report's exit
code is 1 if any finding failed; warnings alone leave it at 0.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass


class Status(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


MARKS = {Status.OK: "ok", Status.WARN: "warn", Status.FAIL: "FAIL"}


@dataclass(frozen=True)
class Finding:
    """One check's verdict. `words` and `fix` never hold a secret or a token."""

    check: str
    status: Status
    words: str
    fix: str = ""

    @classmethod
    def ok(cls, check: str, words: str) -> Finding:
        return cls(check, Status.OK, words)

    @classmethod
    def warn(cls, check: str, words: str, fix: str) -> Finding:
        return cls(check, Status.WARN, words, fix)

    @classmethod
    def fail(cls, check: str, words: str, fix: str) -> Finding:
        return cls(check, Status.FAIL, words, fix)


@dataclass(frozen=True)
class Section:
    """The findings of one side (`device` or `relay`)."""

    side: str
    findings: tuple[Finding, ...]


def exit_code(sections: Sequence[Section]) -> int:
    """1 if any finding failed, else 0 (warnings alone do not fail a setup)."""
    failed = any(f.status is Status.FAIL for s in sections for f in s.findings)
    return 1 if failed else 0


def render_text(sections: Sequence[Section]) -> str:
    """One line per check (`mark  check: words`); a problem's fix on the next line."""
    lines: list[str] = []
    for section in sections:
        lines.append(f"leeloo doctor: {section.side}")
        for finding in section.findings:
            lines.append(f"  {MARKS[finding.status]:<4}  {finding.check}: {finding.words}")
            if finding.status is not Status.OK and finding.fix:
                lines.append(f"        fix: {finding.fix}")
        counts = {status: 0 for status in Status}
        for finding in section.findings:
            counts[finding.status] += 1
        lines.append(
            f"  {counts[Status.OK]} ok, {counts[Status.WARN]} warning(s), "
            f"{counts[Status.FAIL]} failed"
        )
    return "\n".join(lines)


def render_json(sections: Sequence[Section]) -> str:
    """The report as one JSON object: `ok`, and each side's findings in order."""
    body = {
        "ok": exit_code(sections) == 0,
        "sides": {
            s.side: [
                {"check": f.check, "status": f.status.value, "words": f.words, "fix": f.fix}
                for f in s.findings
            ]
            for s in sections
        },
    }
    return json.dumps(body, indent=1)
