"""Unknown outcomes, sessions that expire again, and every wait bounded: against the sandbox.

An answer that is not a complete gateway response after the request was sent says nothing of
whether it ran. The client sends it again with the same control ids, so uniqueid makes the
retry safe: nothing is lost, nothing is stored twice, and the user is never told "failed" for a
create that was applied.
"""

from __future__ import annotations

import threading
import time

import pytest

from connector.bulk import run_bulk
from connector.core import load_connector
from connector.errors import AuthenticationError, DeadlineExceeded, OutcomeUnknown, SlotTimeout
from connector.intacct.sandbox import running_sandbox

FAST_RETRY = {"max_retries": 8, "delay_ms": 10, "max_delay_ms": 50}


@pytest.fixture()
def fresh():
    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        yield connector, sandbox
    connector.close()


def stored(sandbox, prefix: str) -> list[str]:
    return [r["VENDORID"] for r in sandbox.store.all("VENDOR")
            if r.get("VENDORID", "").startswith(prefix)]


@pytest.mark.parametrize("fault", ["empty", "truncated", "drop", 524])
def test_a_create_whose_answer_is_lost_succeeds_once(fresh, fault):
    connector, sandbox = fresh
    connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)  # sign in
    sandbox.faults.sequence = [fault]
    out = connector.invoke("createVendor", {"vendorId": "ONCE-1", "vendorName": "Once"},
                           sandbox.connection, **FAST_RETRY)
    assert out["data"]["_status"] == "success"
    assert out["data"]["_alreadyApplied"] is True
    assert stored(sandbox, "ONCE-") == ["ONCE-1"]


def test_a_hundred_invokes_through_empty_answers_store_each_vendor_once(fresh):
    connector, sandbox = fresh
    sandbox.faults.sequence = (["ok", "empty", "ok", "ok", "truncated", "ok", "ok", "ok"] * 40)
    for i in range(100):
        out = connector.invoke("createVendor", {"vendorId": f"E100-{i:03d}",
                                                "vendorName": f"Vendor {i}"},
                               sandbox.connection, **FAST_RETRY)
        assert out["data"]["_status"] == "success"
    ids = stored(sandbox, "E100-")
    assert len(ids) == 100 and len(set(ids)) == 100
    assert sandbox.stats.snapshot()["http_status"][200] > 100  # the faults really happened


def test_a_bulk_through_empty_answers_stores_each_record_once(fresh):
    connector, sandbox = fresh
    sandbox.faults.sequence = ["ok", "ok", "empty", "ok", "truncated"] * 20
    records = [{"vendorId": f"EB-{i:04d}", "vendorName": f"Bulk {i}"} for i in range(500)]
    results = list(run_bulk(connector, "createVendor", records, sandbox.connection,
                            batch_size=20, retry=FAST_RETRY))
    assert [r["status"] for r in results] == ["success"] * 500
    ids = stored(sandbox, "EB-")
    assert len(ids) == 500 and len(set(ids)) == 500


def test_when_retries_run_out_on_an_unknown_outcome_the_error_says_it_may_have_applied(fresh):
    connector, sandbox = fresh
    connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)  # sign in
    sandbox.faults.sequence = ["empty"] * 3
    with pytest.raises(OutcomeUnknown) as caught:
        connector.invoke("createVendor", {"vendorId": "MAYBE-1", "vendorName": "Maybe"},
                         sandbox.connection, max_retries=2, delay_ms=10)
    error = caught.value
    assert "may have been applied" in error.message
    assert len(error.controlids) == 1 and error.controlids[0] in error.message
    assert error.to_dict()["outcome"] == "unknown"
    assert stored(sandbox, "MAYBE-") == ["MAYBE-1"]  # it was applied, on the first attempt
    assert sandbox.store.was_executed(sandbox.config.company_id, error.controlids[0])


def test_a_lost_answer_to_a_read_is_retried_and_not_reported_as_maybe_applied(fresh):
    connector, sandbox = fresh
    sandbox.faults.sequence = ["ok", "empty", "empty", "empty"]
    with pytest.raises(Exception) as caught:
        connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection,
                         max_retries=2, delay_ms=10)
    assert not isinstance(caught.value, OutcomeUnknown)
    assert "empty body" in str(caught.value)


def test_a_session_that_expires_again_right_after_signing_in_is_handled(fresh):
    connector, sandbox = fresh
    connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)  # sign in
    # the call, then its repeat after signing in, both meet an expired session; then it works
    sandbox.faults.sequence = ["expire", "ok", "expire", "ok", "ok"]
    out = connector.invoke("createVendor", {"vendorId": "AGAIN-1", "vendorName": "Again"},
                           sandbox.connection)
    assert out["data"]["_status"] == "success"
    assert stored(sandbox, "AGAIN-") == ["AGAIN-1"]
    assert sandbox.stats.snapshot()["sessions_created"] == 3


def test_sign_ins_per_call_are_bounded_and_the_message_does_not_ask_to_sign_in(fresh):
    connector, sandbox = fresh
    connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)  # sign in
    sandbox.faults.sequence = ["expire", "ok"] * 10
    with pytest.raises(AuthenticationError) as caught:
        connector.invoke("createVendor", {"vendorId": "NEVER-1", "vendorName": "Never"},
                         sandbox.connection)
    assert sandbox.stats.snapshot()["sessions_created"] == 3  # the first one and two more
    message = caught.value.message
    assert "refused the session 3 times" in message
    assert "log in again" not in message and "getAPISession" not in message
    assert stored(sandbox, "NEVER-") == []


def test_waiting_for_a_company_slot_has_a_deadline_and_nothing_is_sent():
    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)
        sandbox.faults.latency_ms = 1500
        busy = [threading.Thread(target=connector.invoke,
                                 args=("queryAndList", {"objectName": "VENDOR"},
                                       sandbox.connection)) for _ in range(2)]
        for thread in busy:
            thread.start()
        time.sleep(0.3)  # both of the company's slots are now held
        before = sandbox.stats.snapshot()["requests"]
        started = time.monotonic()
        with pytest.raises(SlotTimeout) as caught:
            connector.invoke("createVendor", {"vendorId": "WAIT-1", "vendorName": "Wait"},
                             sandbox.connection, slot_wait_ms=200)
        waited = time.monotonic() - started
        for thread in busy:
            thread.join()
        assert 0.15 < waited < 1.0
        assert caught.value.retry_after > 0 and "nothing was sent" in caught.value.message
        assert stored(sandbox, "WAIT-") == []
        assert sandbox.stats.snapshot()["requests"] == before + 2  # the two slow ones only
    connector.close()


def test_a_call_deadline_covers_every_attempt_and_wait():
    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        sandbox.faults.fail_rate = 1.0  # every request: HTTP 503, nothing applied
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded, match="deadline"):
            connector.invoke("createVendor", {"vendorId": "LATE-1", "vendorName": "Late"},
                             sandbox.connection, max_retries=50, delay_ms=200,
                             deadline_ms=1200)
        assert time.monotonic() - started < 2.0
        assert sandbox.stats.snapshot()["requests"] >= 2
    connector.close()
