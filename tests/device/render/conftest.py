"""Golden images: pixel-exact comparison, the actual image saved on a mismatch.

Regenerate on purpose with `LEELOO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/device/render`,
then look at every changed PNG before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
ACTUAL = GOLDEN / "_actual"


def assert_golden(image: Image.Image, name: str) -> None:
    expected_path = GOLDEN / f"{name}.png"
    if os.environ.get("LEELOO_UPDATE_GOLDEN") == "1":
        image.save(expected_path)
        return
    problem = ""
    if not expected_path.exists():
        problem = "no golden image yet"
    else:
        with Image.open(expected_path) as stored:
            expected = stored.convert("RGB")
        if expected.size != image.size:
            problem = f"size {image.size} != {expected.size}"
        else:
            box = ImageChops.difference(expected, image.convert("RGB")).getbbox()
            problem = f"pixels differ in {box}" if box else ""
    if problem:
        ACTUAL.mkdir(exist_ok=True)
        actual_path = ACTUAL / f"{name}.png"
        image.save(actual_path)
        print(f"golden mismatch for {name}: actual image saved at {actual_path}")
        pytest.fail(f"{name}: {problem}; actual image saved at {actual_path}")


@pytest.fixture
def golden() -> Callable[[Image.Image, str], None]:
    return assert_golden
