"""The HTTP API over a real loopback server in front of the sandbox: what a workflow platform
sees, and what the sandbox company holds afterwards."""

from __future__ import annotations

import pytest
from conftest import TOKEN, running_service, session_ids

PROTECTED = [
    ("GET", "/catalog", None),
    ("GET", "/connections", None),
    ("GET", "/openapi.json", None),
    ("GET", "/actions/createVendor", None),
    ("GET", "/datasources/selectVendor", None),
    ("POST", "/actions/createVendor/render", {"inputs": {"vendorName": "Nope"}}),
    ("POST", "/actions/createVendor/invoke",
     {"connection": "sandbox", "inputs": {"vendorName": "Must Not Exist"}}),
    ("POST", "/datasources/selectVendor", {"connection": "sandbox"}),
    ("GET", "/no/such/route", None),
]


def vendors_named(sandbox, name: str) -> list:
    return sandbox.store.find("VENDOR", NAME=name)


def test_health_needs_no_token(api, connector):
    response = api.get("/health", token=None)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["connector"] == connector.key and body["version"]


@pytest.mark.parametrize("token", [None, "wrong-token-0123456789", ""], ids=["none", "wrong",
                                                                             "empty"])
@pytest.mark.parametrize(("method", "path", "body"), PROTECTED,
                         ids=[f"{m} {p}" for m, p, _ in PROTECTED])
def test_protected_routes_refuse_without_the_token_and_run_nothing(api, sandbox, method, path,
                                                                    body, token):
    before = sandbox.stats.snapshot()["requests"]
    response = api.request(method, path, token=token, json=body)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "Unauthorized"
    assert sandbox.stats.snapshot()["requests"] == before
    assert vendors_named(sandbox, "Must Not Exist") == []


def test_other_schemes_are_refused(api):
    response = api.get("/catalog", token=None, headers={"Authorization": f"Basic {TOKEN}"})
    assert response.status_code == 401


def test_catalog_lists_every_action_and_data_source(api, connector):
    catalog = api.get("/catalog").json()
    assert {a["key"] for a in catalog["actions"]} == set(connector.actions)
    assert {d["key"] for d in catalog["datasources"]} == set(connector.datasources)
    assert catalog["connection"]["schema"]["required"]


def test_connections_are_listed_by_name_only(api, sandbox):
    response = api.get("/connections")
    assert response.json() == {"connections": [{"name": "sandbox"}, {"name": "wrong-sender"}]}
    assert sandbox.config.user_id not in response.text


def test_describe_an_action_and_a_data_source(api):
    action = api.get("/actions/getVendor").json()
    assert action["key"] == "getVendor" and action["schema"]["required"] == ["recordNo"]
    assert action["datasources"]["recordNo"]["datasource"] == "selectVendor"
    source = api.get("/datasources/selectVendor").json()
    assert source["key"] == "selectVendor" and source["object"] == "VENDOR"


@pytest.mark.parametrize("path", ["/actions/noSuchAction", "/datasources/noSuchSource",
                                  "/no/such/route"])
