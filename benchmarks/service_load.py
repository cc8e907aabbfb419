"""Load on the HTTP service: clients invoking getVendor through `connector serve`.

Each part runs in a process of its own, as in production: the sandbox gateway (in memory, demo
company), the service (`connector serve` with an owner-only connections file and token file),
and every client. Each client keeps one HTTP session alive and calls
POST /actions/getVendor/invoke for RECORDNO 4001-4005 round-robin until `duration_s` has
passed, after one warm-up call that is not counted. Every answer is checked: HTTP 200 and the
vendor that was asked for. With one client, the same calls are also timed through the Python
API against the same sandbox, to show what the HTTP layer adds.

    python benchmarks/service_load.py [--seconds 60] [--clients 50]

Prints the result as JSON; import and call ``run()`` for the dict. Writes no files outside a
temporary directory.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import queue
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import requests

RECORDNOS = ("4001", "4002", "4003", "4004", "4005")
START_SECONDS = 60  # for a process to start (fifty clients start on two shared cores)
SERVING = re.compile(r"serving (http://\S+)")


def run(duration_s: float = 60, clients: int = 50) -> dict[str, Any]:
    """Counts, errors by status, throughput, latency percentiles and the gateway's view."""
    # Each client is forked from a server process that has imported this module (and so
    # requests): fifty clients start quickly, and none inherits this process's threads.
    processes = multiprocessing.get_context("forkserver")
    processes.set_forkserver_preload([__name__])
    token = secrets.token_urlsafe(32)
    with sandbox_process(processes) as (sandbox, connection), \
            service_process(connection, token) as url:
        outcomes, latencies, elapsed = _drive(processes, f"{url}/actions/getVendor/invoke", token,
                                              duration_s, clients, on_start=sandbox.reset)
        gateway = sandbox.stats()
        direct = _python_api(connection, duration_s) if clients == 1 else None
    result = _summary(clients, outcomes, latencies, elapsed)
    result["gateway"] = {
        "requests": gateway["requests"],
        "http_status": gateway["http_status"],
        "functions": gateway["functions"],
        "sessions_created": gateway["sessions_created"],
        "refused_429": gateway["http_status"].get(429, 0),
        # beyond one request per invoke: logins, retries after refusals ("too many
        # operations", 429) would show here
        "extra_requests": gateway["requests"] - result["requests"],
    }
    if direct is not None:
        result["python_api"] = direct
    return result


class _SandboxControl:
    """The parent's end of the sandbox process: reset and read its request counts."""

    def __init__(self, pipe: Connection) -> None:
        self._pipe = pipe

    def reset(self) -> None:
        self._ask("reset")

    def stats(self) -> dict[str, Any]:
        return self._ask("stats")

    def _ask(self, command: str) -> Any:
        self._pipe.send(command)
        if not self._pipe.poll(START_SECONDS):
            raise RuntimeError(f"the sandbox did not answer {command!r}")
        return self._pipe.recv()


@contextmanager
def sandbox_process(processes: Any) -> Iterator[tuple[_SandboxControl, dict[str, Any]]]:
    """The demo sandbox in a process of its own; yields its control and a connection to it."""
    parent, child = processes.Pipe()
    process = processes.Process(target=_serve_sandbox, args=(child,), name="sandbox", daemon=True)
    process.start()
    try:
        if not parent.poll(START_SECONDS):
            raise RuntimeError("the sandbox did not start")
        yield _SandboxControl(parent), parent.recv()
    finally:
        parent.close()  # the sandbox stops when its pipe closes
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


def _serve_sandbox(pipe: Connection) -> None:
    # Imported here: every client process imports this module and needs requests only.
    from connector.intacct.sandbox import running_sandbox

    with running_sandbox(db=":memory:", seed="demo") as sandbox:
        pipe.send(sandbox.connection)
        try:
            while True:
                command = pipe.recv()
                if command == "reset":
                    sandbox.stats.reset()
                pipe.send(sandbox.stats.snapshot())
        except EOFError:
            pass


