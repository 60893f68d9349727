"""`leeloo doctor`: check a device's or a relay's setup and say, in words, what is wrong.

Each check is a small function from observations (what a probe saw: an HTTP answer, a
file's mode and bytes, a framebuffer's geometry) to a `Finding` (ok, warn or fail, what
is the matter, what to do). The checks are pure and unit-tested one failure at a time;
the probes (`probes.py`) are thin adapters over httpx, files and sysfs, with the clock
and every URL and path injected. `examination.py` runs the probes and the checks for one
side; `cli.py` prints the findings and sets the exit code (1 if any check failed).

This package may import both `leeloo.device` and `leeloo.relay` (it checks both); they
never import it.
"""
