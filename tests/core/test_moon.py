"""Moon phase against known dates (times from timeanddate.com, UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leeloo.core import moon


def ts(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_reference_new_moon_is_age_zero() -> None:
    assert moon.moon_age(moon.REFERENCE_NEW_MOON) == pytest.approx(0.0)
    assert moon.moon_boxes(moon.REFERENCE_NEW_MOON) == 0
    assert moon.phase_name(moon.REFERENCE_NEW_MOON) == "new moon"


@pytest.mark.parametrize(
    ("when", "boxes", "name"),
    [
        (ts(2026, 1, 3, 10, 3), 6, "full moon"),  # full moon 2026-01-03 10:03
        (ts(2026, 1, 18, 19, 52), 0, "new moon"),  # new moon 2026-01-18 19:52
        (ts(2026, 1, 26, 4, 47), 3, "first quarter"),  # first quarter 2026-01-26
        (ts(2026, 1, 10, 15, 48), 3, "last quarter"),  # last quarter 2026-01-10
    ],
)
def test_known_phases(when: float, boxes: int, name: str) -> None:
    assert moon.moon_boxes(when) == boxes
    assert moon.phase_name(when) == name


def test_age_is_within_a_month_even_before_the_reference() -> None:
    age = moon.moon_age(ts(1969, 7, 20))
    assert 0 <= age < moon.SYNODIC_MONTH_DAYS
    assert 0.0 <= moon.illumination(ts(1969, 7, 20)) <= 1.0
