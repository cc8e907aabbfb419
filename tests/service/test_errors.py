"""Which status each failure gets, and what its body and headers say (unit tests of the
mapping; tests/service/test_bounded_waits.py drives the same failures through the sandbox)."""

from __future__ import annotations

import json

import pytest

from connector.errors import (
    DeadlineExceeded,
    InputError,
    InputProblem,
    OutcomeUnknown,
    SlotTimeout,
    TransportError,
)
from connector.service.errors import Scrubber, status_for

SECRET = "company-password-123"


@pytest.fixture()
def scrub() -> Scrubber:
    return Scrubber(lambda text: text, [SECRET])


SCOPE = {"path": "/actions/createVendor/invoke", "state": {"request_id": "req-1"}}


def answer(scrub: Scrubber, exc) -> tuple[int, dict, dict]:
    response = scrub.error(exc, SCOPE)
    assert response.media_type == "application/problem+json"
    return response.status_code, dict(response.headers), json.loads(response.body)


@pytest.mark.parametrize(("exc", "status"), [
    (SlotTimeout("no slot", retry_after=1.2), 503),
    (DeadlineExceeded("deadline passed"), 504),
    (OutcomeUnknown("no complete answer", controlids=["c1"]), 502),
    (TransportError("refused", status=429), 503),
    (TransportError("slow", timeout=True), 504),
    (TransportError("reset"), 502),
    (InputError("createVendor", [InputProblem("vendorName", "Vendor Name", "is required")]),
     422),
])
def test_status_for(exc, status):
    assert status_for(exc) == status


@pytest.mark.parametrize(("seconds", "header"), [(1.2, "2"), (0.01, "1"), (3.0, "3")])
def test_a_slot_timeout_is_503_with_retry_after_rounded_up(scrub, seconds, header):
    status, headers, error = answer(scrub, SlotTimeout("no request slot for the company came "
                                                       "free within 5 s", retry_after=seconds))
    assert status == 503
    assert headers["retry-after"] == header
    assert error["code"] == "SlotTimeout" and error["transient"] is True
    assert error["retry_after"] == seconds


def test_a_deadline_exceeded_is_504(scrub):
    status, headers, error = answer(scrub, DeadlineExceeded("the call's deadline of 2 s passed"))
    assert status == 504 and "retry-after" not in headers
    assert error == {"type": "https://github.com/lowcode-connector/problems/deadline-exceeded",
                     "title": "The call's deadline passed", "status": 504,
                     "detail": "the call's deadline of 2 s passed",
                     "instance": "/actions/createVendor/invoke", "code": "DeadlineExceeded",
                     "request_id": "req-1", "transient": True}


def test_an_unknown_outcome_is_502_saying_it_may_have_been_applied(scrub):
    exc = OutcomeUnknown(f"no complete answer from the gateway (password {SECRET})",
                         controlids=["ctl-1", "ctl-2"], raw_response="<response><partial")
    status, _, error = answer(scrub, exc)
    assert status == 502
    assert error["code"] == "OutcomeUnknown" and error["outcome"] == "unknown"
    assert error["controlids"] == ["ctl-1", "ctl-2"]
    assert "may have been applied" in error["advice"] and "controlids" in error["advice"]
    assert SECRET not in json.dumps(error) and "raw_response" not in error
