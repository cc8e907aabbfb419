"""Load on the HTTP service: concurrent clients invoking getVendor through it.

An in-memory demo sandbox, the service in front of it (create_app + serving, on loopback), and
`clients` threads, each with its own requests.Session, calling
POST /actions/getVendor/invoke for RECORDNO 4001-4005 round-robin until `duration_s` has
passed. Every answer is checked: HTTP 200 and the vendor that was asked for. Clients, service
and sandbox share one process (and its GIL), so the throughput is a floor, not a ceiling.

    python benchmarks/service_load.py [--seconds 60] [--clients 50]

Prints the result as JSON; import and call ``run()`` for the dict. Writes no files.
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import threading
import time
from collections import Counter
from typing import Any

import requests

from connector.core import load_connector
from connector.intacct.sandbox import running_sandbox
from connector.service import create_app, serving

RECORDNOS = ("4001", "4002", "4003", "4004", "4005")


def run(duration_s: float = 60, clients: int = 50) -> dict[str, Any]:
    """Counts, errors by status, throughput, latency percentiles and the gateway's view."""
    token = secrets.token_urlsafe(32)
    connector = load_connector()
    try:
        with running_sandbox(db=":memory:", seed="demo") as sandbox:
            app = create_app(connector, {"sandbox": sandbox.connection}, token)
            with serving(app) as url:
                sandbox.stats.reset()
                outcomes, latencies, elapsed = _drive(f"{url}/actions/getVendor/invoke", token,
                                                      duration_s, clients)
            gateway = sandbox.stats.snapshot()
    finally:
        connector.close()
    completed = sum(outcomes.values())
    errors = {k: v for k, v in outcomes.items() if k != "ok"}
    latencies.sort()
    return {
        "clients": clients,
        "duration_s": round(elapsed, 2),
        "requests": completed,
        "ok": outcomes["ok"],
        "errors": sum(errors.values()),
        "errors_by_status": errors,
        "non_200": sum(v for k, v in errors.items() if k != "wrong_vendor"),
        "throughput_rps": round(completed / elapsed, 1),
        "latency_ms": {name: round(_percentile(latencies, q) * 1000, 1)
                       for name, q in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))},
        "gateway": {
            "requests": gateway["requests"],
            "http_status": gateway["http_status"],
            "functions": gateway["functions"],
            "sessions_created": gateway["sessions_created"],
            "refused_429": gateway["http_status"].get(429, 0),
            # beyond one request per invoke: logins, retries after refusals ("too many
            # operations", 429) would show here
            "extra_requests": gateway["requests"] - completed,
        },
    }


def _drive(url: str, token: str, duration_s: float, clients: int
           ) -> tuple[Counter[str], list[float], float]:
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = 0.0

    def client(index: int) -> None:
        mine: Counter[str] = Counter()
        timings: list[float] = []
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            start.wait()
            call = index
            while time.monotonic() < deadline:
                recordno = RECORDNOS[call % len(RECORDNOS)]
                call += 1
                began = time.perf_counter()
                try:
                    response = http.post(url, json={"inputs": {"recordNo": recordno}},
                                         timeout=60)
                except requests.RequestException as exc:
                    mine[type(exc).__name__] += 1
                    continue
                timings.append(time.perf_counter() - began)
                mine[_outcome(response, recordno)] += 1
        with lock:
            outcomes.update(mine)
            latencies.extend(timings)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline = began + duration_s
    start.wait()
    for thread in threads:
        thread.join()
    outcomes.setdefault("ok", 0)
    return outcomes, latencies, time.monotonic() - began


def _outcome(response: requests.Response, recordno: str) -> str:
    if response.status_code != 200:
        return str(response.status_code)
    records = response.json()["data"]["_data"]
    return "ok" if [r["RECORDNO"] for r in records] == [recordno] else "wrong_vendor"


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(run(args.seconds, args.clients), indent=2))
