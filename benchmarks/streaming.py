"""B3: queryAndList over 100,000 sandbox records, streamed page by page.

The sandbox runs in its own process; each reader runs in a fresh process whose resident memory
(VmHWM, followed in /proc) is recorded reading 100,000 records and reading 100. The goal is on
the whole process's peak, which is what a worker must be given; the growth between the two runs
is what the records themselves cost. Both readers a user has are measured: the Python API
(Connector.iter_records) and the CLI as JSON lines. Where the memory goes is measured too: the
resident memory each package adds as a fresh process imports what the reader imports.

    python benchmarks/streaming.py [--records 100000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from footprint import footprint
from harness import HERE, status_kb
from sandboxes import add_vendors, sandbox_process

from connector.intacct.sandbox import DEFAULT_CONNECTION

SMALL = 100
ALL = ""  # queryAndList with no query lists every record
# What each reader's process imports first: the footprint follows these.
ROOTS = {"api": "connector.core", "cli": "connector.cli"}


def run(records: int = 100_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "b3.sqlite3")
        add_vendors(db, records)
        with sandbox_process(db) as url:
            connection = Path(tmp) / "connection.json"
            connection.write_text(json.dumps(dict(
                DEFAULT_CONNECTION, endpointUrl=url, allowedEndpointHosts=["127.0.0.1"])))
            small_query = f"VENDORID < 'BV-{SMALL:06d}'"
            figures: dict[str, Any] = {"records": records}
            for reader in ("api", "cli"):
                few = _read(reader, connection, small_query)
                many = _read(reader, connection, ALL)
                if many["count"] != records or few["count"] != SMALL:
                    raise RuntimeError(f"{reader} read {many['count']} and {few['count']}")
                figures[reader] = {
                    "seconds": round(many["seconds"], 1),
                    "records_per_second": round(records / many["seconds"]),
                    "whole_mb": round(many["peak_mb"], 1),
                    "peak_mb_100": round(few["peak_mb"], 1),
                    "growth_mb": round(many["peak_mb"] - few["peak_mb"], 1),
                }
    figures["footprint_mb"] = {reader: footprint(root) for reader, root in ROOTS.items()}
    return figures


def _read(reader: str, connection: Path, query: str) -> dict[str, Any]:
    """Run one reader in a fresh process: records read, seconds, its peak resident memory."""
    if reader == "api":
        command = [sys.executable, str(HERE / "reader.py"), str(connection), query]
    else:
        command = [str(Path(sys.executable).with_name("connector")), "run", "queryAndList",
                   "--connection", str(connection), "--set", "objectName=VENDOR",
                   "--set", f"query={query}", "--jsonl"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = _PeakWatcher(process.pid)
    if reader == "cli":
        count = sum(1 for _ in process.stdout)
    else:
        count = json.loads(process.stdout.read() or b"{}").get("count", 0)
    process.wait(timeout=60)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{reader} failed: {process.stderr.read().decode()[-2000:]}")
    return {"count": count, "seconds": seconds, "peak_mb": peak.stop() / 1024}


class _PeakWatcher(threading.Thread):
    """Follows a child's VmHWM in /proc until it exits.

    wait4's ru_maxrss would do, but Linux carries the parent's resident size into a child's
    maxrss across fork and exec, which would hide a child smaller than this (large) parent.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb = pid, 0
        self._done = threading.Event()
        self.start()

    def run(self) -> None:
        while not self._done.is_set():
            try:
                self.peak_kb = max(self.peak_kb, status_kb("VmHWM", self.pid))
            except (OSError, StopIteration):
                return  # the process is gone (or a zombie with no memory left)
            self._done.wait(0.02)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak_kb


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    print(json.dumps(run(parser.parse_args().records), indent=2))
