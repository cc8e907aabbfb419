"""Many processes, one company limit, one sign-in per connection, bulk on Dramatiq: against a
real redis-server and a sandbox with three companies. Figures at full size are in
benchmarks/RESULTS.md (benchmarks/scale_out.py); here the non-timing facts are asserted."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import requests
from conftest import COMPANIES, SLOT_LEASE, load_client
from servers import kill

from connector.intacct.sandbox import Faults, SandboxConfig, running_sandbox

pytestmark = pytest.mark.slow
QUERY = {"objectName": "VENDOR", "field": "RECORDNO"}
DEADLINE = 120


def wait_for(what: str, ready, deadline: float = DEADLINE) -> None:
    end = time.monotonic() + deadline
    while not ready():
        if time.monotonic() > end:
            pytest.fail(f"{what} did not happen within {deadline:g} s")
        time.sleep(0.05)


def finish(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        assert process.wait(timeout=DEADLINE) == 0


def report(tmp_path: Path, name: str) -> dict:
    return json.loads((tmp_path / f"{name}.report.json").read_text())


def clients(spawn, scale_env, tmp_path, connections, count: int, **config) -> list:
    return [load_client(spawn, scale_env, tmp_path, f"client{i}", connections=connections,
                        action="queryAndList", inputs=QUERY, go=str(tmp_path / "go"),
                        report=str(tmp_path / f"client{i}.report.json"), **config)
            for i in range(count)]


def test_four_processes_of_four_threads_keep_two_in_flight_per_company_and_sign_in_once(
        companies_sandbox, scale_env, spawn, tmp_path):
    connections = [companies_sandbox.connection_for(c) for c in COMPANIES]
    processes = clients(spawn, scale_env, tmp_path, connections, 4, threads=4, calls=6)
    (tmp_path / "go").touch()
    finish(processes)
    reports = [report(tmp_path, f"client{i}") for i in range(4)]
    assert [r["errors"] for r in reports] == [[]] * 4
    assert sum(r["calls"] for r in reports) == 4 * 4 * 6
    stats = companies_sandbox.stats.snapshot()
    assert stats["companies"] == {c: {"peak_in_flight": 2, "held": 0, "refused": 0}
                                  for c in COMPANIES}
    assert stats["sessions_created"] == len(COMPANIES)  # one sign-in per connection, in all


def test_a_killed_holder_s_slots_come_back_within_one_lease_and_nothing_goes_over(
        companies_sandbox, scale_env, spawn, tmp_path):
    globex = companies_sandbox.connection_for("GLOBEX")
    victim = load_client(spawn, scale_env, tmp_path, "victim", connections=[globex],
                         action="queryAndList", inputs=QUERY, threads=4,
                         report=str(tmp_path / "victim.report.json"))
    rescuer = load_client(spawn, scale_env, tmp_path, "rescuer", connections=[globex],
                          action="queryAndList", inputs=QUERY, threads=1, calls=2,
                          go=str(tmp_path / "go"), report=str(tmp_path / "rescuer.report.json"))
    # The victim's 4 threads take GLOBEX's 2 slots in turn, back to back: kill it mid-run.
    wait_for("the victim's calls", lambda: companies_sandbox.stats.snapshot()["requests"] > 6)
    kill(victim)
    killed = time.time()
    (tmp_path / "go").touch()
    finish([rescuer])
    rescued = report(tmp_path, "rescuer")
    assert rescued["errors"] == [] and rescued["calls"] == 2
    assert rescued["first_success"] - killed <= SLOT_LEASE + 1.5  # one lease, a poll, a call
    stats = companies_sandbox.stats.snapshot()["companies"]["GLOBEX"]
    assert stats == {"peak_in_flight": 2, "held": 0, "refused": 0}


def test_sessions_are_signed_in_once_per_connection_and_never_readable_in_redis(
        companies_sandbox, scale_env, spawn, tmp_path, redis_url):
    connections = [companies_sandbox.connection_for(c) for c in COMPANIES[:2]]
    processes = clients(spawn, scale_env, tmp_path, connections, 4, threads=2, calls=2)
    (tmp_path / "go").touch()
    finish(processes)
    assert companies_sandbox.stats.snapshot()["sessions_created"] == 2
    companies_sandbox.expire_sessions()  # every session refused: one new one per connection
    (tmp_path / "go").unlink()
    processes = clients(spawn, scale_env, tmp_path, connections, 4, threads=2, calls=2)
    (tmp_path / "go").touch()
    finish(processes)
    assert all(report(tmp_path, f"client{i}")["errors"] == [] for i in range(4))
    assert companies_sandbox.stats.snapshot()["sessions_created"] == 4
    session_ids = [row[0] for c in COMPANIES[:2] for row in
                   companies_sandbox.store_for(c)._exec("SELECT sessionid FROM sessions")]
    assert len(session_ids) >= 4
    assert not _found_in_redis(redis_url, session_ids)


def _found_in_redis(url: str, secrets: list[str]) -> list[str]:
    """Every secret that appears in any key or value of any type."""
    client = redis.Redis.from_url(url)
    blob = []
    for key in client.scan_iter(count=1000):
        blob.append(key)
        kind = client.type(key)
        if kind == b"string":
            blob.append(client.get(key) or b"")
        elif kind == b"hash":
            blob.extend(b for pair in client.hgetall(key).items() for b in pair)
        elif kind in (b"list",):
            blob.extend(client.lrange(key, 0, -1))
        elif kind in (b"set",):
            blob.extend(client.smembers(key))
        elif kind == b"zset":
            blob.extend(member for member, _ in client.zrange(key, 0, -1, withscores=True))
    text = b"\n".join(blob)
    return [s for s in secrets if s.encode() in text]


def test_bulk_on_dramatiq_workers_survives_two_workers_killed_while_holding_slots(
        scale_env, spawn, tmp_path):
    with running_sandbox(db=":memory:", seed=None,
                         config=SandboxConfig(faults=Faults(latency_ms=150))) as sandbox:
        connections = tmp_path / "connections.json"
        connections.write_text(json.dumps({"sandbox": sandbox.connection}))
        connections.chmod(0o600)
        env = {**scale_env, "CONNECTOR_CONNECTIONS": str(connections)}
        workers = [spawn([sys.executable, "-m", "connector.cli", "worker", "--threads", "2"],
                         env, f"worker{i}.log") for i in range(3)]
        records = [{"vendorId": f"DQ-{i:04d}", "vendorName": f"Queued {i}"} for i in range(400)]
        source = tmp_path / "vendors.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records))
        out = (tmp_path / "bulk.out").open("w")
        producer = subprocess.Popen(
            [sys.executable, "-m", "connector.cli", "bulk", "createVendor", "--input",
             str(source), "--dispatch", "dramatiq", "--connection-name", "sandbox",
             "--batch-size", "10", "--wait-seconds", "110"],
            env=env, stdout=out, stderr=subprocess.PIPE, start_new_session=True)
        try:
            wait_for("a third of the vendors", lambda: sandbox.store.count("VENDOR") > 130)
            for worker in workers[:2]:  # with 150 ms per request, they are mid-request
                kill(worker)
            assert producer.wait(timeout=DEADLINE) == 0, producer.stderr.read()
        finally:
            if producer.poll() is None:
                kill(producer)
        stored = [r["VENDORID"] for r in sandbox.store.all("VENDOR")]
        held = sandbox.stats.snapshot()["companies"]["SANDBOX"]
    results = [json.loads(line) for line in (tmp_path / "bulk.out").read_text().splitlines()]
    assert [r["index"] for r in results] == list(range(400))
    assert all(r["status"] == "success" for r in results)
    assert sorted(stored) == sorted(r["vendorId"] for r in records)  # each once
    assert held["held"] == 0 and held["refused"] == 0


def test_the_service_under_uvicorn_workers_shares_the_company_limit_and_the_session(
        companies_sandbox, scale_env, spawn, tmp_path):
    connections = tmp_path / "connections.json"
    connections.write_text(json.dumps({"sandbox": companies_sandbox.connection}))
    connections.chmod(0o600)
    token = "scale-out-service-token-0123456789"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**scale_env, "CONNECTOR_CONNECTIONS": str(connections),
           "CONNECTOR_SERVICE_TOKEN": token}
    spawn([sys.executable, "-m", "uvicorn", "--factory", "connector.service.factory:app",
           "--workers", "3", "--host", "127.0.0.1", "--port", str(port)], env, "uvicorn.log")
    url = f"http://127.0.0.1:{port}"
    wait_for("the service", lambda: _answers(f"{url}/health"))
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda _: requests.post(
            f"{url}/actions/queryAndList/invoke", json={"inputs": QUERY},
            headers={"Authorization": f"Bearer {token}"}, timeout=60), range(24)))
    assert [a.status_code for a in answers] == [200] * 24
    stats = companies_sandbox.stats.snapshot()
    assert stats["companies"]["SANDBOX"] == {"peak_in_flight": 2, "held": 0, "refused": 0}
    assert stats["sessions_created"] == 1


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False
