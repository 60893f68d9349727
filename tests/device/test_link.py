"""The device link's parts: reconnect delays, the 0600 credential file."""

from __future__ import annotations

import itertools
import stat
from pathlib import Path

from leeloo.device.link import CredentialFile, Credentials, backoff


def test_backoff_grows_to_its_cap_with_full_jitter() -> None:
    top = list(itertools.islice(backoff(1.0, 2.0, 10.0, jitter=lambda: 1.0), 6))
    assert top == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert list(itertools.islice(backoff(jitter=lambda: 0.0), 3)) == [0.0, 0.0, 0.0]


def test_credentials_are_stored_0600_and_masked(tmp_path: Path) -> None:
    store = CredentialFile(tmp_path / "state" / "relay.json")
    assert store.load() is None
    store.save(Credentials("dev_1", "s3cret"))
    assert store.load() == Credentials("dev_1", "s3cret")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert "s3cret" not in repr(store.load())
    store.path.write_text("{broken")
    assert store.load() is None
    store.clear()
    assert not store.path.exists()
