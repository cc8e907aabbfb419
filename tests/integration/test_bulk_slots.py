"""A bulk run keeps the company's request slots busy: when a slot comes free, the next request
is already built and waiting for it; it never has more requests in flight than allowed, and
every record is stored once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from connector.bulk import run_bulk
from connector.coordination.config import Coordination
from connector.coordination.coordinator import LocalCoordinator
from connector.coordination.sessions import LocalSessionCache
from connector.core import load_connector
from connector.intacct.sandbox import running_sandbox
from connector.intacct.sandbox.config import SandboxConfig

RECORDS = 1000  # 10 requests of 100
LATENCY_MS = 100


class WatchedSlots(LocalCoordinator):
    """The local coordinator, counting the releases that found a request waiting for a slot."""

    def __init__(self) -> None:
        super().__init__()
        self._watch = threading.Lock()
        self.waiting = 0
        self.releases = 0
        self.releases_with_one_waiting = 0

    @contextmanager
    def slot(self, company: str, limit: int, *, wait: float, lease: float) -> Iterator[None]:
        with self._watch:
            self.waiting += 1
        with super().slot(company, limit, wait=wait, lease=lease):
            with self._watch:
                self.waiting -= 1
            try:
                yield
            finally:
                with self._watch:
                    self.releases += 1
                    self.releases_with_one_waiting += self.waiting > 0


@pytest.fixture()
def watched():
    slots = WatchedSlots()
    coordination = Coordination(slots, LocalSessionCache(), open_state=_no_state)
    connector = load_connector(coordination=coordination)
    config = SandboxConfig(max_concurrent=2, hold_seconds=5)
    with running_sandbox(db=":memory:", seed=None, config=config) as sandbox:
        sandbox.faults.latency_ms = LATENCY_MS
        yield connector, sandbox, slots
    connector.close()


def _no_state():
    raise AssertionError("a bulk run without a journal needs no state store")


def vendors(count: int) -> list[dict]:
    return [{"vendorId": f"SLOT-{i:04d}", "vendorName": f"Slot vendor {i}"}
            for i in range(count)]


def test_the_next_request_waits_built_for_a_free_slot(watched):
    connector, sandbox, slots = watched
    results = list(run_bulk(connector, "createVendor", vendors(RECORDS), sandbox.connection,
                            batch_size=100))
    assert [r["index"] for r in results] == list(range(RECORDS))
    assert all(r["status"] == "success" for r in results)
    ids = [r["VENDORID"] for r in sandbox.store.all("VENDOR")]
    assert sorted(ids) == [v["vendorId"] for v in vendors(RECORDS)]
    company = sandbox.stats.snapshot()["companies"][sandbox.config.company_id]
    assert company == {"peak_in_flight": 2, "held": 0, "refused": 0}
    # Ten requests and a sign-in: every release but the last few found a request ready.
    assert slots.releases == 11
    assert slots.releases_with_one_waiting >= 6


def test_a_run_given_one_slot_sends_one_request_at_a_time(watched):
    connector, sandbox, slots = watched
    results = list(run_bulk(connector, "createVendor", vendors(300), sandbox.connection,
                            batch_size=100, concurrency=1))
    assert all(r["status"] == "success" for r in results)
    assert sandbox.store.count("VENDOR") == 300
    company = sandbox.stats.snapshot()["companies"][sandbox.config.company_id]
    assert company["peak_in_flight"] == 1
    assert slots.releases_with_one_waiting == 0
