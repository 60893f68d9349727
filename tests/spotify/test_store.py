"""Token stores: one contract for both; the file store's mode and crash safety."""

from __future__ import annotations

import os
import random
import signal
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from leeloo.core.tokens import TokenSet
from leeloo.spotify.errors import TokenStoreError
from leeloo.spotify.store import FileTokenStore, MemoryTokenStore, TokenStore, write_atomic

T = 1_767_225_600.0


def token_set(n: int, size: int = 4000) -> TokenSet:
    # Long tokens (they have grown before), tagged with n so a torn mix would show.
    return TokenSet(f"a{n}-" + "x" * size, f"r{n}-" + "y" * size, T + n, T, "s")


def memory(tmp_path: Path) -> TokenStore:
    return MemoryTokenStore()


def file(tmp_path: Path) -> TokenStore:
    return FileTokenStore(tmp_path / "deep" / "dir" / "tokens.json")


@pytest.fixture(params=[memory, file])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> TokenStore:
    make: Callable[[Path], TokenStore] = request.param
    return make(tmp_path)


def test_contract(any_store: TokenStore) -> None:
    assert any_store.load() is None
    any_store.save(token_set(1))
    assert any_store.load() == token_set(1)
    any_store.save(token_set(2))
    assert any_store.load() == token_set(2)
    any_store.clear()
    assert any_store.load() is None
    any_store.clear()  # clearing nothing is fine


def test_the_file_is_private_and_no_temp_file_stays(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(token_set(1))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["tokens.json"]


def test_a_damaged_file_is_an_error_not_a_login(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    for content in (b"{", b"[]", b'{"access_token": "a"}'):
        store.path.write_bytes(content)
        with pytest.raises(TokenStoreError, match="does not hold a token set"):
            store.load()


def test_unreadable_and_unwritable(tmp_path: Path) -> None:
    (tmp_path / "tokens.json").mkdir()
    store = FileTokenStore(tmp_path / "tokens.json")
    with pytest.raises(TokenStoreError, match="cannot read"):
        store.load()
    with pytest.raises(TokenStoreError, match="cannot write"):
        store.save(token_set(1))
    with pytest.raises(TokenStoreError, match="cannot remove"):
        store.clear()
    assert sorted(os.listdir(tmp_path)) == ["tokens.json"]  # the failed temp file is gone


def test_a_write_by_another_writer_is_seen_at_once(tmp_path: Path) -> None:
    reader = FileTokenStore(tmp_path / "tokens.json")
    writer = FileTokenStore(tmp_path / "tokens.json")  # e.g. `leeloo device --once`
    writer.save(token_set(1))
    assert reader.load() == token_set(1)
    writer.save(token_set(2))
    assert reader.load() == token_set(2)
    writer.clear()
    assert reader.load() is None


def test_an_unchanged_file_is_not_parsed_again(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(token_set(1))
    assert store.load() == token_set(1)
    info = store.path.stat()
    # Same inode, size and mtime, different bytes: only a re-read would notice.
    raw = store.path.read_bytes()
    store.path.write_bytes(raw.replace(b"a1-", b"a9-"))
    os.utime(store.path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert store.load() == token_set(1)


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    write_atomic(path, b"old")
    with pytest.raises(TypeError):
        write_atomic(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f"]


def test_a_kill_at_any_instant_never_leaves_an_unreadable_file(tmp_path: Path) -> None:
    """200 writer processes, each SIGKILLed at a random point of its writing loop."""
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(token_set(0))
    rng = random.Random(20260101)
    for round_ in range(200):
        readable, writable = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer: save new sets until killed
            os.close(readable)
            n = round_ * 10_000
            while True:
                n += 1
                store.save(token_set(n))
                os.write(writable, b".")
        os.close(writable)
        os.read(readable, rng.randint(1, 3))  # let it get going (1 to 3 saves done)
        for _ in range(rng.randrange(30_000)):  # then a random moment: a spin, not a sleep
            pass
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(readable)
        tokens = store.load()
        assert tokens is not None
        n = int(tokens.access_token[1:].split("-")[0])
        assert tokens == token_set(n)
    strays = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    # Kills landed mid-write (the temp file was left behind) and the file still read back.
    assert strays
