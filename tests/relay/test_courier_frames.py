"""The courier encodes an item once per fan-out: each recipient's frame is the same text
`ItemDelivery.to_json()` makes, with its own seq, and parses back to the same message."""

from __future__ import annotations

from typing import Any

import pytest

from leeloo.core import messages as wire
from leeloo.relay.courier import delivery, encoded, frame
from leeloo.relay.store.crewstore import StoredItem

BODIES: list[tuple[str, dict[str, Any]]] = [
    ("song", {"uri": "spotify:track:x", "title": "Ünïcode “title”", "art_url": "https://i/a",
              "note": 'a "quoted" note\n', "sender_name": "Amy"}),
    ("text", {"text": "hi 🎶 crew", "sender_name": ""}),
    ("reaction", {"target": "itm_1", "reaction": "fire", "sender_name": "Ben"}),
    ("nudge", {"sender_name": "Cat"}),
    ("hang.propose", {"what": "vinyl night", "at": 1_900_000_000, "sender_name": "Cat"}),
    ("hang.confirm", {"target": "itm_2", "what": "vinyl", "at": 1_900_000_000}),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "body"), BODIES)
@pytest.mark.parametrize("seq", [1, 42, 10**12])
def test_one_encoding_serves_every_recipient(kind: str, body: dict[str, Any], seq: int) -> None:
    item = StoredItem("itm_9", "crw_1", "dev_1", kind, body, 1_767_225_600.5)
    text = frame(seq, encoded(item))
    assert text == delivery(seq, item).to_json()
    assert wire.parse_relay_message(text) == delivery(seq, item)
