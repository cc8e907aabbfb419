"""Bounded waits through the service, against the sandbox: a company whose request slots stay
taken past the connector's slot wait, and a request sent without a complete answer
(tests/service/test_errors.py checks the mapping of every such error, DeadlineExceeded too).
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import replace

import pytest
from conftest import running_service

READ = "<read><object>VENDOR</object><keys>4001</keys><fields>NAME</fields></read>"


def raw_request(api, data: str, **options):
    return api.post("/actions/rawRequest/invoke",
                    {"connection": "sandbox", "inputs": {"data": data, **options}})


@pytest.fixture()
def signed_in(api, sandbox):
    """The connection has a session, so faults hit the call and not its sign-in."""
    assert raw_request(api, READ).status_code == 200
    yield
    sandbox.faults.sequence = []
    sandbox.faults.latency_ms = 0


@pytest.mark.usefixtures("signed_in")
def test_a_request_without_a_complete_answer_is_502_and_may_have_been_applied(api, sandbox):
    name = "Outcome Unknown Vendor"
    sandbox.faults.sequence = ["drop", "drop"]  # each attempt is applied, then the line drops
    response = raw_request(api, f"<create><VENDOR><NAME>{name}</NAME></VENDOR></create>",
                           maxRetryCount=1, retryDelayMs=10, useExponentialBackoff=False)
    assert response.status_code == 502
    error = response.json()
    assert error["code"] == "OutcomeUnknown" and error["outcome"] == "unknown"
    assert "may have been applied" in error["advice"]
    [controlid] = error["controlids"]
    # it was applied, once: the retry carried the same controlid and uniqueid refused it
    assert len(sandbox.store.find("VENDOR", NAME=name)) == 1
    executed = sandbox.store._exec("SELECT controlid FROM executed WHERE controlid = ?",
                                   (controlid,))
    assert len(list(executed)) == 1


def test_no_free_request_slot_in_time_is_503_with_retry_after_and_nothing_sent(
        connector, connections, seen, sandbox):
    impatient = copy.copy(connector)
    impatient.settings = replace(connector.settings, slot_wait_ms=500)
    with running_service(impatient, connections, seen) as api:
        assert raw_request(api, READ).status_code == 200  # signed in
        sandbox.faults.latency_ms = 3000
        try:
            before = sandbox.stats.snapshot()["requests"]
            holders = [threading.Thread(target=raw_request, args=(api, READ)) for _ in range(2)]
            for holder in holders:
                holder.start()
            time.sleep(1)  # both calls hold the company's two slots for two more seconds
            response = raw_request(api, READ, maxRetryCount=0)
            for holder in holders:
                holder.join(30)
        finally:
            sandbox.faults.latency_ms = 0
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    error = response.json()
    assert error["code"] == "SlotTimeout" and error["transient"] is True
    assert sandbox.stats.snapshot()["requests"] - before == 2  # the two holders only
