"""Scale-out at full size: many processes and workers against a sandbox with several companies,
sharing slots, sessions and state through a real redis-server (Debian's package).

- limit: 4 processes x 4 threads over 3 companies at 300 ms a request: the peak in flight per
  company, requests held or refused over the limit, and the rate against the ideal
  (3 companies x 2 slots / 0.3 s);
- crash: the same, with a process holding slots killed (SIGKILL): how long until its slots
  serve another process;
- bulk: 3,000 creates in batches of 20 on 3 Dramatiq workers, without and with two workers
  killed mid-request: records stored, duplicates, and the time against the no-kill run.

    python benchmarks/scale_out.py [--quick]

Prints the figures as JSON; `run()` returns them. Needs redis-server on the PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from connector.intacct.sandbox import Faults, SandboxConfig, running_sandbox
from connector.intacct.sandbox.config import CompanyConfig

ROOT = Path(__file__).resolve().parents[1]
LOAD_CLIENT = ROOT / "tests" / "scale" / "load_client.py"
COMPANIES = ("SANDBOX", "ACME", "GLOBEX")
LATENCY_MS = 300
SLOT_LEASE = 2.0
DEADLINE = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _env(redis_url: str, state: Path) -> dict[str, str]:
    return {**os.environ, "CONNECTOR_COORDINATOR": redis_url,
            "CONNECTOR_SESSION_KEY": Fernet.generate_key().decode(),
            "CONNECTOR_STATE": str(state), "CONNECTOR_BROKER": redis_url[:-1] + "1",
            "CONNECTOR_SLOT_LEASE": str(SLOT_LEASE)}


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _clients(env: dict[str, str], tmp: Path, tag: str, connections: list[dict[str, Any]],
             count: int, threads: int, calls: int | None = None) -> list[subprocess.Popen]:
    processes = []
    for i in range(count):
        config = {"connections": connections, "action": "queryAndList",
                  "inputs": {"objectName": "VENDOR", "field": "RECORDNO"}, "threads": threads,
                  "go": str(tmp / f"{tag}.go"), "stop": str(tmp / f"{tag}.stop"),
                  "report": str(tmp / f"{tag}{i}.json")}
        if calls is not None:
            config["calls"] = calls
        path = tmp / f"{tag}{i}.config.json"
        path.write_text(json.dumps(config))
        processes.append(_spawn([sys.executable, str(LOAD_CLIENT), str(path)], env))
    return processes


def limit(redis_url: str, tmp: Path, calls: int) -> dict[str, Any]:
    config = SandboxConfig(companies=tuple(CompanyConfig(c) for c in COMPANIES[1:]),
                           faults=Faults(latency_ms=LATENCY_MS))
    with running_sandbox(db=":memory:", seed=None, config=config) as sandbox:
        env = _env(redis_url, tmp / "limit.sqlite3")
        connections = [sandbox.connection_for(c) for c in COMPANIES]
        processes = _clients(env, tmp, "limit", connections, 4, 4, calls)
        time.sleep(3)  # every process imported and waiting
        sandbox.stats.reset()
        started = time.perf_counter()
        (tmp / "limit.go").touch()
        for process in processes:
            process.wait(timeout=DEADLINE)
        seconds = time.perf_counter() - started
        stats = sandbox.stats.snapshot()
    done = sum(json.loads((tmp / f"limit{i}.json").read_text())["calls"] for i in range(4))
    ideal = len(COMPANIES) * 2 / (LATENCY_MS / 1000)
    return {"processes": 4, "threads": 4, "companies": len(COMPANIES),
            "latency_ms": LATENCY_MS, "calls": done, "seconds": round(seconds, 2),
            "rate": round(done / seconds, 1), "ideal_rate": ideal,
            "share_of_ideal": round(done / seconds / ideal, 3),
            "sign_ins": stats["sessions_created"], "per_company": stats["companies"]}


def crash(redis_url: str, tmp: Path) -> dict[str, Any]:
    config = SandboxConfig(companies=(CompanyConfig("GLOBEX"),),
                           faults=Faults(latency_ms=LATENCY_MS))
    with running_sandbox(db=":memory:", seed=None, config=config) as sandbox:
        env = _env(redis_url, tmp / "crash.sqlite3")
        globex = [sandbox.connection_for("GLOBEX")]
        (tmp / "victim.go").touch()
        victim = _clients(env, tmp, "victim", globex, 1, 4)[0]
        rescuer = _clients(env, tmp, "rescuer", globex, 1, 1, calls=2)[0]
        deadline = time.monotonic() + 60
        while sandbox.stats.snapshot()["requests"] < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        _kill(victim)
        killed = time.time()
        (tmp / "rescuer.go").touch()
        rescuer.wait(timeout=DEADLINE)
        stats = sandbox.stats.snapshot()["companies"]["GLOBEX"]
    rescued = json.loads((tmp / "rescuer0.json").read_text())
    return {"slot_lease_s": SLOT_LEASE, "slot_back_after_s":
            round(rescued["first_success"] - killed - LATENCY_MS / 1000, 2),
            "globex": stats, "errors": len(rescued["errors"])}


def bulk(redis_url: str, tmp: Path, records: int, kills: int) -> dict[str, Any]:
    with running_sandbox(db=":memory:", seed=None,
                         config=SandboxConfig(faults=Faults(latency_ms=150))) as sandbox:
        connections = tmp / f"connections{kills}.json"
        connections.write_text(json.dumps({"sandbox": sandbox.connection}))
        connections.chmod(0o600)
        env = {**_env(redis_url, tmp / f"bulk{kills}.sqlite3"),
               "CONNECTOR_CONNECTIONS": str(connections)}
        workers = [_spawn([sys.executable, "-m", "connector.cli", "worker", "--threads", "2"],
                          env) for _ in range(3)]
        source = tmp / "vendors.jsonl"
        source.write_text("".join(json.dumps({"vendorId": f"SO-{i:05d}",
                                              "vendorName": f"Scale {i}"}) + "\n"
                                  for i in range(records)))
        time.sleep(3)  # the workers are up
        started = time.perf_counter()
        producer = subprocess.Popen(
            [sys.executable, "-m", "connector.cli", "bulk", "createVendor", "--input",
             str(source), "--dispatch", "dramatiq", "--connection-name", "sandbox",
             "--batch-size", "20", "--wait-seconds", str(DEADLINE)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if kills:
            while sandbox.store.count("VENDOR") < records // 3:
                time.sleep(0.05)
            for worker in workers[:kills]:
                _kill(worker)
        output, _ = producer.communicate(timeout=DEADLINE)
        seconds = time.perf_counter() - started
        stored = [r["VENDORID"] for r in sandbox.store.all("VENDOR")]
        stats = sandbox.stats.snapshot()["companies"]["SANDBOX"]
        for worker in workers:
            _kill(worker)
    results = [json.loads(line) for line in output.decode().splitlines()]
    return {"records": records, "workers": 3, "killed": kills, "seconds": round(seconds, 2),
            "ok": sum(r["status"] == "success" for r in results), "stored": len(stored),
            "duplicates": len(stored) - len(set(stored)), "company": stats}


def run(quick: bool = False) -> dict[str, Any]:
    records = 600 if quick else 3000
    with tempfile.TemporaryDirectory() as tmp, redis_server() as url:
        path = Path(tmp)
        figures = {"limit": limit(url, path, calls=5 if quick else 20),
                   "crash": crash(url, path),
                   "bulk": bulk(url, path, records, kills=0)}
        figures["bulk_killed"] = bulk(url, path, records, kills=2)
    figures["bulk_killed"]["vs_no_kill"] = round(
        figures["bulk_killed"]["seconds"] / figures["bulk"]["seconds"], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    print(json.dumps(run(parser.parse_args().quick), indent=2))