def test_unknown_keys_and_routes_are_404_json(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["code"] in {"UnknownKey", "NotFound"}


def test_unknown_action_on_invoke_is_404_and_sends_nothing(api, sandbox):
    before = sandbox.stats.snapshot()["requests"]
    response = api.post("/actions/noSuchAction/invoke", {"connection": "sandbox"})
    assert response.status_code == 404 and response.json()["code"] == "UnknownKey"
    assert sandbox.stats.snapshot()["requests"] == before


def test_render_returns_redacted_xml_and_sends_nothing(api, sandbox):
    before = sandbox.stats.snapshot()["requests"]
    response = api.post("/actions/createVendor/render",
                        {"inputs": {"vendorName": "Render & <Co>", "vendorId": "V-RENDER"}})
    assert response.status_code == 200
    xml = response.json()["xml"]
    assert "<NAME>Render &amp; &lt;Co&gt;</NAME>" in xml and "<VENDORID>V-RENDER</VENDORID>" in xml
    with_connection = api.post("/actions/createVendor/render",
                               {"connection": "sandbox", "inputs": {"vendorName": "R"}}).json()
    assert f"<senderid>{sandbox.config.sender_id}</senderid>" in with_connection["xml"]
    for text in (xml, with_connection["xml"]):
        assert sandbox.config.sender_password not in text
        assert sandbox.config.user_password not in text
    assert sandbox.stats.snapshot()["requests"] == before
    assert vendors_named(sandbox, "Render & <Co>") == []


def test_render_with_invalid_inputs_is_422(api):
    response = api.post("/actions/getVendor/render", {"inputs": {}})
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == ["recordNo"]


def test_invoke_creates_the_vendor_in_the_sandbox(api, sandbox):
    response = api.post("/actions/createVendor/invoke", {
        "connection": "sandbox",
        "inputs": {"vendorName": "Service Vendor", "vendorId": "V-SVC-1", "city": "Turin"}})
    assert response.status_code == 200
    record = response.json()["data"]["_data"][0]
    stored = sandbox.store.get("VENDOR", record["RECORDNO"])
    assert stored["NAME"] == "Service Vendor" and stored["VENDORID"] == "V-SVC-1"
    assert stored["DISPLAYCONTACT"]["MAILADDRESS"]["CITY"] == "Turin"


def test_invoke_returns_the_shaped_output_of_the_connector(api, connector, sandbox):
    response = api.post("/actions/getVendor/invoke",
                        {"connection": "sandbox", "inputs": {"recordNo": "4002"}})
    assert response.status_code == 200
    direct = connector.invoke("getVendor", {"recordNo": "4002"}, sandbox.connection)
    served = response.json()
    assert set(served) == {"data"}
    assert served["data"]["_data"] == direct["data"]["_data"]
    assert served["data"]["_status"] == "success"


def test_invalid_inputs_are_422_with_every_problem_and_nothing_is_sent(api, sandbox):
    before = sandbox.stats.snapshot()["requests"]
    count = sandbox.store.count("VENDOR")
    response = api.post("/actions/createVendor/invoke", {
        "connection": "sandbox",
        "inputs": {"vendorName": 5, "creditLimit": "a lot", "active": "maybe"}})
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "InputError"
    assert {p["path"]: p["title"] for p in error["problems"]} == {
        "vendorName": "Vendor Name", "creditLimit": "Credit Limit", "active": "Active Status"}
    assert sandbox.stats.snapshot()["requests"] == before
    assert sandbox.store.count("VENDOR") == count


def test_unknown_connection_is_422_together_with_the_input_problems(api, sandbox):
    before = sandbox.stats.snapshot()["requests"]
    response = api.post("/actions/getVendor/invoke", {"connection": "prod", "inputs": {}})
    assert response.status_code == 422
    problems = {p["path"]: p["problem"] for p in response.json()["problems"]}
    assert set(problems) == {"connection", "recordNo"}
    assert "sandbox" in problems["connection"] and "wrong-sender" in problems["connection"]
    assert sandbox.stats.snapshot()["requests"] == before


def test_connection_must_be_named_when_several_are_configured(api):
    response = api.post("/actions/getVendor/invoke", {"inputs": {"recordNo": "4001"}})
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == ["connection"]


def test_the_only_connection_is_used_when_none_is_named(connector, sandbox, seen):
    with running_service(connector, {"sandbox": sandbox.connection}, seen) as single:
        response = single.post("/actions/getVendor/invoke", {"inputs": {"recordNo": "4003"}})
        assert response.status_code == 200
        assert response.json()["data"]["_data"][0]["RECORDNO"] == "4003"


@pytest.mark.parametrize(("body", "paths"), [
    ({"connection": 7, "inputs": {"recordNo": "4001"}}, ["connection"]),
    ({"connection": "sandbox", "inputs": ["4001"]}, ["inputs"]),
    ({"connection": "sandbox", "input": {"recordNo": "4001"}}, ["input", "recordNo"]),
])
def test_wrong_request_fields_are_422_with_their_paths(api, body, paths):
    response = api.post("/actions/getVendor/invoke", body)
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == paths


def test_a_gateway_business_error_is_400_with_its_fields(api, sandbox):
    response = api.post("/actions/createVendor/invoke", {
        "connection": "sandbox", "inputs": {"vendorName": "Duplicate", "vendorId": "V-00101"}})
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "FunctionError" and error["layer"] == "function"
    assert error["function"] == "create" and error["aborted"] is False and error["controlid"]
    assert [e["errorno"] for e in error["errors"]] == ["BL34000061", "BL01001973"]
    assert "V-00101 already exists" in error["errors"][0]["description2"]
    assert error["errors"][0]["correction"]
    assert "raw_response" not in error and "<response>" not in response.text
    assert vendors_named(sandbox, "Duplicate") == []


def test_a_refused_sender_is_502_without_the_password(api, sandbox):
    response = api.post("/actions/getVendor/invoke",
                        {"connection": "wrong-sender", "inputs": {"recordNo": "4001"}})
    assert response.status_code == 502
    error = response.json()
    assert error["code"] == "ControlError" and error["layer"] == "control"
    assert error["errors"][0]["errorno"] == "XL03000006"


def test_a_gateway_timeout_is_504(api, sandbox):
    sandbox.faults.latency_ms = 1000
    try:
        response = api.post("/actions/rawRequest/invoke", {"connection": "sandbox", "inputs": {
            "data": "<read><object>VENDOR</object><keys>4001</keys><fields>NAME</fields></read>",
            "timeout": 200, "maxRetryCount": 0}})
    finally:
        sandbox.faults.latency_ms = 0
    assert response.status_code == 504
    assert response.json()["code"] == "TransportError"


@pytest.mark.parametrize(("fault", "status"), [(503, 502), ("html:520", 502), (429, 503),
                                               (524, 504)])
def test_gateway_http_failures_map_to_upstream_statuses(api, sandbox, fault, status):
    sandbox.faults.sequence = [fault]
    try:
        response = api.post("/actions/rawRequest/invoke", {"connection": "sandbox", "inputs": {
            "data": "<read><object>VENDOR</object><keys>4001</keys><fields>NAME</fields></read>",
            "maxRetryCount": 0}})
    finally:
        sandbox.faults.sequence = []
    assert response.status_code == status
    error = response.json()
    assert error["code"] == "TransportError" and error["upstream_status"] == int(str(fault)[-3:])
    assert "<html" not in response.text.lower()


def test_upstream_rate_limiting_passes_retry_after_on(connector, seen):
    from connector.intacct.sandbox import SandboxConfig, running_sandbox

    with running_sandbox(config=SandboxConfig(rate_limit_per_second=0.2)) as limited, \
            running_service(connector, {"limited": limited.connection}, seen) as service:
        response = service.post("/actions/rawRequest/invoke", {"inputs": {
            "data": "<read><object>VENDOR</object><keys>4001</keys><fields>NAME</fields></read>",
            "maxRetryCount": 0}})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["upstream_status"] == 429


def test_session_ids_in_outputs_are_redacted(api, sandbox):
    response = api.post("/actions/rawRequest/invoke",
                        {"connection": "sandbox", "inputs": {"data": "<getAPISession/>"}})
    assert response.status_code == 200
    api_block = response.json()["data"]["response"]["operation"][0]["result"][0]["data"][0]
    assert api_block["api"][0]["sessionid"] == ["***"]
    assert session_ids(sandbox)
    assert all(sid not in response.text for sid in session_ids(sandbox))


def test_datasource_items(api, sandbox):
    response = api.post("/datasources/selectVendor", {"connection": "sandbox"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == sandbox.store.count("VENDOR")
    assert {"key": "4001", "label": "Northwind Office Supply"} in items
    ids = api.post("/datasources/selectVendor",
                   {"connection": "sandbox", "inputs": {"returnId": True}}).json()["items"]
    assert {"key": "V-00101", "label": "Northwind Office Supply"} in ids


def test_datasource_search_and_limit(api):
    def items(**body):
        response = api.post("/datasources/selectVendor", {"connection": "sandbox", **body})
        assert response.status_code == 200
        return response.json()["items"]

    assert [i["key"] for i in items(search="NORTHWIND")] == ["4001"]
    assert [i["key"] for i in items(search="northwind")] == ["4001"]
    assert items(search="no vendor is called this") == []
    everything = items()
    assert items(limit=2) == everything[:2]
    last = everything[-1]
    # The gateway does the matching: a page of one item finds the last vendor at once.
    assert items(search=last["label"], limit=1) == [last]


def test_a_search_is_text_inside_the_query_whatever_it_holds(api, sandbox):
    created = api.post("/actions/createVendor/invoke", {
        "connection": "sandbox", "inputs": {"vendorName": "O'Brien Supplies"}})
    assert created.status_code == 200

    def search(text):
        response = api.post("/datasources/selectVendor", {"connection": "sandbox",
                                                           "search": text})
        assert response.status_code == 200, response.text
        return [item["label"] for item in response.json()["items"]]

    assert search("o'brien") == ["O'Brien Supplies"]
    assert search("' OR NAME LIKE '%") == []
    assert search("x') OR (1 = 1") == []


def test_datasource_pages_follow_the_cursor(api, sandbox):
    def page(**body):
        response = api.post("/datasources/selectVendor", {"connection": "sandbox", **body})
        assert response.status_code == 200, response.text
        return response.json()

    seen, cursor = [], None
    while True:
        answer = page(limit=3, **({"cursor": cursor} if cursor else {}))
        seen += answer["items"]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
        assert len(answer["items"]) == 3
    assert len(seen) == sandbox.store.count("VENDOR")
    assert len({item["key"] for item in seen}) == len(seen)
    first = page(limit=3)
    other = api.post("/datasources/selectVendor", {"connection": "sandbox", "limit": 3,
                                                   "search": "a",
                                                   "cursor": first["next_cursor"]})
    assert other.status_code == 422
    assert other.json()["problems"][0]["pointer"] == "/cursor"


@pytest.mark.parametrize(("body", "path"), [({"limit": 0}, "limit"), ({"limit": "5"}, "limit"),
                                            ({"search": 5}, "search")])
def test_datasource_wrong_fields_are_422(api, body, path):
    response = api.post("/datasources/selectVendor", {"connection": "sandbox", **body})
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == [path]


def test_api_answers_are_not_cached(api):
    assert api.get("/catalog").headers["Cache-Control"] == "no-store"


def test_a_wrong_method_is_405_json_naming_the_method_and_route(api):
    response = api.get("/actions/getVendor/invoke")
    assert response.status_code == 405
    error = response.json()
    assert error["code"] == "MethodNotAllowed"
    assert "POST" in response.headers["Allow"]
    assert error["detail"] == "GET is not allowed on /actions/getVendor/invoke; use POST"


def test_a_405_on_a_data_source_lists_both_of_its_methods(api):
    response = api.request("PUT", "/datasources/selectVendor", json={})
    assert response.status_code == 405
    allowed = {"GET", "HEAD", "POST"}
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    message = response.json()["detail"]
    assert message.startswith("PUT is not allowed on /datasources/selectVendor; use ")
    assert set(message.split("; use ")[1].split(", ")) == allowed


@pytest.mark.parametrize("path", ["/no/such/route", "/static/no-such-file.js"])
def test_a_404_names_the_path(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["detail"] == f"nothing at {path}"
