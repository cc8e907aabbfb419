"""Triggers over the HTTP API: poll and ack, instances the service polls on a schedule and
delivers to a webhook (Idempotency-Key, retried until 2xx, acknowledged once taken), the
catalog and OpenAPI; no secret in any answer."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from trigger_support import T0, TRIGGER

from connector.intacct.sandbox.config import DEFAULT_SENDER_PASSWORD, DEFAULT_USER_PASSWORD
from connector.service import create_app, serving

TOKEN = "trigger-service-token-0123456789"


class Receiver:
    """A webhook target: records each delivery; answers 500 to the first `failures`."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[str, dict[str, Any]]] = []  # (Idempotency-Key, body)
        self.lock = threading.Lock()

    def accepted(self) -> list[tuple[str, dict[str, Any]]]:
        with self.lock:
            return list(self.received)


@contextmanager
def receiving(receiver: Receiver) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with receiver.lock:
                failing = receiver.failures > 0
                receiver.failures -= failing
                if not failing:
                    receiver.received.append((self.headers["Idempotency-Key"], body))
            self.send_response(500 if failing else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook?secret=s3"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def api(connector, gateway, state):
    app = create_app(connector, {"sandbox": gateway.connection}, TOKEN, state=state)
    seen: list[str] = []
    with serving(app) as url:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {TOKEN}"
        http.hooks["response"].append(lambda response, **_: seen.append(response.text))

        def call(method: str, path: str, body: Any = None) -> requests.Response:
            return http.request(method, url + path, json=body, timeout=60)

        yield call
        app.state.triggers.close()
        http.close()
    for text in seen:
        assert DEFAULT_USER_PASSWORD not in text and DEFAULT_SENDER_PASSWORD not in text
        assert TOKEN not in text


def eventually(check, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


VENDOR = {"inputs": {"resourceType": "VENDOR"}}


def test_poll_and_ack_over_http(api, writer):
    first = api("POST", f"/triggers/{TRIGGER}/poll", VENDOR)
    assert first.status_code == 200 and first.json()["baseline"] is True
    key = writer.at(T0).create("Over HTTP")
    polled = api("POST", f"/triggers/{TRIGGER}/poll", VENDOR).json()
    assert [e["record"]["RECORDNO"] for e in polled["events"]] == [key]
    again = api("POST", f"/triggers/{TRIGGER}/poll", VENDOR).json()
    assert again["events"] == polled["events"]
    acked = api("POST", f"/triggers/{TRIGGER}/ack", {"token": polled["ackToken"]})
    assert acked.json() == {"acknowledged": 1}
    assert api("POST", f"/triggers/{TRIGGER}/poll", VENDOR).json()["events"] == []


def test_instances_are_separate_feeds_and_reset_starts_over(api, writer):
    for instance in ("a", "b"):
        api("POST", f"/triggers/{TRIGGER}/poll", {**VENDOR, "instance": instance})
    key = writer.at(T0).create("Both see it")
    token = api("POST", f"/triggers/{TRIGGER}/poll", {**VENDOR, "instance": "a"}).json()[
        "ackToken"]
    api("POST", f"/triggers/{TRIGGER}/ack", {"token": token})
    b = api("POST", f"/triggers/{TRIGGER}/poll", {**VENDOR, "instance": "b"}).json()
    assert [e["record"]["RECORDNO"] for e in b["events"]] == [key]
    assert api("POST", f"/triggers/{TRIGGER}/reset", {**VENDOR, "instance": "b"}).json() == {
        "reset": True}
    assert api("POST", f"/triggers/{TRIGGER}/poll", {**VENDOR, "instance": "b"}).json()[
        "baseline"] is True


@pytest.mark.parametrize(("path", "body", "status", "where"), [
    (f"/triggers/{TRIGGER}/poll", {"inputs": {"resourceType": "VENDOR",
                                              "lookbackDate": "2999-01-01"}}, 422,
     "lookbackDate"),
    (f"/triggers/{TRIGGER}/poll", {"inputs": {}, "connection": "nope", "maxEvents": 0}, 422,
     "connection"),
    (f"/triggers/{TRIGGER}/poll", {**VENDOR, "instance": ""}, 422, "instance"),
    (f"/triggers/{TRIGGER}/ack", {"token": "forged"}, 422, "token"),
    (f"/triggers/{TRIGGER}/ack", {}, 422, "token"),
    ("/triggers/noSuchTrigger/poll", VENDOR, 404, None),
    (f"/triggers/{TRIGGER}/instances/x", {**VENDOR, "webhook": "ftp://x", "every": 0}, 422,
     "webhook"),
])
def test_bad_requests_name_every_problem_and_send_nothing(api, gateway, path, body, status,
                                                         where):
    gateway.stats.reset()
    answer = api("PUT" if "instances" in path else "POST", path, body)
    assert answer.status_code == status, answer.text
    if where:
        problems = answer.json()["problems"]
        assert where in [p["path"] for p in problems], problems
    assert gateway.stats.snapshot()["requests"] == 0


def test_a_registered_instance_delivers_to_its_webhook_until_accepted_once(api, writer):
    receiver = Receiver(failures=2)
    with receiving(receiver) as hook:
        put = api("PUT", f"/triggers/{TRIGGER}/instances/hooked",
                  {**VENDOR, "every": 1, "webhook": hook})
        assert put.status_code == 200, put.text
        assert put.json()["webhook"] == hook.split("/hook")[0]  # never the path or query
        assert eventually(lambda: api("GET", f"/triggers/{TRIGGER}/instances").json()[
            "instances"][0]["polls"] >= 1)  # the baseline
        key = writer.at(T0).create("Hooked")
        assert eventually(lambda: receiver.accepted())
        time.sleep(2.5)  # more polls: nothing more is delivered
        [(idempotency_key, body)] = receiver.accepted()
        assert body["changeType"] == "created" and body["record"]["RECORDNO"] == key
        assert idempotency_key == body["id"] and body["instance"] == "hooked"
        shown = api("GET", f"/triggers/{TRIGGER}/instances").json()["instances"][0]
        assert shown["delivered"] == 1 and shown["pending"] == 0 and shown["lastError"] is None

        # Disabled: changes wait; enabled again: its cursor goes on (no new baseline).
        assert api("DELETE", f"/triggers/{TRIGGER}/instances/hooked").json() == {
            "removed": True}
        later = writer.at(T0 + timedelta(seconds=5)).create("While disabled")
        time.sleep(1.5)
        assert len(receiver.accepted()) == 1
        api("PUT", f"/triggers/{TRIGGER}/instances/hooked", {**VENDOR, "every": 1,
                                                             "webhook": hook})
        assert eventually(lambda: len(receiver.accepted()) == 2)
        assert receiver.accepted()[1][1]["record"]["RECORDNO"] == later
    assert api("DELETE", f"/triggers/{TRIGGER}/instances/hooked").status_code == 200
    assert api("DELETE", f"/triggers/{TRIGGER}/instances/hooked").status_code == 404


def test_the_catalog_and_openapi_list_the_trigger(api):
    catalog = api("GET", "/catalog").json()
    [trigger] = catalog["triggers"]
    assert trigger["key"] == TRIGGER and trigger["output"]["schema"]["oneOf"]
    assert [i["key"] for i in trigger["inputs"]][:2] == ["connection", "resourceType"]
    assert api("GET", f"/triggers/{TRIGGER}").json()["key"] == TRIGGER
    document = api("GET", "/openapi.json").json()
    poll = document["paths"][f"/triggers/{TRIGGER}/poll"]["post"]
    body = poll["requestBody"]["content"]["application/json"]["schema"]
    inputs = document["components"]["schemas"][body["properties"]["inputs"]["$ref"].split("/")[-1]]
    assert inputs["properties"]["resourceType"]["title"] == "Resource Type"
    for path in ("/triggers/{key}/poll", "/triggers/{key}/ack",
                 "/triggers/{key}/instances/{instance}"):
        assert path in document["paths"]
