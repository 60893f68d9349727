from __future__ import annotations

import os
from pathlib import Path

from leeloo.device.artcache import ArtCache


def test_put_get_and_layout_version_in_the_key(tmp_path: Path) -> None:
    cache = ArtCache(tmp_path, limit_bytes=1000, layout_version=1)
    cache.put("http://img/a", b"A" * 10)
    assert cache.get("http://img/a") == b"A" * 10
    assert cache.get("http://img/b") is None
    newer_layout = ArtCache(tmp_path, limit_bytes=1000, layout_version=2)
    assert newer_layout.get("http://img/a") is None  # never a stale image after a layout change
    assert cache.key("u") != newer_layout.key("u")


def test_least_recently_used_is_evicted_first(tmp_path: Path) -> None:
    cache = ArtCache(tmp_path, limit_bytes=300)
    for name in "abc":
        cache.put(f"http://img/{name}", name.encode() * 100)
    assert cache.get("http://img/a") is not None  # a is now the most recent
    cache.put("http://img/d", b"d" * 100)
    assert cache.get("http://img/b") is None
    assert {cache.get(f"http://img/{n}") is not None for n in "acd"} == {True}
    assert cache.total_bytes == 300
    assert len(list(tmp_path.iterdir())) == 3


def test_too_big_is_not_cached(tmp_path: Path) -> None:
    cache = ArtCache(tmp_path, limit_bytes=10)
    cache.put("u", b"x" * 11)
    assert cache.get("u") is None


def test_order_and_limit_survive_a_restart_and_temp_files_are_cleaned(tmp_path: Path) -> None:
    cache = ArtCache(tmp_path, limit_bytes=1000)
    for i, name in enumerate("abc"):
        cache.put(name, b"." * 100)
        path = tmp_path / f"{cache.key(name)}.img"
        os.utime(path, ns=(i * 10**9, i * 10**9))  # a oldest, c newest
    (tmp_path / ".tmp-leftover").write_bytes(b"half")
    smaller = ArtCache(tmp_path, limit_bytes=200)
    assert smaller.get("a") is None
    assert smaller.get("b") == b"." * 100
    assert not (tmp_path / ".tmp-leftover").exists()


def test_a_file_deleted_behind_the_cache_is_a_miss(tmp_path: Path) -> None:
    cache = ArtCache(tmp_path)
    cache.put("u", b"data")
    (tmp_path / f"{cache.key('u')}.img").unlink()
    assert cache.get("u") is None
    assert cache.total_bytes == 0
