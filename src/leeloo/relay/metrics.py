"""The relay's counters, rendered in the Prometheus text exposition format (version 0.0.4).

Hand-written rather than `prometheus_client`: five families of plain counters need no
registry, no background collectors and no extra dependency, and the format is a few lines
(https://prometheus.io/docs/instrumenting/exposition_formats/). Counters are per process:
Prometheus scrapes each relay node and sums.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Metrics:
    """Counters by label; `connections` is read from the hub when rendered."""

    def __init__(self, connections: Callable[[], int] = lambda: 0) -> None:
        self.connections = connections
        self.messages_in: Counter[str] = Counter()
        self.messages_out: Counter[str] = Counter()
        self.pairing: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.registrations = 0

    def render(self) -> str:
        lines = [
            "# HELP leeloo_relay_connections Authenticated device connections open now.",
            "# TYPE leeloo_relay_connections gauge",
            f"leeloo_relay_connections {self.connections()}",
            "# HELP leeloo_relay_registrations_total Devices registered.",
            "# TYPE leeloo_relay_registrations_total counter",
            f"leeloo_relay_registrations_total {self.registrations}",
        ]
        families = (
            ("messages_in_total", "type", "Frames received from devices, by type.",
             self.messages_in),
            ("messages_out_total", "type", "Frames sent to devices, by type.",
             self.messages_out),
            ("pairing_outcomes_total", "outcome", "Pairing sessions ended, by outcome.",
             self.pairing),
            ("errors_total", "kind", "Errors, by kind.", self.errors),
        )  # fmt: skip
        for name, label, help_text, counter in families:
            lines.append(f"# HELP leeloo_relay_{name} {help_text}")
            lines.append(f"# TYPE leeloo_relay_{name} counter")
            for key, value in sorted(counter.items()):
                lines.append(f'leeloo_relay_{name}{{{label}="{_escape(key)}"}} {value}')
        return "\n".join(lines) + "\n"
