"""A cache of checked manifests, keyed by the contents of every file the check read.

Checking a manifest (the manifest schema, every input schema, every template compiled by its
protocol) is most of a CLI command's start-up time, and its result depends only on those files,
on the code that checks them and on which protocols and filters the plugins registered. An entry
records a digest of each file it depends on, so an edit to any of them is a miss. Entries are
JSON in the platform's cache directory (owner-only), never code; a broken or unreadable entry is
a miss too. `CONNECTOR_MANIFEST_CACHE=0` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

FORMAT = 2
SWITCH = "CONNECTOR_MANIFEST_CACHE"
# Entries kept: each edit of a manifest or its files writes a new one, and an old one is a
# miss forever after; the most recently written are kept, the rest removed.
KEEP = 32


def cache_dir() -> Path:
    """Where entries live: the platform's user cache directory for this package."""
    import platformdirs  # only when the cache is used

    return Path(platformdirs.user_cache_dir("lowcode-connector")) / "manifests"


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(SWITCH, "1").strip().lower() not in {"0", "false", "no", "off"}


def digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def entry_key(manifest: bytes, salt: Iterable[str]) -> str:
    """The entry's name: the manifest's bytes and everything else the check depends on."""
    hasher = hashlib.sha256(f"format {FORMAT}\n".encode())
    for part in salt:
        hasher.update(part.encode("utf-8", "surrogateescape") + b"\0")
    hasher.update(manifest)
    return hasher.hexdigest()


def stamp(path: Path) -> list[int] | None:
    """Size and modification time: when both are as recorded, the contents are taken to be
    (git's index makes the same bet); otherwise the contents are compared."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def load(key: str) -> dict[str, Any] | None:
    """The cached data, when every file it depends on still has the recorded contents."""
    try:
        entry = json.loads((cache_dir() / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return None
    depends = entry.get("depends")
    if not isinstance(depends, dict) or not all(_unchanged(Path(path), recorded)
                                                for path, recorded in depends.items()):
        return None
    return entry.get("data")


def _unchanged(path: Path, recorded: Any) -> bool:
    if not isinstance(recorded, list) or len(recorded) != 2:
        return False
    return stamp(path) == recorded[1] or digest(path) == recorded[0]


def store(key: str, data: Mapping[str, Any], files: Iterable[Path]) -> None:
    """Write an entry atomically; a cache that cannot be written is simply not used."""
    depends = {str(path): [digest(path), stamp(path)] for path in sorted(set(files))}
    try:  # a manifest may hold what JSON cannot (a YAML date): then it is not cached
        text = json.dumps({"format": FORMAT, "depends": depends, "data": data})
    except (TypeError, ValueError):
        return
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, directory / f"{key}.json")
        _evict(directory)
    except OSError:
        return


def _evict(directory: Path) -> None:
    """Remove all but the KEEP most recently written entries."""
    def written(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:  # removed meanwhile (another process evicting)
            return 0.0

    entries = sorted(directory.glob("*.json"), key=written, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)
