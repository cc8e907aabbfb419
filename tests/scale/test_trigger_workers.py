"""Trigger polls on Dramatiq workers: 3 companies x 2 triggers polled by 3 worker processes
while vendors and customers are created, changed and deleted; workers are killed with SIGKILL
and Redis (the coordinator and the broker) restarts mid-run. Every record's last version (or
its deletion) must come out, every event must be a version that was written, none twice, and
no feed's cursor may move back. (A poll sees records as they are: a version replaced before
any poll read it has nothing to be read from, so it may be absent; the crash proof in
tests/triggers/ polls between every change and asserts every version.)

The state is in a real PostgreSQL; the sandbox's clock is the real one, and a record is never
changed twice in one second (WHENMODIFIED has second resolution, so two such versions are one).
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from collections import defaultdict
from datetime import datetime

import pytest
from cryptography.fernet import Fernet
from servers import RedisServer, kill

from connector.coordination.config import Settings, build
from connector.core import load_connector
from connector.intacct.sandbox import Faults, SandboxConfig, running_sandbox
from connector.intacct.sandbox.config import CompanyConfig
from connector.triggers import poller
from connector.triggers.scheduler import Instance, store_registration

pytestmark = pytest.mark.slow
COMPANIES = ("SANDBOX", "ACME", "GLOBEX")
OBJECTS = {"VENDOR": ("createVendor", "vendorName"), "CUSTOMER": ("createCustomer",
                                                                  "customerName")}
TRIGGER = "newAndUpdatedRecords"
CHANGES = 150
DEADLINE = 240


def test_every_change_is_one_event_through_worker_kills_and_a_redis_restart(
        postgres_url, spawn, tmp_path):
    redis_server = RedisServer().start()
    config = SandboxConfig(companies=tuple(CompanyConfig(c) for c in COMPANIES[1:]),
                           faults=Faults(latency_ms=30))
    try:
        with running_sandbox(db=":memory:", seed=None, config=config) as sandbox:
            _run(sandbox, redis_server, postgres_url, spawn, tmp_path)
    finally:
        redis_server.close()


def _run(sandbox, redis_server, postgres_url, spawn, tmp_path) -> None:
    base = redis_server.url.rsplit("/", 1)[0]
    session_key = Fernet.generate_key().decode()
    connections = {f"c-{c}": sandbox.connection_for(c) for c in COMPANIES}
    path = tmp_path / "connections.json"
    path.write_text(json.dumps(connections))
    path.chmod(0o600)
    env = {**os.environ, "CONNECTOR_COORDINATOR": base + "/0",
           "CONNECTOR_BROKER": base + "/1", "CONNECTOR_STATE": postgres_url,
           "CONNECTOR_SESSION_KEY": session_key, "CONNECTOR_CONNECTIONS": str(path),
           "CONNECTOR_SLOT_LEASE": "2"}
    coordination = build(Settings(coordinator=base + "/0", state=postgres_url,
                                  session_key=session_key))
    connector = load_connector(coordination=coordination)
    state = coordination.state
    instances = [Instance(TRIGGER, f"{c}-{o}", f"c-{c}", {"resourceType": o}, 1.0)
                 for c in COMPANIES for o in OBJECTS]
    for instance in instances:
        store_registration(state, instance)
    feeds = {i.instance: poller.resolve(connector, TRIGGER, i.inputs).feed(
        poller.connection_identity(connector, connections[i.connection]), i.instance)
        for i in instances}

    def start_worker(n: int):
        return spawn([sys.executable, "-m", "connector.cli", "worker", "--threads", "3"],
                     env, f"worker{n}.log")

    workers = [start_worker(n) for n in range(3)]
    stop = threading.Event()
    watermarks: dict[str, list[str]] = defaultdict(list)

    def producer() -> None:  # the service's scheduler, as far as the queue is concerned
        from dramatiq import Message

        from connector.coordination.dispatch import redis_broker

        while not stop.wait(1.0):
            try:
                broker = redis_broker(base + "/1")
                for instance in instances:
                    broker.enqueue(Message(queue_name="connector", actor_name="trigger_poll",
                                           args=(TRIGGER, instance.instance), kwargs={},
                                           options={}))
                    loaded = state.load_cursor(feeds[instance.instance])
                    if loaded is not None:
                        watermarks[instance.instance].append(json.dumps(loaded.value))
                broker.close()
            except Exception:  # Redis restarting: the next round sends them again
                continue

    sending = threading.Thread(target=producer, daemon=True)
    sending.start()
    time.sleep(6)  # every feed has its baseline before the first change
    written = _write_changes(connector, sandbox, connections, workers, start_worker,
                             redis_server)
    wanted = {instance: _final(written[instance]) for instance in written}
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        seen = {i.instance: _ids(state, feeds[i.instance]) for i in instances}
        if all(wanted.get(name, set()) <= ids for name, ids in seen.items()):
            break
        time.sleep(1)
    time.sleep(3)  # a few more rounds: nothing may come twice
    stop.set()
    sending.join(timeout=10)
    for instance in instances:
        events = [e.id for e in state.pending(feeds[instance.instance], 100_000)]
        assert len(events) == len(set(events)), f"{instance.instance}: an event came twice"
        ids = _ids(state, feeds[instance.instance])
        written_ids = _every_version(written.get(instance.instance, {}))
        assert wanted.get(instance.instance, set()) <= ids, f"{instance.instance}: missed"
        assert ids <= written_ids, f"{instance.instance}: an event of no written version"
    for name, history in watermarks.items():
        assert _monotonic(history), f"{name}: the cursor moved back"
    coordination.close()


def _write_changes(connector, sandbox, connections, workers, start_worker, redis_server):
    """CHANGES creates, updates and deletes over the companies and objects, a worker killed
    twice and Redis restarted once along the way; returns, per instance, each record's
    versions (WHENMODIFIED as written) and whether it was deleted."""
    rng = random.Random(5)
    written: dict[str, dict[str, dict]] = defaultdict(dict)
    last_touch: dict[tuple, float] = {}
    for n in range(CHANGES):
        company, obj = rng.choice(COMPANIES), rng.choice(list(OBJECTS))
        instance, store = f"{company}-{obj}", sandbox.store_for(company)
        records = written[instance]
        live = [k for k, r in records.items() if not r["deleted"]
                and time.monotonic() - last_touch[(company, obj, k)] > 1.1]
        action = "create" if not live or rng.random() < 0.5 else rng.choice(["update",
                                                                              "delete"])
        connection = connections[f"c-{company}"]
        if action == "create":
            create, name = OBJECTS[obj]
            out = connector.invoke(create, {name: f"{obj} {n}"}, connection)
            key = out["data"]["_data"][0]["RECORDNO"]
            records[key] = {"versions": [], "deleted": False}
        else:
            key = rng.choice(live)
            if action == "update":
                _update(connector, store, obj, key, n, connection)
            else:
                connector.invoke("deleteObject", {"object": obj, "keys": key}, connection)
                records[key]["deleted"] = True
        if action != "delete":
            records[key]["versions"].append(store.get(obj, key)["WHENMODIFIED"])
        last_touch[(company, obj, key)] = time.monotonic()
        if n in (40, 100):
            kill(workers[n // 100])
            workers[n // 100] = start_worker(10 + n)
        if n == 70:
            redis_server.restart()
        time.sleep(0.05)
    return written


def _update(connector, store, obj, key, n, connection) -> None:
    record = store.get(obj, key)
    if obj == "VENDOR":
        connector.invoke("updateVendor", {"vendorId": record["VENDORID"],
                                          "vendorName": f"changed {n}"}, connection)
    else:
        connector.invoke("updateCustomer", {"customerId": record["CUSTOMERID"],
                                            "customerName": f"changed {n}"}, connection)


def _every_version(records: dict[str, dict]) -> set[str]:
    """Every event the writes could give: each version written, and each deletion."""
    ids = {f"{key}@{_iso(v)}" for key, record in records.items() for v in record["versions"]}
    return ids | {f"{key}@deleted" for key, record in records.items() if record["deleted"]}


def _final(records: dict[str, dict]) -> set[str]:
    """What must come out: each record's deletion, or its last version."""
    return {f"{key}@deleted" if record["deleted"] else f"{key}@{_iso(record['versions'][-1])}"
            for key, record in records.items()}


def _ids(state, feed: str) -> set[str]:
    """Event ids, a deletion's time left out (it is the audit trail's, not the writer's)."""
    return {e.id if not e.id.endswith("/deleted") else e.id.split("@")[0] + "@deleted"
            for e in state.pending(feed, 100_000)}


def _iso(text: str) -> str:
    return datetime.strptime(text, "%m/%d/%Y %H:%M:%S").isoformat()


def _monotonic(history: list[str]) -> bool:
    """Whether the feed's head and every stream's settled mark only ever moved forward."""
    latest: dict[str, str] = {}
    for text in history:
        cursor = json.loads(text)
        marks = {"head": cursor.get("head"),
                 **{name: stream.get("settled")
                    for name, stream in cursor.get("streams", {}).items()}}
        for name, mark in marks.items():
            if mark is None:
                continue
            if name in latest and mark < latest[name]:
                return False
            latest[name] = mark
    return True
