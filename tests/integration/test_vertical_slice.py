"""The first vertical slice, end to end over HTTP against the sandbox, checking what is stored."""

import json
from pathlib import Path

import pytest
from shape import assert_same_shape

from connector.errors import FunctionError, InputError

ROOT = Path(__file__).resolve().parents[2]


def example(key: str):
    return json.loads((ROOT / "examples" / "outputs" / f"{key}.json").read_text())


def create_vendor(connector, connection, **inputs):
    out = connector.invoke("createVendor", {"vendorName": "Slice Vendor", **inputs}, connection)
    return out, out["data"]["_data"][0]["RECORDNO"]


def test_create_vendor_stores_every_given_field(connector, sandbox, connection):
    out, recordno = create_vendor(
        connector, connection, vendorId="V-SLICE-1", city="Paris", creditLimit="1500",
        onHold="true", active=False, customFields={"REGION": "EMEA"},
        primaryContactName="Ann Lee", taxId="98-7654321")
    assert_same_shape(out, example("createVendor"))
    assert out["data"]["_data"][0]["VENDORID"] == "V-SLICE-1"
    stored = sandbox.store.get("VENDOR", recordno)
    assert stored["NAME"] == "Slice Vendor" and stored["VENDORID"] == "V-SLICE-1"
    assert stored["DISPLAYCONTACT"]["PRINTAS"] == "Slice Vendor"
    assert stored["DISPLAYCONTACT"]["MAILADDRESS"]["CITY"] == "Paris"
    assert stored["CREDITLIMIT"] == "1500" and stored["ONHOLD"] == "true"
    assert stored["STATUS"] == "inactive" and stored["REGION"] == "EMEA"
    assert stored["CONTACTINFO"]["CONTACTNAME"] == "Ann Lee"


def test_hostile_text_is_stored_literally(connector, sandbox, connection):
    hostile = "</NAME><DELETE>&amp; & <x>"
    _, recordno = create_vendor(connector, connection, vendorName=hostile, comments=hostile)
    stored = sandbox.store.get("VENDOR", recordno)
    assert stored["NAME"] == hostile and stored["COMMENTS"] == hostile


def test_get_vendor_reads_back_with_field_selection(connector, connection):
    _, recordno = create_vendor(connector, connection, city="Lyon")
    full = connector.invoke("getVendor", {"recordNo": recordno}, connection)
    assert_same_shape(full, example("getVendor"))
    record = full["data"]["_data"][0]
    assert record["RECORDNO"] == recordno and record["DISPLAYCONTACT"]["MAILADDRESS"]["CITY"]
    some = connector.invoke("getVendor", {"recordNo": recordno, "field": "NAME,STATUS"},
                            connection)
    assert some["data"]["_data"] == [{"NAME": "Slice Vendor", "STATUS": "active"}]


def test_update_vendor_changes_only_what_is_given(connector, sandbox, connection):
    _, recordno = create_vendor(connector, connection, vendorId="V-SLICE-UPD", city="Oslo",
                                comments="keep me")
    out = connector.invoke("updateVendor", {"vendorId": "V-SLICE-UPD", "vendorName": "Renamed",
                                            "creditLimit": 99}, connection)
    assert_same_shape(out, example("updateVendor"))
    stored = sandbox.store.get("VENDOR", recordno)
    assert stored["NAME"] == "Renamed" and stored["CREDITLIMIT"] == "99"
    assert stored["COMMENTS"] == "keep me"
    assert stored["DISPLAYCONTACT"]["MAILADDRESS"]["CITY"] == "Oslo"


def test_delete_object_removes_several_records(connector, sandbox, connection):
    keys = [create_vendor(connector, connection)[1] for _ in range(3)]
    out = connector.invoke("deleteObject", {"object": "VENDOR", "keys": " , ".join(keys)},
                           connection)
    assert_same_shape(out, example("deleteObject"))
    assert out["data"]["response"]["operation"][0]["result"][0]["status"] == ["success"]
    assert all(sandbox.store.get("VENDOR", k) is None for k in keys)


