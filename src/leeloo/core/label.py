"""Screen-safe text: what any outside string goes through before it reaches a box.

Titles, names and reasons come from Spotify, crew members and the relay: they may be
10,000 characters long, hold newlines, tabs or other control characters. A label is one
line, control characters turned into spaces, whitespace runs collapsed, and cut to
`limit` characters (the renderer then fits it to pixels). Format characters (right-to-left
marks, zero-width joiners inside emoji) are kept: they belong to the text.
"""

from __future__ import annotations

import unicodedata

LIMIT = 160


def label(text: str, limit: int = LIMIT) -> str:
    """One clean line of at most `limit` characters ("" stays "")."""
    cut = text[: limit * 4]  # bounded work however long the input
    spaced = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in cut)
    line = " ".join(spaced.split())
    if len(line) > limit:
        return line[: limit - 1] + "…"
    return line
