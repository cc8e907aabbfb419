"""Envelope, control and authentication layers over HTTP."""

from __future__ import annotations

import time

import pytest
import requests
from lxml import etree
from sandbox_gw import Client, login_xml, request_xml

from connector.intacct.sandbox import SandboxConfig, running_sandbox
from connector.intacct.sandbox.config import DEFAULT_CONNECTION


def test_response_headers_declaration_and_control_echo(client: Client) -> None:
    reply = client.call("<getAPISession/>", controlid="my-ctl", uniqueid=True)
    assert reply.http.status_code == 200
    assert reply.http.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert reply.http.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    control = reply.root.find("control")
    assert [c.tag for c in control] == ["status", "senderid", "controlid", "uniqueid", "dtdversion"]
    assert control.findtext("status") == "success"
    assert control.findtext("senderid") == DEFAULT_CONNECTION["senderId"]
    assert control.findtext("controlid") == "my-ctl"
    assert control.findtext("uniqueid") == "true"
    assert control.findtext("dtdversion") == "3.0"


def gateway_error(content: bytes) -> tuple[list[str], list[str], str]:
    """(tags under control, tags of the error, errorno) of a front-door refusal."""
    root = etree.fromstring(content)
    error = root.find("errormessage/error")
    return [c.tag for c in root.find("control")], [c.tag for c in error], error.findtext("errorno")


def test_get_is_refused_with_405(client: Client) -> None:
    resp = requests.get(client.sandbox.url, timeout=5)
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "POST"
    assert gateway_error(resp.content) == (["status"], ["errorno", "description"], "GW-0011")
    assert b"Invalid Request [Request ID: " in resp.content


def test_get_api_session_shape_and_authentication_block(client: Client) -> None:
    reply = client.call("<getAPISession/>")
    auth = reply.root.find("operation/authentication")
    assert [c.tag for c in auth] == [
        "status",
        "userid",
        "companyid",
        "locationid",
        "sessiontimestamp",
        "sessiontimeout",
    ]
    api = reply.result().find("data/api")
    assert [c.tag for c in api] == ["sessionid", "endpoint", "locationid"]
    assert api.findtext("endpoint") == client.sandbox.url
    assert reply.result().findtext("function") == "getAPISession"
    assert client.sandbox.stats.sessions_created == 1


def test_session_authentication_slides_timeout(client: Client) -> None:
    sid = client.session()
    first = client.call("<getAPISession/>", auth=f"<sessionid>{sid}</sessionid>")
    assert first.auth_status == "success"
    assert first.result().findtext("data/api/sessionid") == sid
    stamp = first.root.findtext("operation/authentication/sessiontimestamp")
    timeout = first.root.findtext("operation/authentication/sessiontimeout")
    assert timeout > stamp


def test_public_url_is_the_session_endpoint(config, sandbox) -> None:
    assert sandbox.public_url == sandbox.url  # default: own URL


def test_malformed_xml_is_a_control_failure(client: Client) -> None:
    reply = client.post(b"<request><control>")
    assert reply.http.status_code == 200
    assert reply.control_status == "failure"
    assert reply.errorno() == "XL03000003"


def test_malformed_xml_reports_the_parser_errors_and_echoes_what_it_can(client: Client) -> None:
    body = request_xml(["<getAPISession/>"], controlid="ctl-broken").replace(
        b"</control>", b"</control>\n<bogus></wrong>"
    )
    reply = client.post(body)
    control = reply.root.find("control")
    assert [(c.tag, c.text) for c in control] == [
        ("status", "failure"),
        ("senderid", "sandbox_sender"),
        ("controlid", "ctl-broken"),
        ("uniqueid", "false"),
        ("dtdversion", "3.0"),
    ]
    error = reply.root.find("errormessage/error")
    assert error.findtext("description2") == (
        "XML Parse schema error: Fatal Error 76: Opening and ending tag mismatch: bogus line 2 "
        "and wrong. Line: 2, column: 16."
    )
    assert (error.findtext("description"), error.findtext("correction")) == ("", "")
    assert client.sandbox.stats.functions == {}


def test_doctype_is_rejected_without_expanding_entities(client: Client) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE request [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + request_xml(["<getAPISession/>"]).split(b"?>", 1)[1]
    )
    reply = client.post(body)
    assert reply.control_status == "failure"
    assert reply.errorno() == "XL03000003"
    assert b"root:" not in reply.http.content


