"""What the device shows, as small JSON files: for support, `leeloo doctor` and tests.

- the pairing file: the pairing flow's current view (state, the QR's URL, the user code,
  when it expires or is retried);
- the screen file: the music card's state and the words on the screen after each frame
  that was drawn (the PNG output holds the pixels; this says what they mean).

Neither holds a secret: the user code is on the screen for anyone to read, and the
verification URL is worth nothing without the owner's Spotify login.
"""

from __future__ import annotations

import dataclasses
import json

from leeloo.core.musiccard import MusicCard, PairingPanel
from leeloo.core.screen import Screen
from leeloo.device.pairing import PairingState, PairingView


def pairing_json(view: PairingView) -> bytes:
    """The view with its state as a word (`showing_code`, `connected`, ...)."""
    body = {k: (v.value if isinstance(v, PairingState) else v)
            for k, v in dataclasses.asdict(view).items()}  # fmt: skip
    return json.dumps(body).encode()


def screen_json(screen: Screen, card: MusicCard, frames: int) -> bytes:
    """The music state, the album column and the words of each box (the next hang too)."""
    album = screen.album
    body = {
        "frames": frames,
        "music_state": card.state.value,
        "album": type(album).__name__,
        "pairing": (
            {"url": album.url, "user_code": album.user_code}
            if isinstance(album, PairingPanel)
            else None
        ),
        "header": dataclasses.asdict(screen.header),
        "music": dataclasses.asdict(screen.music),
        "weather": screen.weather.message or [g.label for g in screen.weather.gauges],
        "crew": screen.crew.message or [c.name for c in screen.crew.chips],
        "clock": screen.time.clock,
        "hang": screen.time.hang,
        "hang_when": screen.time.hang_when,
    }
    return json.dumps(body, ensure_ascii=False).encode()
