"""What an operator and a platform see of the service: request ids, one access-log line per
request, Prometheus metrics, readiness, problem details with JSON Pointers, Idempotency-Key,
paged and streamed lists, and the connection test. Real server on loopback, real sandbox."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest
import requests
from conftest import TOKEN, WRONG_SENDER_PASSWORD, running_service

from connector import telemetry
from connector.coordination.sqlite_state import SQLiteStateStore
from connector.core import load_connector, load_manifest
from connector.intacct.sandbox import SandboxConfig, running_sandbox
from connector.plugins import collect, plugin_manager
from connector.scaffold import new_plugin


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    store = SQLiteStateStore(tmp_path_factory.mktemp("state") / "state.sqlite3")
    yield store
    store.close()


@pytest.fixture(scope="module")
def ops(connector, connections, seen, state):
    with running_service(connector, connections, seen, state=state) as client:
        yield client


def access_lines(caplog, request_id: str, deadline: float = 5.0) -> list[str]:
    """The access-log lines of one request. The line is written once the answer is sent, so
    the client may read the answer a moment before it: wait for it, with a deadline."""
    end = time.monotonic() + deadline
    while True:
        lines = [r.getMessage() for r in caplog.records
                 if r.name == "connector.access" and request_id in r.getMessage()]
        if lines or time.monotonic() > end:
            return lines
        time.sleep(0.01)


def test_a_request_id_is_accepted_or_made_and_echoed_in_errors_and_the_log(ops, caplog):
    caplog.set_level(logging.INFO, logger="connector.access")
    given = ops.post("/actions/createVendor/invoke", {"inputs": {"creditLimit": "lots"}},
                     headers={"X-Request-ID": "platform-run-42"})
    made = ops.get("/catalog", token=None)
    assert given.headers["X-Request-ID"] == "platform-run-42"
    assert given.json()["request_id"] == "platform-run-42"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert made.json()["request_id"] == made.headers["X-Request-ID"]
    [line] = access_lines(caplog, "platform-run-42")
    assert "status=422" in line
    [line] = access_lines(caplog, made.headers["X-Request-ID"])
    assert "status=401" in line
    odd = ops.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert odd.headers["X-Request-ID"] != "bad id\twith spaces"


def test_one_access_line_per_request_with_route_key_and_connection(ops, caplog, sandbox):
    caplog.set_level(logging.INFO, logger="connector.access")
    answer = ops.post("/actions/getVendor/invoke", {"connection": "sandbox",
                                                    "inputs": {"recordNo": "4001"}})
    [line] = access_lines(caplog, answer.headers["X-Request-ID"])
    assert line.startswith("event='request' method='POST' route='/actions/{key}/invoke' "
                           "status=200 duration_ms=")
    assert "key='getVendor'" in line and "connection='sandbox'" in line
    assert "4001" not in line and sandbox.config.user_password not in line


def test_the_access_log_is_json_on_request(connector, connections, caplog, state):
    caplog.set_level(logging.INFO, logger="connector.access")
    with running_service(connector, connections, [], state=state, log_format="json") as client:
        answer = client.post("/actions/getVendor/invoke", {"connection": "wrong-sender",
                                                           "inputs": {"recordNo": "4001"}})
        lines = access_lines(caplog, answer.headers["X-Request-ID"])
    [entry] = [json.loads(line) for line in lines]
    assert {k: entry[k] for k in ("method", "route", "status", "key", "connection")} == {
        "method": "POST", "route": "/actions/{key}/invoke", "status": 502, "key": "getVendor",
        "connection": "wrong-sender"}
    assert entry["duration_ms"] > 0 and entry["timestamp"] and entry["request_id"]
    assert WRONG_SENDER_PASSWORD not in json.dumps(entry)


def test_metrics_count_requests_gateway_calls_sign_ins_and_slot_waits(connector, state):
    with running_sandbox(db=":memory:", seed="demo") as fresh, \
            running_service(connector, {"fresh": fresh.connection}, [], state=state) as client:
        for _ in range(3):
            assert client.post("/actions/getVendor/invoke",
                               {"inputs": {"recordNo": "4001"}}).status_code == 200
        assert client.get("/metrics", token=None).status_code == 401
        text = client.get("/metrics").text
    assert metric(text, "connector_http_requests_total", method="POST",
                  route="/actions/{key}/invoke", status="200") == 3
    # one sign-in and three reads; these counters hear every app of the process, so at least
    assert metric(text, "connector_session_sign_ins_total", protocol="intacct-xml",
                  outcome="ok") >= 1
    assert metric(text, "connector_gateway_calls_total", protocol="intacct-xml",
                  outcome="ok") >= 4
    assert metric(text, "connector_slot_wait_seconds_count", protocol="intacct-xml") >= 4
    assert metric(text, "connector_http_request_duration_seconds_count", method="POST",
                  route="/actions/{key}/invoke") == 3


def test_metrics_count_retries_and_rate_limiting(connector, state):
    config = SandboxConfig(rate_limit_per_second=0.2)
    with running_sandbox(config=config) as limited, \
            running_service(connector, {"limited": limited.connection}, [],
                            state=state) as client:
        for _ in range(2):
            client.post("/actions/getVendor/invoke", {"inputs": {"recordNo": "4001"}})
        text = client.get("/metrics").text
    assert metric(text, "connector_gateway_rate_limited_total", protocol="intacct-xml") >= 1
    assert metric(text, "connector_gateway_retries_total", protocol="intacct-xml") >= 1


def test_trigger_counters_are_ready_for_the_poller(ops):
    telemetry.trigger_poll("newVendors", "ok")
    telemetry.trigger_events("newVendors", 3)
    text = ops.get("/metrics").text
    assert metric(text, "connector_trigger_polls_total", trigger="newVendors",
                  outcome="ok") >= 1
    assert metric(text, "connector_trigger_events_total", trigger="newVendors") >= 3


def metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line
                                               for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {name}{{{wanted}}} in the metrics")


def test_health_is_liveness_and_ready_checks_the_state_store(connector, connections, tmp_path):
    broken = SQLiteStateStore(tmp_path / "state.sqlite3")
    with running_service(connector, connections, [], state=broken) as client:
        assert client.get("/ready", token=None).json() == {"status": "ready",
                                                           "checks": {"state": "ok"}}
        broken.close()
        (tmp_path / "state.sqlite3").unlink()
        (tmp_path / "state.sqlite3").mkdir()  # the store's file is gone for good
        answer = client.get("/ready", token=None)
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "NotReady"
        assert answer.json()["checks"]["state"].startswith("failed")
        assert client.get("/health", token=None).status_code == 200


def test_input_problems_point_at_the_field_including_an_unknown_one(ops):
    response = ops.post("/actions/createVendor/invoke", {
        "connection": "sandbox", "inputs": {"creditLimit": "lots", "vendrName": "x"},
        "input": {}})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://github.com/lowcode-connector/problems/input-error"
    assert body["title"] == "Invalid input" and body["status"] == 422
    assert body["instance"] == "/actions/createVendor/invoke"
    pointers = {p["pointer"]: p["problem"] for p in body["problems"]}
    assert set(pointers) == {"/input", "/inputs/creditLimit", "/inputs/vendrName",
                             "/inputs/vendorName"}
    assert "did you mean 'vendorName'" in pointers["/inputs/vendrName"]


def test_an_idempotency_key_applies_a_retried_create_once(ops, sandbox):
    body = {"connection": "sandbox", "inputs": {"vendorName": "Idempotent Vendor"}}
    key = {"Idempotency-Key": "create-idempotent-vendor-1"}
    first = ops.post("/actions/createVendor/invoke", body, headers=key)
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    again = ops.post("/actions/createVendor/invoke", body, headers=key)  # a retry
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["data"]["_alreadyApplied"] is True
    assert len(sandbox.store.find("VENDOR", NAME="Idempotent Vendor")) == 1
    other = ops.post("/actions/createVendor/invoke",
                     {"connection": "sandbox", "inputs": {"vendorName": "Other Data"}},
                     headers=key)
    assert other.status_code == 422
    assert other.json()["problems"][0]["header"] == "Idempotency-Key"
    assert sandbox.store.find("VENDOR", NAME="Other Data") == []


def test_the_same_key_on_another_connection_is_another_call(ops, connector, state, sandbox):
    body = {"inputs": {"vendorName": "Per Connection Vendor"}}
    key = {"Idempotency-Key": "shared-key-7"}
    assert ops.post("/actions/createVendor/invoke", {**body, "connection": "sandbox"},
                    headers=key).status_code == 200
    with running_sandbox(db=":memory:", seed="demo") as second, \
            running_service(connector, {"second": second.connection}, [],
                            state=state) as client:
        answer = client.post("/actions/createVendor/invoke", body, headers=key)
        assert answer.status_code == 200 and "Idempotent-Replayed" not in answer.headers
        assert len(second.store.find("VENDOR", NAME="Per Connection Vendor")) == 1


def test_a_malformed_idempotency_key_is_refused_before_sending(ops, sandbox):
    before = sandbox.stats.snapshot()["requests"]
    answer = ops.post("/actions/createVendor/invoke",
                      {"connection": "sandbox", "inputs": {"vendorName": "Never"}},
                      headers={"Idempotency-Key": "has space"})
    assert answer.status_code == 422 and answer.json()["problems"][0]["header"]
    assert sandbox.stats.snapshot()["requests"] == before


@pytest.fixture(scope="module")
def small_pages(tmp_path_factory):
    """A connector whose list action has a page size input: the one `connector new plugin`
    writes."""
    directory = tmp_path_factory.mktemp("plugin")
    registry = collect(plugin_manager())
    template = load_connector(registry=registry)
    new_plugin(directory, "pager", template,
               lambda path: load_manifest(path, registry, cache=False))
    loaded = load_connector(directory / "pager" / "pager" / "manifest.yaml", registry=registry)
    yield loaded
    loaded.close()
    template.close()


def test_a_list_action_pages_with_cursors(small_pages, sandbox, state):
    inputs = {"object": "VENDOR", "fields": "RECORDNO,NAME", "pageSize": 3}
    seen, cursor, pages = [], None, 0
    with running_service(small_pages, {"sandbox": sandbox.connection}, [],
                         state=state) as client:
        while True:
            body = {"inputs": inputs, **({"cursor": cursor} if cursor else {"page": True})}
            answer = client.post("/actions/listRecords/invoke", body)
            assert answer.status_code == 200, answer.text
            seen += answer.json()["data"]
            pages += 1
            cursor = answer.json()["next_cursor"]
            if cursor is None:
                break
    assert pages > 2 and all(set(record) == {"RECORDNO", "NAME"} for record in seen)
    assert sorted(r["RECORDNO"] for r in seen) == sorted(
        str(r["RECORDNO"]) for r in sandbox.store.find("VENDOR"))


def test_a_list_action_streams_ndjson(ops, sandbox):
    response = ops.http.post(f"{ops.url}/actions/queryAndList/invoke", stream=True,
                             headers={"Authorization": f"Bearer {TOKEN}",
                                      "Accept": "application/x-ndjson"},
                             json={"connection": "sandbox",
                                   "inputs": {"objectName": "VENDOR",
                                              "field": "RECORDNO,NAME"}}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    records = [json.loads(line) for line in response.iter_lines() if line]
    assert len(records) == len(sandbox.store.find("VENDOR"))
    assert all(set(record) == {"RECORDNO", "NAME"} for record in records)
    refused = ops.http.post(f"{ops.url}/actions/queryAndList/invoke",
                            headers={"Authorization": f"Bearer {TOKEN}",
                                     "Accept": "application/x-ndjson"},
                            json={"connection": "sandbox", "inputs": {}}, timeout=30)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["pointer"] == "/inputs/objectName"


def test_the_connection_test_route_signs_in_and_reports(ops, sandbox):
    good = ops.post("/connections/sandbox/test")
    assert good.status_code == 200
    report = good.json()
    assert report["connection"] == "sandbox" and report["ok"] is True
    assert report["checks"][0] == {"name": "sign in", "ok": True, "detail": (
        f"signed in as user {sandbox.config.user_id} of company {sandbox.config.company_id}")}
    bad = ops.post("/connections/wrong-sender/test").json()
    assert bad["ok"] is False and bad["checks"][0]["name"] == "sign in"
    assert WRONG_SENDER_PASSWORD not in json.dumps(bad)
    assert ops.post("/connections/nope/test").status_code == 404


def test_a_closed_pipe_of_a_stream_leaves_the_service_answering(ops):
    with requests.post(f"{ops.url}/actions/queryAndList/invoke", stream=True,
                       headers={"Authorization": f"Bearer {TOKEN}",
                                "Accept": "application/x-ndjson"},
                       json={"connection": "sandbox",
                             "inputs": {"objectName": "VENDOR"}},
                       timeout=30) as response:
        next(response.iter_lines())
    assert ops.get("/health").status_code == 200