def test_delete_of_a_missing_record_is_a_function_error(connector, connection):
    with pytest.raises(FunctionError) as caught:
        connector.invoke("deleteObject", {"object": "VENDOR", "keys": "999999"}, connection)
    assert caught.value.function == "delete" and caught.value.errors


def test_query_and_list_returns_every_page(connector, connection):
    # 1,205 vendors need two readMore pages after the first 1,000-record page.
    names = [f"Paged Vendor {i:04d}" for i in range(1205)]
    for start in range(0, len(names), 100):
        calls = [connector.prepare("createVendor", {"vendorName": name})
                 for name in names[start:start + 100]]
        assert all(o.status == "success" for o in connector.run_many(calls, connection))
    out = connector.invoke("queryAndList", {"objectName": "VENDOR", "field": "RECORDNO,NAME",
                                            "query": "NAME LIKE 'Paged Vendor%'"}, connection)
    assert_same_shape(out, example("queryAndList"))
    assert sorted(r["NAME"] for r in out["data"]) == names
    assert set(out["data"][0]) == {"RECORDNO", "NAME"}


def test_raw_request_json_xml_and_flat(connector, connection):
    _, recordno = create_vendor(connector, connection, vendorName="Raw Vendor")
    data = f"<read><object>VENDOR</object><keys>{recordno}</keys><fields>NAME</fields></read>"
    as_json = connector.invoke("rawRequest", {"data": data}, connection)
    assert_same_shape(as_json, example("rawRequest"))
    result = as_json["data"]["response"]["operation"][0]["result"][0]
    assert result["data"][0]["VENDOR"][0]["NAME"] == ["Raw Vendor"]
    flat = connector.invoke("rawRequest", {"data": data, "arrayJsonNodes": "false"}, connection)
    assert flat["data"]["response"]["operation"]["result"]["data"]["VENDOR"]["NAME"] == (
        "Raw Vendor")
    as_xml = connector.invoke("rawRequest", {"data": data, "responseType": "xml"}, connection)
    assert "<NAME>Raw Vendor</NAME>" in as_xml["data"]


def test_raw_request_options_reach_the_transport(connector, connection):
    options = connector.prepare("rawRequest", {
        "data": "<getAPISession/>", "maxRetryCount": 2, "retryDelayMs": 10,
        "useExponentialBackoff": False, "retryOnAllErrors": True, "timeout": 5000,
        "header": ["User-Agent: curl/7.64.1"]}).options
    assert options.retry.max_retries == 2 and options.retry.delay_ms == 10
    assert options.retry.exponential_backoff is False and options.retry.retry_on_all_errors
    assert options.retry.timeout_ms == 5000
    assert options.headers == {"User-Agent": "curl/7.64.1"}
    out = connector.invoke("rawRequest", {
        "data": "<readByQuery><object>VENDOR</object><fields>RECORDNO</fields><query/>"
                "<pagesize>1</pagesize></readByQuery>",
        "header": "X-Trace: slice", "maxRetryCount": 0, "timeout": 5000}, connection)
    assert out["data"]["response"]["operation"][0]["result"][0]["status"] == ["success"]


def test_select_vendor_lists_every_vendor_sorted_with_the_id_toggle(connector, sandbox,
                                                                    connection):
    create_vendor(connector, connection, vendorName="zzz last", vendorId="V-ZZZ")
    items = connector.picklist("selectVendor", {}, connection)
    assert len(items) == sandbox.store.count("VENDOR")
    labels = [i["label"] for i in items]
    assert labels == sorted(labels, key=str.casefold)
    by_id = connector.picklist("selectVendor", {"returnId": "true"}, connection)
    assert {"key": "V-ZZZ", "label": "zzz last"} in by_id
    assert all(not i["key"].isdigit() or i["key"] for i in by_id)


def test_bad_input_sends_nothing(connector, sandbox, connection):
    connector.invoke("getVendor", {"recordNo": "1"}, connection)  # session exists already
    before = sandbox.stats.snapshot()["requests"]
    with pytest.raises(InputError) as caught:
        connector.invoke("createVendor", {"creditLimit": "lots"}, connection)
    assert {p.path for p in caught.value.problems} == {"vendorName", "creditLimit"}
    assert sandbox.stats.snapshot()["requests"] == before
