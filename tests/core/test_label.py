from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leeloo.core.label import label


def test_control_characters_become_single_spaces() -> None:
    assert label("  a\n\tb\x00c  ") == "a b c"


def test_long_text_is_cut_with_an_ellipsis() -> None:
    out = label("x" * 10_000, 20)
    assert out == "x" * 19 + "…"


def test_format_characters_stay() -> None:
    rtl = "\u202bשלום\u202c"
    assert label(rtl) == rtl


@given(st.text())
def test_any_text_gives_one_bounded_line(text: str) -> None:
    out = label(text, 30)
    assert len(out) <= 30
    assert "\n" not in out
    assert out == out.strip()
