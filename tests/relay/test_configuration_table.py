"""docs/configuration.md lists every relay setting (pairing's and crews')."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from leeloo.relay.config import RelaySettings
from leeloo.relay.crewconfig import PREFIX, CrewSettings


def test_every_relay_setting_is_in_the_configuration_table() -> None:
    table = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    fields = [*dataclasses.fields(RelaySettings), *dataclasses.fields(CrewSettings)]
    missing = [f.name for f in fields if f"| {PREFIX}{f.name.upper()} |" not in table]
    assert missing == []
