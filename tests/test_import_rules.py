"""The architecture's import rules, checked on the source itself.

- `leeloo.core` imports the standard library only (and other `leeloo.core` modules).
- `leeloo.device`, `leeloo.relay` and `leeloo.emulator` never import one another: they meet
  through `core` messages and HTTP.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "leeloo"
PROGRAMS = ("device", "relay", "emulator")
# Standard-library modules that do I/O, time or randomness: banned in the pure core.
CORE_BANNED = {"asyncio", "time", "os", "socket", "random", "subprocess", "threading"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files_of(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def test_core_imports_only_the_standard_library() -> None:
    offenders = []
    for path in files_of("core"):
        for name in imported_modules(path):
            top = name.split(".")[0]
            if name.startswith("leeloo.core") or name == "__future__":
                continue
            if top not in sys.stdlib_module_names or top in CORE_BANNED:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


@pytest.mark.parametrize("program", PROGRAMS)
def test_programs_never_import_one_another(program: str) -> None:
    others = {f"leeloo.{p}" for p in PROGRAMS if p != program}
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in files_of(program)
        for name in imported_modules(path)
        if any(name == o or name.startswith(o + ".") for o in others)
    ]
    assert offenders == []


def test_the_rule_checker_sees_imports(tmp_path: Path) -> None:
    # Guards the checker itself: a file that breaks the rule must be reported.
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom leeloo.relay.app import x\nfrom . import sibling\n")
    assert imported_modules(bad) == {"os", "leeloo.relay.app"}
