"""The manifest cache keeps its most recent entries and no more."""

from __future__ import annotations

import os

from connector import manifestcache


def test_only_the_most_recently_written_entries_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    depends_on = tmp_path / "manifest.yaml"
    depends_on.write_text("connector: {}\n")
    keys = [f"{n:064x}" for n in range(manifestcache.KEEP + 5)]
    for order, key in enumerate(keys):  # written in this order, one second apart
        manifestcache.store(key, {"n": key}, [depends_on])
        os.utime(manifestcache.cache_dir() / f"{key}.json", (1_000_000 + order,) * 2)
    kept = sorted(path.stem for path in manifestcache.cache_dir().glob("*.json"))
    assert kept == keys[-manifestcache.KEEP:]
    assert manifestcache.load(keys[-1]) == {"n": keys[-1]}
    assert manifestcache.load(keys[0]) is None
