"""Parsing gateway responses into results and typed errors (XML shaped like the gateway's)."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from connector.calls import Call, CallOptions, OutputSpec
from connector.errors import AuthenticationError, FunctionError
from connector.intacct.errors import ControlError, ResponseFormatError
from connector.intacct.response import first_failure, parse_response
from connector.intacct.shaping import shape, summary

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def raise_for_failures(response):
    failed = first_failure(response.results)
    if failed is not None:
        raise failed.error(response.raw.decode())


def shaped(mode, response, arrays=True, inputs=None):
    call = Call(SimpleNamespace(key="readVendor"), inputs or {}, (), CallOptions(),
                OutputSpec(mode, arrays), frozenset(inputs or {}))
    return shape(call, response, response.results)


def test_function_failure_keeps_every_error_field_and_decodes_support_id():
    response = parse_response(load("function_failure.xml"))
    with pytest.raises(FunctionError) as caught:
        raise_for_failures(response)
    error = caught.value
    assert error.function == "create" and error.controlid == "testFunctionId"
    assert not error.aborted
    assert [e.errorno for e in error.errors] == ["BL01001973", "BL01001973"]
    first = error.errors[0]
    assert first.description == "Duplicate account number"
    assert first.description2.startswith("The account number '5000.11' already exists")
    assert first.correction == "Enter unique account number"
    assert first.support_id == "EsppO~ZEcj0DEGV_L5hm95Ec91twAAABA"
    assert "<errorno>BL01001973</errorno>" in error.raw_response


def test_control_failure_is_its_own_type():
    with pytest.raises(ControlError) as caught:
        parse_response(load("control_failure.xml"))
    assert caught.value.errors[0].description == "Invalid Web Services Authorization"
    assert caught.value.exit_code == 1


def test_authentication_failure_runs_no_function():
    with pytest.raises(AuthenticationError) as caught:
        parse_response(load("auth_failure.xml"))
    assert caught.value.errors[0].description2 == "Sign-in information is incorrect"


def test_aborted_function_is_distinguishable_from_the_failed_one():
    response = parse_response(load("transaction_rollback.xml"))
    assert [r.status for r in response.results] == ["aborted", "failure"]
    with pytest.raises(FunctionError) as caught:
        raise_for_failures(response)
    assert caught.value.controlid == "second" and not caught.value.aborted
    assert caught.value.errors[0].errorno == "BL34000061"


@pytest.mark.parametrize("body", [
    b"",
    b"  \n",
    b"<html><body><h1>520: Web server is returning an unknown error</h1></body></html>",
    b"<!DOCTYPE html><html><head><title>Cloudflare</title></head></html>",
    b"<response><control><status>success</status>",
    b"not xml at all",
    b"<?xml version='1.0'?><other/>",
    b"<response><operation/></response>",
])
def test_an_incomplete_answer_is_an_unknown_outcome_to_retry(body):
    """The request was sent; an answer that is not a whole response says nothing of whether
    it ran, so it is never final: retried with the same control ids (uniqueid makes it safe)."""
    with pytest.raises(ResponseFormatError) as caught:
        parse_response(body, http_status=200)
    assert caught.value.transient is True and caught.value.sent is True


def test_a_doctype_in_a_response_is_refused():
    body = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "boom">]><response>&x;</response>'
    with pytest.raises(ResponseFormatError, match="DOCTYPE"):
        parse_response(body)


def test_wrong_encoding_is_a_clear_error():
    body = '<?xml version="1.0" encoding="UTF-8"?><response>caf\xe9</response>'.encode("latin-1")
    with pytest.raises(ResponseFormatError, match="not well-formed"):
        parse_response(body)


def test_read_result_summary_matches_the_reference_shape():
    response = parse_response(load("read_vendor.xml"))
    shaped = summary(response.results[0])
    assert shaped["_status"] == "success" and shaped["_functionName"] == "read"
    assert shaped["_controlId"] == "a3f5bbad-6f3f-417d-a8fc-df1646581234"
    assert shaped["_listType"] == "VENDOR" and shaped["_count"] == 1
    vendor = shaped["_data"][0]
    assert vendor["RECORDNO"] == "12345" and vendor["NAME1099"] == ""
    assert vendor["DISPLAYCONTACT"]["MAILADDRESS"]["COUNTRYCODE"] == "US"


def test_response_mode_is_xml2js_with_and_without_arrays():
    response = parse_response(load("read_vendor.xml"))
    with_arrays = shaped("response", response, arrays=True)
    result = with_arrays["response"]["operation"][0]["result"][0]
    assert result["data"][0]["$"] == {"listtype": "VENDOR", "count": "1"}
    assert result["data"][0]["VENDOR"][0]["RECORDNO"] == ["12345"]
    flat = shaped("response", response, arrays=False)
    assert flat["response"]["operation"]["result"]["data"]["VENDOR"]["RECORDNO"] == "12345"


def test_record_and_xml_modes():
    response = parse_response(load("read_vendor.xml"))
    assert shaped("record", response)["VENDORID"] == "V-12345"
    assert shaped("xml", response).startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert shaped("inputs", response, inputs={"name": "x"}) == {
        "_controlId": "a3f5bbad-6f3f-417d-a8fc-df1646581234", "name": "x"}


def test_the_session_timeout_is_read_from_the_authentication_block():
    assert parse_response(load("read_vendor.xml")).session_timeout() == \
        "2024-01-11T01:15:20+00:00"
    without = load("read_vendor.xml").replace(
        b"<sessiontimeout>2024-01-11T01:15:20+00:00</sessiontimeout>", b"")
    assert parse_response(without).session_timeout() == ""