def test_missing_structure_elements_are_control_failures(client: Client) -> None:
    good = request_xml(["<getAPISession/>"])
    for broken in (
        good.replace(b"<controlid>ctl-1</controlid>", b""),
        good.replace(b"<senderid>sandbox_sender</senderid>", b""),
        good.replace(b"<dtdversion>3.0</dtdversion>", b""),
        good.replace(b"<content>", b"<contents>").replace(b"</content>", b"</contents>"),
        good.replace(b'controlid="fn-', b'id="fn-'),
        b"<request><operation/></request>",
    ):
        reply = client.post(broken)
        assert reply.control_status == "failure", broken
        assert reply.errorno() == "XL03000003"
        assert reply.root.find("operation") is None


def test_oversized_request_is_refused(config, sandbox) -> None:
    sandbox.config.max_request_bytes = 200
    resp = requests.post(sandbox.url, data=request_xml(["<getAPISession/>"]) + b" " * 300)
    assert resp.status_code == 413
    assert gateway_error(resp.content) == (["status"], ["errorno", "description"], "GW-0011")
    assert sandbox.stats.functions == {}


def test_unknown_sender_and_wrong_sender_password(client: Client) -> None:
    for sender, password in (("nobody", "x"), ("sandbox_sender", "wrong")):
        reply = client.call("<getAPISession/>", sender=sender, sender_password=password)
        assert reply.control_status == "failure"
        assert reply.errorno() == "XL03000006"
        assert reply.root.find("operation") is None
    assert client.sandbox.stats.functions == {}


def test_sender_not_authorized_for_company_matches_faq(client: Client) -> None:
    reply = client.call(
        "<create><VENDOR><NAME>Never</NAME></VENDOR></create>",
        sender="other_sender",
        sender_password="other-sender-pass",
    )
    # The authentication layer refuses it: control success, the errors inside operation.
    assert reply.control_status == "success"
    auth = reply.root.find("operation/authentication")
    assert [(c.tag, c.text) for c in auth] == [
        ("status", "failure"),
        ("userid", "sandbox_user"),
        ("companyid", "SANDBOX"),
    ]
    assert reply.root.find("errormessage") is None
    assert reply.results == []
    error = reply.root.find("operation/errormessage/error")
    assert error.findtext("errorno") == "XL03000006"
    assert error.findtext("description") == "Invalid Web Services Authorization"
    assert error.findtext("description2") == (
        "The sender ID 'other_sender' is not authorized to make Web Services requests to "
        "company ID 'SANDBOX'."
    )
    assert error.findtext("correction") == (
        "Contact the company administrator to grant Web Services authorization to this sender ID."
    )
    assert client.sandbox.stats.functions == {}
    assert client.sandbox.store.find("VENDOR", NAME="Never") == []


def test_session_of_a_sender_not_authorized_is_refused_too(client: Client) -> None:
    sid = client.session()
    reply = client.call(
        "<getAPISession/>",
        auth=f"<sessionid>{sid}</sessionid>",
        sender="other_sender",
        sender_password="other-sender-pass",
    )
    assert reply.auth_status == "failure"
    assert reply.root.findtext("operation/authentication/companyid") == "SANDBOX"
    assert reply.root.findtext("operation/errormessage/error/description") == (
        "Invalid Web Services Authorization"
    )


def test_wrong_login_is_an_authentication_failure_and_runs_nothing(client: Client) -> None:
    before = client.sandbox.store.count("VENDOR")
    for auth in (
        login_xml(password="nope"),
        login_xml(user="someone"),
        login_xml(extra="<locationid>NOPE</locationid>"),
    ):
        reply = client.call("<create><VENDOR><NAME>Never</NAME></VENDOR></create>", auth=auth)
        assert reply.control_status == "success"
        assert reply.auth_status == "failure"
        assert reply.errorno() == "XL03000006"
        assert reply.results == []
    assert client.sandbox.store.count("VENDOR") == before
    assert client.sandbox.stats.functions == {}


