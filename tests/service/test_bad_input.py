"""Request bodies no gateway request can carry are refused with 422 naming the input, before
anything is sent; numbers keep every digit they were written with, both ways."""

from __future__ import annotations

import json
import re

import pytest

JSON = {"Content-Type": "application/json"}
OPENING = b'{"connection": "sandbox", "inputs": {"vendorName": '


def post_raw(api, path: str, raw: bytes):
    return api.request("POST", path, data=raw, headers=JSON)


def problems_of(response) -> dict[str, dict]:
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "InputError"
    return {problem["path"]: problem for problem in error["problems"]}


@pytest.fixture()
def nothing_sent(sandbox):
    """The sandbox sees no request and stores no vendor while the test runs."""
    requests, vendors = sandbox.stats.snapshot()["requests"], sandbox.store.count("VENDOR")
    yield
    assert sandbox.stats.snapshot()["requests"] == requests
    assert sandbox.store.count("VENDOR") == vendors


@pytest.mark.parametrize(("raw", "path", "title", "words"), [
    (OPENING + rb'"Bad \ud800 name"}}', "vendorName", "Vendor Name", "lone surrogate (U+D800)"),
    (OPENING + b'"x", "creditLimit": NaN}}', "creditLimit", "Credit Limit", "nan is not a number"),
    (OPENING + b'"x", "creditLimit": -Infinity}}', "creditLimit", "Credit Limit",
     "-inf is not a number"),
    (OPENING + b'"x", "customFields": [["a", NaN]]}}', "customFields[0][1]", "Custom Fields",
     "nan is not a number"),
    (OPENING + b'"x", ' + rb'"\udc00": "key"}}', "inputs", "Inputs", "lone surrogate"),
    (b'{"connection": "\\udfff", "inputs": {}}', "connection", "Connection", "lone surrogate"),
], ids=["surrogate", "nan", "infinity", "nan-in-a-line", "surrogate-key",
        "surrogate-connection"])
@pytest.mark.usefixtures("nothing_sent")
def test_values_a_request_cannot_carry_are_422_naming_the_input(api, raw, path, title, words):
    problems = problems_of(post_raw(api, "/actions/createVendor/invoke", raw))
    assert set(problems) == {path}
    assert problems[path]["title"] == title
    assert words in problems[path]["problem"]


@pytest.mark.usefixtures("nothing_sent")
def test_nesting_deeper_than_any_input_needs_is_422_naming_the_input(api):
    raw = OPENING + b"[" * 100 + b"]" * 100 + b"}}"
    problems = problems_of(post_raw(api, "/actions/createVendor/invoke", raw))
    [(path, problem)] = problems.items()
    assert path.startswith("vendorName[0][0][0]")
    assert problem["title"] == "Vendor Name"
    assert problem["problem"] == "is nested more than 64 levels deep"


@pytest.mark.parametrize(("raw", "words"), [
    (OPENING + b'"caf\xe9"}}', "is not UTF-8 text (byte 0xe9 at offset 55)"),
    (b"{not json", "is not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b'"text"', "must be a JSON object"),
    (b"NaN", "not a number"),
], ids=["not-utf8", "syntax", "array", "string", "nan"])
@pytest.mark.usefixtures("nothing_sent")
def test_a_body_that_cannot_be_read_is_422_naming_the_body(api, raw, words):
    response = post_raw(api, "/actions/createVendor/invoke", raw)
    problems = problems_of(response)
    assert set(problems) == {""}
    assert problems[""]["problem"].startswith("the request body ")
    assert words in problems[""]["problem"]
    assert words in response.json()["detail"]


def test_a_body_nested_100000_deep_names_the_input(api):
    raw = OPENING + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    problems = problems_of(post_raw(api, "/actions/createVendor/invoke", raw))
    assert [path.startswith("vendorName[0]") for path in problems] == [True]


def test_render_refuses_them_too(api):
    problems = problems_of(post_raw(api, "/actions/createVendor/render",
                                    OPENING + b'"x", "creditLimit": Infinity}}'))
    assert set(problems) == {"creditLimit"}


BIG = "12345678901234567890.12"


def test_a_large_number_reaches_the_request_with_every_digit(api, sandbox):
    body = OPENING + b'"Exact Digits", "creditLimit": ' + BIG.encode() + b"}}"
    rendered = post_raw(api, "/actions/createVendor/render", body)
    assert rendered.status_code == 200
    assert f"<CREDITLIMIT>{BIG}</CREDITLIMIT>" in rendered.json()["xml"]
    created = post_raw(api, "/actions/createVendor/invoke", body)
    assert created.status_code == 200, created.text
    recordno = created.json()["data"]["_data"][0]["RECORDNO"]
    assert sandbox.store.get("VENDOR", recordno)["CREDITLIMIT"] == BIG


def test_an_echoed_large_number_comes_back_as_the_same_number(api, sandbox):
    body = (b'{"connection": "sandbox", "inputs": {"customerId": "C-00203", "creditLimit": '
            + BIG.encode() + b"}}")
    response = post_raw(api, "/actions/updateCustomer/invoke", body)
    assert response.status_code == 200, response.text
    assert re.search(rf'"creditLimit":\s*{re.escape(BIG)}[,}}]', response.text)
    echoed = json.loads(response.text, parse_float=str)["data"]["creditLimit"]
    assert echoed == BIG
    assert sandbox.store.find("CUSTOMER", CUSTOMERID="C-00203")[0]["CREDITLIMIT"] == BIG


def test_an_integral_limit_written_with_a_fraction_is_accepted(api):
    every = api.post("/datasources/selectVendor", {"connection": "sandbox"}).json()["items"]
    response = post_raw(api, "/datasources/selectVendor",
                        b'{"connection": "sandbox", "limit": 2.0}')
    assert response.status_code == 200, response.text
    assert response.json()["items"] == every[:2]


def test_a_date_before_the_year_1000_is_not_a_server_error(api):
    response = api.post("/actions/createInvoice/render", {"inputs": {
        "customerId": "C-00201", "transactionDate": "0637-05-30",
        "lines": [{"glaccountno": "4000", "amount": 10}]}})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert [p["path"] for p in response.json()["problems"]] == ["transactionDate"]
