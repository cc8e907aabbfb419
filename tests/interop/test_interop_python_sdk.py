"""The PyPI package `sageintacctsdk`, unchanged, against the sandbox over HTTPS."""

from __future__ import annotations

import pytest

from connector.intacct.sandbox import DEFAULT_CONNECTION, SandboxConfig, running_sandbox

sageintacctsdk = pytest.importorskip("sageintacctsdk")

pytestmark = pytest.mark.interop


@pytest.fixture
def sdk_and_sandbox(intacct_cert, intacct_to_loopback, monkeypatch):
    certfile, keyfile = intacct_cert
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certfile)  # requests trusts the throwaway cert
    config = SandboxConfig(
        certfile=certfile,
        keyfile=keyfile,
        public_url="https://sandbox.intacct.com/ia/xml/xmlgw.phtml",
    )
    with running_sandbox(config=config) as sandbox:
        intacct_to_loopback(sandbox.port)
        sdk = sageintacctsdk.SageIntacctSDK(
            sender_id=DEFAULT_CONNECTION["senderId"],
            sender_password=DEFAULT_CONNECTION["senderPassword"],
            user_id=DEFAULT_CONNECTION["userId"],
            company_id=DEFAULT_CONNECTION["companyId"],
            user_password=DEFAULT_CONNECTION["userPassword"],
        )
        yield sdk, sandbox


def test_python_sdk_session_create_read_query_update_delete(sdk_and_sandbox) -> None:
    sdk, sandbox = sdk_and_sandbox
    assert sandbox.stats.sessions_created == 1
    store = sandbox.store

    created = sdk.vendors.post({"VENDORID": "PY-1", "NAME": "Python vendor"})
    assert created["status"] == "success"
    recordno = created["data"]["vendor"]["RECORDNO"]
    assert store.get("VENDOR", recordno)["NAME"] == "Python vendor"
    for n in (2, 3):
        sdk.vendors.post({"VENDORID": f"PY-{n}", "NAME": f"Python vendor {n}"})

    read = sdk.api_base.format_and_send_request(
        {"read": {"object": "VENDOR", "keys": recordno, "fields": "VENDORID,NAME"}}
    )
    assert read["data"]["VENDOR"] == {"VENDORID": "PY-1", "NAME": "Python vendor"}

    page = sdk.api_base.format_and_send_request(
        {
            "readByQuery": {
                "object": "VENDOR",
                "fields": "VENDORID",
                "query": "VENDORID LIKE 'PY-%'",
                "pagesize": "2",
            }
        }
    )["data"]
    assert (page["@totalcount"], page["@numremaining"]) == ("3", "1")
    more = sdk.api_base.format_and_send_request({"readMore": {"resultId": page["@resultId"]}})[
        "data"
    ]
    ids = [v["VENDORID"] for v in page["vendor"]] + [more["vendor"]["VENDORID"]]
    assert ids == ["PY-1", "PY-2", "PY-3"]

    queried = sdk.vendors.get(field="VENDORID", value="PY-2")
    assert queried["@totalcount"] == "1"
    assert queried["VENDOR"][0]["NAME"] == "Python vendor 2"  # the SDK forces a list
    everything = sdk.vendors.get_all()
    assert len(everything) == store.count("VENDOR")
    by_query = sdk.vendors.get_by_query(and_filter=[("like", "VENDORID", "PY-%")])
    assert sorted(v["VENDORID"] for v in by_query) == ["PY-1", "PY-2", "PY-3"]
    assert sdk.vendors.count(field="STATUS", value="active") == store.count("VENDOR")

    sdk.vendors.update({"RECORDNO": recordno, "NAME": "Renamed"})
    assert store.get("VENDOR", recordno)["NAME"] == "Renamed"

    deleted = sdk.vendors.delete(recordno)
    assert deleted["status"] == "success"
    assert store.get("VENDOR", recordno) is None


def test_python_sdk_reports_gateway_errors(sdk_and_sandbox) -> None:
    sdk, sandbox = sdk_and_sandbox
    with pytest.raises(sageintacctsdk.exceptions.WrongParamsError) as info:
        sdk.vendors.post({"VENDORID": "V-00101", "NAME": "duplicate"})
    errors = info.value.response["error"]
    assert [e["errorno"] for e in errors] == ["BL34000061", "BL01001973"]
    assert len(sandbox.store.find("VENDOR", VENDORID="V-00101")) == 1
