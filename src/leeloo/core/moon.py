"""The moon's phase, computed from the time alone (no network, no tables).

Mean synodic month and a reference new moon from Meeus, *Astronomical Algorithms*
(2nd ed., ch. 49: k = 0 is the new moon of 2000-01-06 18:14 UTC). The mean phase is off
from the true phase by at most about 14 hours: plenty for a 6-box bar on a desk gadget.
"""

from __future__ import annotations

import math

SYNODIC_MONTH_DAYS = 29.530588853
REFERENCE_NEW_MOON = 947_182_440.0  # 2000-01-06T18:14:00Z as Unix seconds
_DAY = 86_400.0

PHASE_NAMES = (
    "new moon",
    "waxing crescent",
    "first quarter",
    "waxing gibbous",
    "full moon",
    "waning gibbous",
    "last quarter",
    "waning crescent",
)


def moon_age(unix_seconds: float) -> float:
    """Days since the last (mean) new moon, in [0, SYNODIC_MONTH_DAYS)."""
    days = (unix_seconds - REFERENCE_NEW_MOON) / _DAY
    return days % SYNODIC_MONTH_DAYS


def illumination(unix_seconds: float) -> float:
    """Lit fraction of the disc, 0.0 at new moon to 1.0 at full moon."""
    angle = 2 * math.pi * moon_age(unix_seconds) / SYNODIC_MONTH_DAYS
    return (1 - math.cos(angle)) / 2


def moon_boxes(unix_seconds: float, boxes: int = 6) -> int:
    """How many of `boxes` to fill: 0 at new moon, all at full moon (rounded)."""
    return round(illumination(unix_seconds) * boxes)


def phase_name(unix_seconds: float) -> str:
    """One of the eight traditional phase names, each centred on its own eighth."""
    eighth = SYNODIC_MONTH_DAYS / 8
    index = int((moon_age(unix_seconds) + eighth / 2) // eighth) % 8
    return PHASE_NAMES[index]
