"""Draining 10,000 changes through the newAndUpdatedRecords trigger: requests, state-store
transactions, time and the poller's peak memory.

The company holds 10,000 changes to vendors (creates, updates and deletes, so AUDITHISTORY has
rows too), written through the sandbox's own record layer before the run. A first poll with a
look-back date before them all starts the drain; the poller then polls and acknowledges until a
poll finds nothing more, as a workflow engine would, each recurrence capped at `max_events`.
Two layouts of the same changes: spread over two hours of the company's time (a backlog), and
a burst in which they all share a few seconds (a bulk import just now, every one of them still
inside the overlap window, so the feed tracks them all by id until the window passes).

The sandbox runs in its own process (its CPU is not the poller's, as a real gateway's is not);
requests are counted in the poller's process, transactions are the state store's commits and
acknowledgements, and memory is the rise of the poller process's peak resident set. The time
is split into waiting for the gateway's answers (the sandbox reads every record of the object
for each query, so its share grows with the company) and the poller's own.

    python benchmarks/triggers.py [--changes 10000] [--max-events 500]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from harness import peak_growth_mb
from sandboxes import sandbox_process, vendor

from connector.coordination.sqlite_state import SQLiteStateStore
from connector.core import load_connector
from connector.intacct.sandbox import DEFAULT_CONNECTION
from connector.intacct.sandbox.objects import OBJECTS
from connector.intacct.sandbox.records import Records
from connector.intacct.sandbox.store import Store

TRIGGER = "newAndUpdatedRecords"
START = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC: the first change
LOOKBACK = "2023-11-01"  # older vendors were created in October
UPDATES, DELETES = 0.2, 0.1  # shares of the changes


def prepare(db: str, changes: int, spread_seconds: float) -> dict[str, int]:
    """Vendors that existed before the look-back date, then the changes at times spread evenly
    over `spread_seconds` (with the audit trail): new vendors, and updates and deletes of
    distinct older ones, so that every change is a version a poller can see."""
    store = Store(db)
    vendors = OBJECTS["VENDOR"]
    updates, deletes = round(changes * UPDATES), round(changes * DELETES)
    creates = changes - updates - deletes
    before = Records(store, START - 30 * 86_400, "admin")
    step = spread_seconds / changes
    with store.transaction():
        old = [str(before.create(vendors, vendor(n))["RECORDNO"])
               for n in range(updates + deletes)]
        for n in range(changes):
            records = Records(store, START + n * step, "admin", audit=True)
            if n < updates:
                existing = records.find_existing(vendors, {"RECORDNO": old[n]}, "update")
                records.update(vendors, {"COMMENTS": f"change {n}"}, existing)
            elif n < updates + deletes:
                records.delete(vendors, old[n])
            else:
                records.create(vendors, vendor(updates + deletes + n))
    store.close()
    return {"creates": creates, "updates": updates, "deletes": deletes}


def drain(url: str, state: str, max_events: int) -> dict[str, Any]:
    """Poll and acknowledge until nothing is left; what it took."""
    connector = load_connector()
    connection = dict(DEFAULT_CONNECTION, endpointUrl=url, allowedEndpointHosts=["127.0.0.1"])
    store = SQLiteStateStore(state)
    counts = {"requests": 0, "commits": 0, "acks": 0}
    waited = [0.0]  # seconds spent waiting for the gateway's answers
    post, commit_poll, ack = requests.Session.post, store.commit_poll, store.ack

    def timed_post(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return post(*args, **kwargs)
        finally:
            waited[0] += time.perf_counter() - started

    def counted(method: Callable[..., Any], name: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return method(*args, **kwargs)
        return wrapper

    requests.Session.post = counted(timed_post, "requests")
    store.commit_poll, store.ack = counted(commit_poll, "commits"), counted(ack, "acks")
    ids: list[str] = []
    polls = 0
    started = time.perf_counter()
    try:
        while True:
            polls += 1
            result = connector.poll(TRIGGER, {"resourceType": "VENDOR",
                                              "lookbackDate": LOOKBACK},
                                    connection, state=store, max_events=max_events)
            ids += [event.id for event in result.events]
            if result.ack_token:
                connector.ack(result.ack_token, state=store)
            if not result.events and not result.more:
                break
        seconds = time.perf_counter() - started
    finally:
        requests.Session.post = post
        store.close()
        connector.close()
    return {"polls": polls, "events": len(ids), "distinct": len(set(ids)),
            "requests": counts["requests"] - 1,  # the sign-in is not the trigger's
            "transactions": counts["commits"] + counts["acks"], "seconds": round(seconds, 2),
            "gateway_seconds": round(waited[0], 2),
            "poller_seconds": round(seconds - waited[0], 2)}


def _drain_for_memory(url: str, state: str, max_events: int) -> None:
    drain(url, state, max_events)


def run(changes: int = 10_000, max_events: int = 500) -> dict[str, Any]:
    figures: dict[str, Any] = {"changes": changes, "max_events": max_events}
    for layout, spread in (("spread", 7200.0), ("burst", 3.0)):
        with tempfile.TemporaryDirectory() as directory:
            db = str(Path(directory) / "company.sqlite3")
            written = prepare(db, changes, spread)
            with sandbox_process(db, "--max-concurrent", "2") as url:
                drained = drain(url, str(Path(directory) / "state.sqlite3"), max_events)
                growth = peak_growth_mb(_drain_for_memory, url,
                                        str(Path(directory) / "memory.sqlite3"), max_events)
            state = SQLiteStateStore(Path(directory) / "state.sqlite3")
            cursor_bytes = len(json.dumps(state.load_cursor(
                next(iter(_feeds(state)))).value))
            state.close()
        figures[layout] = {**written, **drained, "peak_growth_mb": round(growth, 1),
                           "cursor_bytes": cursor_bytes}
    return figures


def _feeds(store: SQLiteStateStore) -> list[str]:
    with store._db.transaction() as db:  # the benchmark reads the one feed it made
        return [row[0] for row in db.execute("SELECT feed FROM connector_feeds")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--max-events", type=int, default=500)
    args = parser.parse_args()
    print(json.dumps(run(args.changes, args.max_events), indent=2))


if __name__ == "__main__":
    main()
