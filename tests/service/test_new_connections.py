"""POST /connections: a connection added over the API is checked field by field before it is
kept, is used by later calls, and its secrets never come back (not even in errors)."""

from __future__ import annotations

import pytest
from conftest import running_service

NEW_PASSWORD = "added-user-secret-7788"


@pytest.fixture()
def service(connector, connections, seen):
    with running_service(connector, connections, seen, accept_connections=True) as client:
        yield client


def test_an_added_connection_is_named_used_and_never_echoed(service, sandbox):
    added = dict(sandbox.connection)
    answer = service.post("/connections", {"name": "added", "connection": added})
    assert (answer.status_code, answer.json()) == (201, {"name": "added"})
    assert service.get("/connections").json()["connections"][-1] == {"name": "added"}
    vendor = service.post("/actions/getVendor/invoke",
                          {"connection": "added", "inputs": {"recordNo": "4001"}})
    assert vendor.json()["data"]["_data"][0]["NAME"] == "Northwind Office Supply"
    assert "added" in service.get("/openapi.json").json()["components"]["schemas"][
        "ConnectionName"]["enum"]


def test_a_new_connections_secret_is_scrubbed_from_answers(service, sandbox):
    vendor = service.post("/actions/createVendor/invoke", {
        "connection": "sandbox", "inputs": {"vendorName": NEW_PASSWORD}}).json()
    recordno = vendor["data"]["_data"][0]["RECORDNO"]
    read = {"connection": "sandbox", "inputs": {"recordNo": recordno}}
    assert service.post("/actions/getVendor/invoke", read).json()["data"]["_data"][0][
        "NAME"] == NEW_PASSWORD  # not a secret yet
    wrong = dict(sandbox.connection, userId="nobody", userPassword=NEW_PASSWORD)
    assert service.post("/connections", {"name": "wrong-user", "connection": wrong}).ok
    assert service.post("/actions/getVendor/invoke", read).json()["data"]["_data"][0][
        "NAME"] == "***"
    refused = service.post("/actions/getVendor/invoke",
                           {"connection": "wrong-user", "inputs": {"recordNo": recordno}})
    assert refused.status_code == 502  # the company refused the sign-in: no such user
    assert NEW_PASSWORD not in refused.text


def test_every_problem_is_named_and_no_value_repeated(service, sandbox):
    before = service.get("/connections").json()
    bad = {**sandbox.connection, "userPassword": "", "senderPassword": 12345678,
           "endpointUrl": "http://169.254.169.254/latest", "colour": "blue"}
    bad.pop("companyId")
    answer = service.post("/connections", {"name": "sandbox", "connection": bad})
    assert answer.status_code == 422
    found = answer.json()["problems"]
    assert len(found) == len({p["path"] for p in found})  # each field once
    problems = {p["path"]: p["problem"] for p in found}
    assert {p["path"]: p["pointer"] for p in found} == {
        "name": "/name", "companyId": "/connection/companyId", "colour": "/connection/colour",
        "senderPassword": "/connection/senderPassword",
        "userPassword": "/connection/userPassword", "endpointUrl": "/connection/endpointUrl"}
    assert problems == {
        "name": "the service already has a connection of this name; choose another",
        "companyId": "is required",
        "colour": "is not a field of this connection",
        "senderPassword": "must be text",
        "userPassword": "must not be blank",
        "endpointUrl": problems["endpointUrl"]}
    assert problems["endpointUrl"].startswith("must name a host this service already uses (")
    assert "169.254" not in answer.text and "12345678" not in answer.text
    assert service.get("/connections").json() == before


@pytest.mark.parametrize("body, problems", [
    ({}, {"name": "is required", "connection": "is required"}),
    ({"name": "bad name!", "connection": []},
     {"name": "use letters, digits, _, . and - (at most 64), starting with a letter or digit",
      "connection": "must be a JSON object"}),
    ({"name": "x", "connection": {}, "extra": 1},
     {"extra": "unknown field; expected name, connection", "senderId": "is required",
      "userPassword": "is required"}),
    ({"name": 5, "connection": "text"},
     {"name": "must be a string", "connection": "must be a JSON object"}),
])
def test_the_body_is_checked(service, body, problems):
    answer = service.post("/connections", body)
    assert answer.status_code == 422
    paths = [p["path"] for p in answer.json()["problems"]]
    assert len(paths) == len(set(paths))  # each problem once
    found = {p["path"]: p["problem"] for p in answer.json()["problems"]}
    assert {path: found.get(path) for path in problems} == problems
    pointers = {p["path"]: p["pointer"] for p in answer.json()["problems"]}
    body_fields = {"name", "connection", "extra"}
    assert {path: pointers[path] for path in problems} == {
        path: f"/{path}" if path in body_fields else f"/connection/{path}" for path in problems}


def test_a_service_that_does_not_accept_connections_says_so(connector, connections, seen,
                                                             sandbox):
    with running_service(connector, connections, seen) as client:
        answer = client.post("/connections", {"name": "x", "connection": sandbox.connection})
        assert answer.status_code == 405
        assert "POST" not in answer.headers["Allow"]
        assert client.get("/connections").json()["connections"] == [
            {"name": name} for name in connections]
