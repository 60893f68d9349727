"""Reading a program's settings from the environment and an optional `.env` file.

Shared by the device and the relay (each keeps its own frozen settings object and its
own error type, translating `SettingError` at its boundary). Rules:

- `environment(environ, prefix)`: the variables of `environ` over those of the `.env`
  file named by `<prefix>ENV_FILE` (default `.env` in the working directory);
- a `.env` line is `KEY=VALUE` (optionally `export KEY=VALUE`, optionally quoted);
  blank lines and `#` comments are skipped; anything else is an error naming the line;
- `convert` turns one raw value into the field's type, or raises an error naming the
  variable and the value (never a secret: only called for typed, non-secret fields).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class SettingError(ValueError):
    """A setting that cannot be used; the message names the variable (or `.env` line)."""


def read_env_file(path: Path) -> dict[str, str]:
    """`KEY=VALUE` lines of a `.env` file (`#` comments, optional quotes); {} if absent."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep:
            raise SettingError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def environment(environ: Mapping[str, str], prefix: str) -> dict[str, str]:
    """`environ` over the `.env` file it names (`<prefix>ENV_FILE`, default `.env`)."""
    env_file = Path(environ.get(prefix + "ENV_FILE", ".env"))
    return {**read_env_file(env_file), **environ}


def flag(raw: str) -> bool:
    """`1/true/yes/on` or `0/false/no/off` (any case); ValueError otherwise."""
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(raw)


def convert(name: str, raw: str, kind: Callable[[str], object], what: str = "") -> object:
    """`kind(raw)`, or a SettingError naming `name`, what it must be, and the value."""
    try:
        return kind(raw)
    except ValueError:
        what = what or getattr(kind, "__name__", "valid")
        raise SettingError(f"{name} must be {what}, got {raw!r}") from None