@contextmanager
def service_process(connection: dict[str, Any], token: str) -> Iterator[str]:
    """`connector serve` on a free loopback port with this one connection; yields its URL."""
    with tempfile.TemporaryDirectory() as folder:
        files = {"connections.json": json.dumps({"sandbox": connection}),
                 "service.token": token}
        for name, text in files.items():
            descriptor = os.open(Path(folder, name), os.O_WRONLY | os.O_CREAT, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
        log_path = Path(folder, "service.log")
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(Path(sys.executable).with_name("connector")), "serve", "--port", "0",
                 "--connections", str(Path(folder, "connections.json")),
                 "--token-file", str(Path(folder, "service.token"))],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            yield _served_url(server, log_path)
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _served_url(server: subprocess.Popen[bytes], log_path: Path) -> str:
    """The URL the service prints once it listens."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        found = SERVING.search(log_path.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(1)
        time.sleep(0.05)
    raise RuntimeError("the service did not start:\n"
                       + log_path.read_text(encoding="utf-8", errors="replace")[-2000:])


def _drive(processes: Any, url: str, token: str, duration_s: float, clients: int, *,
           on_start: Callable[[], None]) -> tuple[Counter[str], list[float], float]:
    """Start the clients, call `on_start` once all are warm, then let them run."""
    ready = processes.Barrier(clients + 1)
    go = processes.Event()
    results = processes.Queue()
    started = [processes.Process(target=_client, name=f"client-{index}", daemon=True,
                               args=(url, token, index, duration_s, ready, go, results))
                 for index in range(clients)]
    for process in started:
        process.start()
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    try:
        ready.wait(START_SECONDS)
        on_start()
        began = time.monotonic()
        go.set()
        deadline = began + duration_s + START_SECONDS
        for _ in started:
            mine, timings = results.get(timeout=max(0.0, deadline - time.monotonic()))
            outcomes.update(mine)
            latencies.extend(timings)
        elapsed = time.monotonic() - began
    except (queue.Empty, threading.BrokenBarrierError):
        raise RuntimeError("a client process did not start or did not report") from None
    finally:
        for process in started:
            process.join(10)
            if process.is_alive():
                process.kill()
    outcomes.setdefault("ok", 0)
    return outcomes, latencies, elapsed


def _client(url: str, token: str, index: int, duration_s: float, ready: Any, go: Any,
            results: Any) -> None:
    """One client process: a warm-up call, then calls until the time is up."""
    outcomes: Counter[str] = Counter()
    timings: list[float] = []
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        http.post(url, json={"inputs": {"recordNo": RECORDNOS[0]}}, timeout=60)
        ready.wait(START_SECONDS)
        if not go.wait(START_SECONDS):
            return
        deadline = time.monotonic() + duration_s
        call = index
        while time.monotonic() < deadline:
            recordno = RECORDNOS[call % len(RECORDNOS)]
            call += 1
            began = time.perf_counter()
            try:
                response = http.post(url, json={"inputs": {"recordNo": recordno}}, timeout=60)
            except requests.RequestException as exc:
                outcomes[type(exc).__name__] += 1
                continue
            timings.append(time.perf_counter() - began)
            outcomes[_outcome(response, recordno)] += 1
    results.put((dict(outcomes), timings))


def _python_api(connection: dict[str, Any], duration_s: float) -> dict[str, Any]:
    """The same calls through `Connector.invoke` in this process, against the same sandbox."""
    # Imported here, like the sandbox: client processes import this module too.
    from connector.core import load_connector

    connector = load_connector()
    try:
        connector.invoke("getVendor", {"recordNo": RECORDNOS[0]}, connection)  # warm-up
        timings = []
        call = 0
        began = time.monotonic()
        while time.monotonic() < began + duration_s:
            recordno = RECORDNOS[call % len(RECORDNOS)]
            call += 1
            started = time.perf_counter()
            output = connector.invoke("getVendor", {"recordNo": recordno}, connection)
            timings.append(time.perf_counter() - started)
            if [r["RECORDNO"] for r in output["data"]["_data"]] != [recordno]:
                raise RuntimeError(f"the Python API returned the wrong vendor for {recordno}")
        elapsed = time.monotonic() - began
    finally:
        connector.close()
    timings.sort()
    return {"requests": len(timings), "throughput_rps": round(len(timings) / elapsed, 1),
            "latency_ms": _percentiles(timings)}


def _summary(clients: int, outcomes: Counter[str], latencies: list[float], elapsed: float
             ) -> dict[str, Any]:
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
        "latency_ms": _percentiles(latencies),
    }


def _outcome(response: requests.Response, recordno: str) -> str:
    if response.status_code != 200:
        return str(response.status_code)
    records = response.json()["data"]["_data"]
    return "ok" if [r["RECORDNO"] for r in records] == [recordno] else "wrong_vendor"


def _percentiles(ordered: list[float]) -> dict[str, float]:
    """p50, p90, p99 and max in milliseconds, nearest-rank, of an ascending list."""
    def at(q: float) -> float:
        if not ordered:
            return 0.0
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]

    return {name: round(at(q) * 1000, 2)
            for name, q in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(run(args.seconds, args.clients), indent=2))