def test_unknown_and_expired_sessions_fail_authentication(client: Client) -> None:
    assert client.call("<getAPISession/>", auth="<sessionid>bogus</sessionid>").errorno() == (
        "XL03000006"
    )
    sid = client.session()
    client.sandbox.expire_sessions()
    reply = client.call("<getAPISession/>", auth=f"<sessionid>{sid}</sessionid>")
    assert reply.auth_status == "failure"
    assert reply.errorno() == "XL03000006"


def test_inactivity_timeout_is_configurable(config, sandbox) -> None:
    client = Client(sandbox)
    sandbox._server.pipeline.sessions.timeout_seconds = 0.2
    sid = client.session()
    time.sleep(0.3)
    assert client.call("<getAPISession/>", auth=f"<sessionid>{sid}</sessionid>").auth_status == (
        "failure"
    )


def test_entity_logins_all_forms(client: Client) -> None:
    for auth in (
        login_xml(extra="<locationid>E100</locationid>"),
        login_xml(company="SANDBOX|E100"),
        login_xml(company="CONSOLE|SANDBOX|E100"),
        login_xml(
            company="CONSOLE", extra="<clientid>SANDBOX</clientid><locationid>E100</locationid>"
        ),
    ):
        reply = client.call("<getAPISession/>", auth=auth)
        assert reply.auth_status == "success", auth
        assert reply.root.findtext("operation/authentication/locationid") == "E100"
        assert reply.result().findtext("data/api/locationid") == "E100"


def test_get_api_session_for_another_entity(client: Client) -> None:
    sid = client.session()
    reply = client.call(
        "<getAPISession><locationid>E200</locationid></getAPISession>",
        auth=f"<sessionid>{sid}</sessionid>",
    )
    api = reply.result().find("data/api")
    assert api.findtext("locationid") == "E200"
    assert api.findtext("sessionid") != sid


def test_includewhitespace_controls_pretty_printing(client: Client) -> None:
    compact = client.post(request_xml(["<getAPISession/>"]))
    pretty = client.post(
        request_xml(["<getAPISession/>"]).replace(
            b"</dtdversion>", b"</dtdversion><includewhitespace>true</includewhitespace>"
        )
    )
    assert b"\n  <control>" in pretty.http.content
    assert b"\n  <control>" not in compact.http.content


def test_values_are_escaped(client: Client) -> None:
    name = "A &amp; B &lt;tag&gt; &quot;q&quot;"
    reply = client.call(f"<create><VENDOR><NAME>{name}</NAME></VENDOR></create>")
    recordno = reply.result().findtext("data/vendor/RECORDNO")
    read = client.call(f"<read><object>VENDOR</object><keys>{recordno}</keys></read>")
    assert read.result().findtext("data/VENDOR/NAME") == 'A & B <tag> "q"'
    assert b"A &amp; B &lt;tag&gt;" in read.http.content


def test_connection_dict_carries_the_configured_credentials() -> None:
    config = SandboxConfig(sender_password="s3cret-sender", user_password="s3cret-user")
    with running_sandbox(seed=None, config=config) as sb:
        conn = sb.connection
        assert conn == {
            "senderId": "sandbox_sender",
            "senderPassword": "s3cret-sender",
            "companyId": "SANDBOX",
            "userId": "sandbox_user",
            "userPassword": "s3cret-user",
            "endpointUrl": sb.url,
            "allowedEndpointHosts": ["127.0.0.1"],
        }
        client = Client(sb)
        reply = client.call(
            "<getAPISession/>",
            auth=login_xml(password="s3cret-user"),
            sender_password="s3cret-sender",
        )
        assert reply.auth_status == "success"
        client.close()


def test_our_client_takes_its_authentication_failure_path(sandbox) -> None:
    from connector.core import load_connector
    from connector.errors import AuthenticationError

    connector = load_connector()
    connection = {**sandbox.connection, "senderId": "other_sender",
                  "senderPassword": "other-sender-pass"}
    try:
        with pytest.raises(AuthenticationError) as caught:
            connector.invoke("getVendor", {"recordNo": "1"}, connection)
    finally:
        connector.close()
    assert caught.value.errors[0].errorno == "XL03000006"
    assert caught.value.errors[0].description == "Invalid Web Services Authorization"
    stats = sandbox.stats.snapshot()
    assert stats["requests"] == 1  # the sign-in, refused once: not retried, no function ran
    assert stats["functions"] == {}
