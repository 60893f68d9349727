"""Every state of the screen against its golden PNG (tests/golden/<state>.png)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image

from leeloo.testing.screens import render, samples

SAMPLES = samples()


@pytest.mark.parametrize("state", sorted(SAMPLES))
def test_state_looks_like_its_golden(
    state: str, golden: Callable[[Image.Image, str], None]
) -> None:
    image = render(SAMPLES[state])
    assert image.size == (480, 320)
    golden(image, state)
