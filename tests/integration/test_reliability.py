"""The runtime against the sandbox's faults: nothing lost, nothing duplicated, no false failure.

Figures from these scenarios are recorded in docs/reliability.md.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from connector.bulk import run_bulk
from connector.core import load_connector
from connector.intacct.sandbox import SandboxConfig, running_sandbox

FAST_RETRY = {"max_retries": 8, "delay_ms": 20, "max_delay_ms": 200}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def fresh():
    """A connector with its own gateways and an empty sandbox company."""
    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        yield connector, sandbox
    connector.close()


def vendors(prefix: str, count: int) -> list[dict]:
    return [{"vendorId": f"{prefix}-{i:05d}", "vendorName": f"{prefix} vendor {i}"}
            for i in range(count)]


def stored_ids(sandbox, prefix: str) -> list[str]:
    return [r["VENDORID"] for r in sandbox.store.all("VENDOR")
            if r.get("VENDORID", "").startswith(prefix)]


def test_1000_creates_with_20_percent_http_5xx_store_each_record_once(fresh):
    connector, sandbox = fresh
    sandbox.faults.fail_rate = 0.2
    sandbox.faults.reseed(7)
    records = vendors("F5XX", 1000)
    results = list(run_bulk(connector, "createVendor", records, sandbox.connection,
                            batch_size=25, retry=FAST_RETRY))
    assert [r["index"] for r in results] == list(range(1000))
    assert all(r["status"] == "success" for r in results)
    ids = stored_ids(sandbox, "F5XX")
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert sandbox.stats.snapshot()["http_status"].get(503, 0) > 0  # faults really happened


@pytest.mark.parametrize("fault", [524, "drop"])
def test_a_lost_response_after_commit_leaves_no_duplicate(fresh, fault):
    connector, sandbox = fresh
    connector.invoke("getVendor", {"recordNo": "1"}, sandbox.connection)  # open the session
    sandbox.faults.sequence = [fault]
    out = connector.invoke("createVendor", {"vendorId": "LOST-1", "vendorName": "Lost"},
                           sandbox.connection, **FAST_RETRY)
    assert out["data"]["_status"] == "success" and out["data"]["_alreadyApplied"] is True
    assert stored_ids(sandbox, "LOST-") == ["LOST-1"]


def test_lost_responses_in_bulk_leave_no_duplicate(fresh):
    connector, sandbox = fresh
    sandbox.faults.lost_response_rate = 0.15
    sandbox.faults.drop_rate = 0.15
    sandbox.faults.reseed(3)
    results = list(run_bulk(connector, "createVendor", vendors("LOSTB", 400),
                            sandbox.connection, batch_size=20, retry=FAST_RETRY))
    assert all(r["status"] == "success" for r in results)
    ids = stored_ids(sandbox, "LOSTB")
    assert len(ids) == 400 and len(set(ids)) == 400
    assert any(r["data"].get("_alreadyApplied") for r in results)


def test_a_session_expired_mid_bulk_is_renewed_and_the_bulk_finishes(fresh):
    connector, sandbox = fresh
    # Every session is expired twice while the 15 batches run.
    sandbox.faults.sequence = ["ok"] * 5 + ["expire"] + ["ok"] * 5 + ["expire"]
    results = list(run_bulk(connector, "createVendor", vendors("EXP", 300),
                            sandbox.connection, batch_size=20, retry=FAST_RETRY))
    assert all(r["status"] == "success" for r in results)
    assert len(set(stored_ids(sandbox, "EXP"))) == 300
    assert sandbox.stats.snapshot()["sessions_created"] == 3


def test_concurrent_first_calls_share_one_session(fresh):
    connector, sandbox = fresh
    sandbox.faults.latency_ms = 50
    threads = [threading.Thread(target=connector.invoke,
                                args=("queryAndList", {"objectName": "VENDOR"},
                                      sandbox.connection)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sandbox.stats.snapshot()["sessions_created"] == 1


def test_ten_parallel_invocations_under_a_limit_of_two_all_succeed():
    connector = load_connector()
    config = SandboxConfig(max_concurrent=2, hold_seconds=0.3)
    with running_sandbox(db=":memory:", seed=None, config=config) as sandbox:
        sandbox.faults.latency_ms = 150
        outcomes = []

        def call(i):
            try:
                connector.invoke("createVendor", {"vendorName": f"Parallel {i}"},
                                 sandbox.connection, max_retries=0)
                outcomes.append("ok")
            except Exception as exc:
                outcomes.append(repr(exc))

        threads = [threading.Thread(target=call, args=(i,)) for i in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes == ["ok"] * 10
        assert len(sandbox.store.find("VENDOR")) >= 10
    connector.close()


def test_busy_gateway_and_cdn_pages_are_retried(fresh):
    connector, sandbox = fresh
    connector.invoke("getVendor", {"recordNo": "1"}, sandbox.connection)  # open the session
    sandbox.faults.sequence = ["html", 502, "html:520", 503]
    out = connector.invoke("getVendor", {"recordNo": "1"}, sandbox.connection, **FAST_RETRY)
    assert out["data"]["_status"] == "success"
    assert sandbox.stats.snapshot()["requests"] >= 5


def test_business_errors_are_not_retried(fresh):
    connector, sandbox = fresh
    connector.invoke("createVendor", {"vendorId": "DUP", "vendorName": "a"}, sandbox.connection)
    before = sandbox.stats.snapshot()["requests"]
    with pytest.raises(Exception, match="already exists"):
        connector.invoke("createVendor", {"vendorId": "DUP", "vendorName": "b"},
                         sandbox.connection, **FAST_RETRY)
    assert sandbox.stats.snapshot()["requests"] == before + 1


def test_rate_limit_429_is_retried_after_retry_after():
    connector = load_connector()
    config = SandboxConfig(rate_limit_per_second=5)
    with running_sandbox(db=":memory:", seed=None, config=config) as sandbox:
        started = time.monotonic()
        for i in range(12):
            connector.invoke("createVendor", {"vendorName": f"Rate {i}"}, sandbox.connection,
                             max_retries=10, delay_ms=10)
        assert sandbox.stats.snapshot()["http_status"].get(429, 0) > 0
        assert len(sandbox.store.find("VENDOR")) == 12
        assert time.monotonic() - started > 1.0  # it waited instead of hammering
    connector.close()


def test_a_bulk_killed_mid_run_and_resumed_stores_every_record_once(tmp_path):
    records = vendors("KILL", 600)
    source = tmp_path / "vendors.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    journal = tmp_path / "journal.jsonl"
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        sandbox.faults.latency_ms = 120
        conn = tmp_path / "conn.json"
        conn.write_text(json.dumps(sandbox.connection))
        command = [sys.executable, "-m", "connector.cli", "bulk", "createVendor",
                   "--input", str(source), "--journal", str(journal), "--connection", str(conn),
                   "--batch-size", "20"]
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = max(0, len(journal.read_text().splitlines()) - 1) if journal.exists() else 0
            if done >= 100:
                break
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        finished_before = len(journal.read_text().splitlines()) - 1
        assert 0 < finished_before < 600
        sandbox.faults.latency_ms = 0
        second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert second.returncode == 0, second.stderr
        lines = [json.loads(line) for line in second.stdout.splitlines()]
        assert [line["index"] for line in lines] == list(range(600))
        assert all(line["status"] == "success" for line in lines)
        ids = stored_ids(sandbox, "KILL")
        assert len(ids) == 600 and len(set(ids)) == 600


def test_a_session_is_renewed_before_its_timeout():
    connector = load_connector()
    # 62 s of inactivity allowed; the client renews 60 s ahead, so 2.5 s later it renews.
    with running_sandbox(db=":memory:", seed=None,
                         config=SandboxConfig(session_timeout_seconds=62)) as sandbox:
        connector.invoke("createVendor", {"vendorName": "before"}, sandbox.connection)
        time.sleep(2.5)
        connector.invoke("createVendor", {"vendorName": "after"}, sandbox.connection)
        stats = sandbox.stats.snapshot()
        assert stats["sessions_created"] == 2
        assert stats["requests"] == 4  # two sign-ins, two creates: no refused call
    connector.close()


def test_a_create_refused_once_by_a_busy_front_is_sent_again_with_its_controlids(fresh):
    connector, sandbox = fresh
    client = connector.client(sandbox.connection)
    connector.invoke("getVendor", {"recordNo": "1"}, sandbox.connection)  # open the session
    http, sent = client._http(), []
    real_post = http.post
    http.post = lambda url, data, **kwargs: sent.append(data) or real_post(url, data=data,
                                                                           **kwargs)
    sandbox.faults.sequence = [503]
    out = connector.invoke("createVendor", {"vendorId": "RETRIED", "vendorName": "Once"},
                           sandbox.connection, **FAST_RETRY)
    assert out["data"]["_status"] == "success"
    assert len(sent) == 2 and sent[0] == sent[1]  # the same request, control ids and all
    assert b"<function controlid=" in sent[0]
    assert stored_ids(sandbox, "RETRIED") == ["RETRIED"]
