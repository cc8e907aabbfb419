"""A load process for the scale-out tests: threads invoking an action over connections, sharing
slots and sessions with every other process through the CONNECTOR_* environment.

    python load_client.py CONFIG.json

CONFIG: {"connections": [...], "action", "inputs", "threads", "calls" (per thread, or until
"stop" exists), "go" (a file to wait for, so processes start together), "report" (a file
written at the end: calls, errors, and the time of each thread's first success)}.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

from connector.core import load_connector


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    connector = load_connector()
    deadline = time.monotonic() + 60
    while config.get("go") and not os.path.exists(config["go"]):
        if time.monotonic() > deadline:
            raise SystemExit("never told to start")
        time.sleep(0.01)
    lock = threading.Lock()
    report = {"calls": 0, "errors": [], "first_success": None, "started": time.time()}

    def work(thread: int) -> None:
        connections = config["connections"]
        for call in range(config.get("calls", 10**9)):
            if config.get("stop") and os.path.exists(config["stop"]):
                return
            connection = connections[(thread + call) % len(connections)]
            try:
                connector.invoke(config["action"], config["inputs"], connection)
            except Exception as exc:  # reported, not raised: the test reads the report
                with lock:
                    report["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
                continue
            with lock:
                report["calls"] += 1
                report["first_success"] = report["first_success"] or time.time()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(config["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(config["report"], "w") as out:
        json.dump(report, out)


if __name__ == "__main__":
    main()
