"""Figures for docs/reliability.md: the runtime against the sandbox's fault modes.

Run: .venv/bin/python benchmarks/reliability.py
"""

from __future__ import annotations

import platform
import threading
import time

from connector.bulk import run_bulk
from connector.core import load_connector
from connector.intacct.sandbox import SandboxConfig, running_sandbox

RETRY = {"max_retries": 8, "delay_ms": 20, "max_delay_ms": 200}


def _bulk(name: str, count: int, batch: int, setup) -> dict:
    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        connector.invoke("getVendor", {"recordNo": "1"}, sandbox.connection)
        setup(sandbox.faults)
        started = time.perf_counter()
        results = list(run_bulk(connector, "createVendor",
                                [{"vendorId": f"R-{i:05d}", "vendorName": f"v{i}"}
                                 for i in range(count)],
                                sandbox.connection, batch_size=batch, retry=RETRY))
        seconds = time.perf_counter() - started
        stats = sandbox.stats.snapshot()
        ids = [r["VENDORID"] for r in sandbox.store.all("VENDOR")]
    connector.close()
    return {
        "scenario": name, "records": count,
        "ok": sum(r["status"] == "success" for r in results),
        "stored": len(ids), "duplicates": len(ids) - len(set(ids)),
        "already_applied": sum(bool(r.get("data", {}).get("_alreadyApplied"))
                               for r in results),
        "requests": stats["requests"], "faulted": sum(
            n for code, n in stats["http_status"].items() if code != 200),
        "sessions": stats["sessions_created"], "seconds": round(seconds, 2),
    }


def _parallel() -> dict:
    connector = load_connector()
    config = SandboxConfig(max_concurrent=2, hold_seconds=0.3)
    with running_sandbox(db=":memory:", seed=None, config=config) as sandbox:
        sandbox.faults.latency_ms = 150
        failures = []

        def call(i: int) -> None:
            try:
                connector.invoke("createVendor", {"vendorName": f"p{i}"}, sandbox.connection,
                                 max_retries=0)
            except Exception as exc:  # counted, not raised
                failures.append(exc)

        started = time.perf_counter()
        threads = [threading.Thread(target=call, args=(i,)) for i in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        ids = [r["NAME"] for r in sandbox.store.all("VENDOR")]
        stats = sandbox.stats.snapshot()
    connector.close()
    return {"scenario": "10 parallel creates, gateway limit 2, hold 0.3 s, 150 ms latency",
            "records": 10, "ok": 10 - len(failures), "stored": len(ids),
            "duplicates": len(ids) - len(set(ids)), "already_applied": 0,
            "requests": stats["requests"],
            "faulted": sum(n for code, n in stats["http_status"].items() if code != 200),
            "sessions": stats["sessions_created"], "seconds": round(seconds, 2)}


def main() -> None:
    def seeded(**settings):
        def apply(faults):
            for key, value in settings.items():
                setattr(faults, key, value)
            faults.reseed(7)
        return apply

    rows = [
        _bulk("1,000 creates, 20% HTTP 503 before work", 1000, 25, seeded(fail_rate=0.2)),
        _bulk("400 creates, 15% 524 after commit + 15% dropped connections", 400, 20,
              seeded(lost_response_rate=0.15, drop_rate=0.15)),
        _bulk("300 creates, sessions expired twice mid-run", 300, 20,
              lambda f: setattr(f, "sequence", ["ok"] * 5 + ["expire"] + ["ok"] * 5
                                + ["expire"])),
        _parallel(),
    ]
    print(f"machine: {platform.platform()}, python {platform.python_version()}")
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")


if __name__ == "__main__":
    main()
