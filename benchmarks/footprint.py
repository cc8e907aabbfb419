"""Where a process's resident memory goes: the MB each package adds as it is imported.

A fresh process starts from the bare interpreter, imports each third-party package in the order
`root` first needs them (with whatever each brings that is not there yet), then `root` itself
(the connector's own modules and the rest of the standard library), then loads the connector
(manifest, schemas, templates). A package shared by two is counted once, for the first. This
module imports nothing but the standard library, so its first figure is the interpreter's.

    python benchmarks/footprint.py connector.cli
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys


def footprint(root: str) -> dict[str, float]:
    """MB by package for a process that imports `root` and loads the connector."""
    done = subprocess.run([sys.executable, __file__, root], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def _measure(root: str) -> dict[str, float]:
    rows = {"python": _rss_mb()}
    probe = (f"import json, sys, {root}; from connector.core import load_connector; "
             "load_connector(); print(json.dumps(list(sys.modules)))")
    imported = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True,
                                         text=True, timeout=60, check=True).stdout)
    for name in imported:  # in the order they were first imported
        package = name.split(".")[0]
        if package in sys.stdlib_module_names or package == "connector" or name in sys.modules:
            continue
        before = _rss_mb()
        try:
            importlib.import_module(name)
        except ImportError:
            continue  # a name a C extension registers, not a module (cython_runtime)
        rows[package] = rows.get(package, 0.0) + _rss_mb() - before
    before = _rss_mb()
    importlib.import_module(root)
    rows["connector (and more of the standard library)"] = _rss_mb() - before
    from connector.core import load_connector

    before = _rss_mb()
    load_connector()
    rows["load_connector()"] = _rss_mb() - before
    rows["total"] = _rss_mb()
    return {name: round(mb, 1) for name, mb in rows.items()}


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


if __name__ == "__main__":
    print(json.dumps(_measure(sys.argv[1])))
