"""Unit tests of the small pieces behind the service's and the CLI's operability: telemetry
listeners, cursors, JSON Pointers, the picklist search condition."""

from __future__ import annotations

import gc

import pytest

from connector import paging, telemetry
from connector.errors import InputError
from connector.intacct.protocol import search_condition
from connector.protocol import Search
from connector.service.problems import pointer, problem_type


def test_telemetry_reaches_listeners_and_forgets_the_dead_ones():
    heard = []

    class Listener:
        def hear(self, event, fields):
            heard.append((event, fields))

    listener = Listener()
    telemetry.subscribe(listener.hear)
    telemetry.retry("p")
    assert heard == [("retry", {"protocol": "p"})]
    del listener
    gc.collect()
    telemetry.retry("p")
    assert len(heard) == 1


def test_a_failing_listener_does_not_fail_the_report(caplog):
    def broken(event, fields):
        raise RuntimeError("listener bug")

    telemetry.subscribe(broken)
    telemetry.sign_in("p", "ok")  # no exception
    assert "telemetry listener failed on sign_in" in caplog.text
    del broken


def test_a_cursor_round_trips_and_refuses_another_request_or_garbage():
    asked = paging.fingerprint("selectVendor", {"returnId": False}, search="a", limit=5)
    cursor = paging.encode("result-7", asked)
    assert paging.decode("selectVendor", cursor, asked) == "result-7"
    other = paging.fingerprint("selectVendor", {"returnId": True}, search="a", limit=5)
    with pytest.raises(InputError, match="belongs to another list"):
        paging.decode("selectVendor", cursor, other)
    for garbage in ("", "%%%", "bm90IGpzb24", cursor[:-3]):
        with pytest.raises(InputError, match="is not a cursor"):
            paging.decode("selectVendor", garbage, asked)


@pytest.mark.parametrize(("path", "within", "expected"), [
    ("vendorName", "/inputs", "/inputs/vendorName"),
    ("lines[0].amount", "/inputs", "/inputs/lines/0/amount"),
    ("customFields[0][1]", "/inputs", "/inputs/customFields/0/1"),
    ("a/b~c", "/inputs", "/inputs/a~1b~0c"),
    ("connection", "", "/connection"),
    ("", "", ""),
])
def test_json_pointers_of_input_paths(path, within, expected):
    assert pointer(path, within=within) == expected


def test_problem_types_are_one_uri_per_code():
    assert problem_type("IdempotencyKeyReused") == \
        "https://github.com/lowcode-connector/problems/idempotency-key-reused"


def test_a_search_stays_one_string_literal():
    condition = search_condition("selectVendor", Search("it's' OR 1=1 --", ("NAME",)))
    assert condition.startswith("(NAME LIKE '%it''s'' OR 1=1 --%'")
    assert condition.count(" OR NAME LIKE ") == 3  # as typed, lower, upper, title
    with pytest.raises(InputError, match="characters a request cannot carry"):
        search_condition("selectVendor", Search("bell\x07", ("NAME",)))
