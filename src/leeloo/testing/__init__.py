"""Test doubles shipped with the package, for LEELOO's own tests and for anyone scripting it."""

from leeloo.testing.clock import FakeClock

__all__ = ["FakeClock"]
