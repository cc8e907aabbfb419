"""The sandbox's answers hold the structure of responses the real gateway is published to have
returned (tests/fixtures/gateway: our own documents in the structure of each source): element
names and order, attribute names, and which leaves are empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree
from sandbox_gw import Client, login_xml, request_xml

from connector.intacct.sandbox import SandboxConfig, running_sandbox

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gateway"
_PARSER = etree.XMLParser(remove_comments=True, remove_blank_text=True)


def shape(el: etree._Element) -> tuple[Any, ...]:
    """An element's structure: tag, attribute names, then its children's shapes, or for a leaf
    whether it holds text."""
    children = tuple(shape(c) for c in el)
    leaf = "text" if (el.text or "").strip() else "empty"
    return el.tag, tuple(sorted(el.attrib)), children or leaf


def fixture(name: str) -> etree._Element:
    return etree.parse(str(FIXTURES / f"{name}.xml"), _PARSER).getroot()


def assert_shaped_like(body: bytes, name: str) -> etree._Element:
    root = etree.fromstring(body, _PARSER)
    assert shape(root) == shape(fixture(name)), etree.tostring(root, pretty_print=True).decode()
    return root


def test_sender_not_authorized(client: Client) -> None:
    reply = client.call("<getAPISession/>", sender="other_sender",
                        sender_password="other-sender-pass")
    root = assert_shaped_like(reply.http.content, "sender_not_authorized")
    assert root.findtext("operation/errormessage/error/errorno") == "XL03000006"


def test_sign_in_failed(client: Client) -> None:
    reply = client.call("<getAPISession/>", auth=login_xml(password="wrong"))
    assert_shaped_like(reply.http.content, "sign_in_failed")


def test_session_invalid(client: Client) -> None:
    reply = client.call("<getAPISession/>", auth="<sessionid>gone..</sessionid>")
    root = assert_shaped_like(reply.http.content, "session_invalid")
    assert root.findtext("operation/errormessage/error/description2") == "Invalid session"


def test_read_more_failed(client: Client) -> None:
    reply = client.call("<readMore><resultId>0123abcd</resultId></readMore>")
    root = assert_shaped_like(reply.http.content, "read_more_failed")
    assert root.findtext("operation/result/errormessage/error/errorno") == "readMore failed"


def test_xml_not_well_formed(client: Client) -> None:
    body = request_xml(["<create><VENDOR><NAME>x</NOTNAME></VENDOR></create>"])
    reply = client.post(body)
    root = assert_shaped_like(reply.http.content, "xml_not_well_formed")
    assert root.findtext("control/controlid") == "ctl-1"


def test_schema_violation(client: Client) -> None:
    reply = client.call('<update_invoice key="1"><basecurr>USD</basecurr></update_invoice>')
    root = assert_shaped_like(reply.http.content, "schema_violation")
    assert "Error 1871: Element 'basecurr'" in root.findtext("errormessage/error/description2")


def test_gateway_refusals() -> None:
    with running_sandbox(seed=None, config=SandboxConfig(rate_limit_per_second=1)) as sb:
        body = request_xml(["<getAPISession/>"])
        requests.post(sb.url, data=body, timeout=10)
        limited = requests.post(sb.url, data=body, timeout=10)
        refused_get = requests.get(sb.url, timeout=10)
    assert limited.status_code == 429
    root = assert_shaped_like(limited.content, "gateway_refusal")
    assert root.findtext("errormessage/error/errorno") == "GW-0010"
    assert refused_get.status_code == 405
    root = assert_shaped_like(refused_get.content, "gateway_refusal")
    assert root.findtext("errormessage/error/errorno") == "GW-0011"


def test_delete_of_a_missing_key(client: Client) -> None:
    reply = client.call("<delete><object>VENDOR</object><keys>4242</keys></delete>")
    assert_shaped_like(reply.http.content, "delete_missing_key")


def test_duplicate_with_additional_info(client: Client) -> None:
    body = request_xml(
        ["<create><VENDOR><VENDORID>V-00101</VENDORID><NAME>Again</NAME></VENDOR></create>"]
    ).replace(b"</dtdversion>", b"</dtdversion><showadditionalerrorinfo>true"
                                b"</showadditionalerrorinfo>")
    reply = client.post(body)
    root = assert_shaped_like(reply.http.content, "duplicate_with_additional_info")
    info = root.find("operation/result/errormessage/error/additionalinfo")
    assert info.find("target").attrib["object"] == "VENDOR"
    assert info.find("target").attrib["field"] == "VENDORID"
    assert info.find("cdescription/placeholders/placeholder").attrib == {
        "name": "VALUE", "value": "V-00101"}


def test_additional_info_only_when_asked(client: Client) -> None:
    reply = client.call(
        "<create><VENDOR><VENDORID>V-00101</VENDORID><NAME>Again</NAME></VENDOR></create>")
    assert reply.root.find(".//additionalinfo") is None


@pytest.mark.parametrize("asked", [True, False])
def test_additional_info_at_the_control_and_authentication_layers(client: Client,
                                                                   asked: bool) -> None:
    flag = b"<showadditionalerrorinfo>true</showadditionalerrorinfo>" if asked else b""
    for body in (request_xml(["<getAPISession/>"], sender_password="wrong"),
                 request_xml(["<getAPISession/>"], auth=login_xml(password="wrong"))):
        reply = client.post(body.replace(b"</dtdversion>", b"</dtdversion>" + flag))
        errors = reply.root.findall(".//errormessage/error")
        assert errors and all((e.find("additionalinfo") is not None) == asked for e in errors)


def test_transaction_rolled_back(client: Client) -> None:
    reply = client.call(
        "<readByQuery><object>VENDOR</object><query/></readByQuery>",
        "<readByQuery><object>NOPE</object><query/></readByQuery>",
        transaction=True,
    )
    # the first result succeeded before the rollback: the real one answers it aborted, no data
    assert_shaped_like(reply.http.content, "transaction_rolled_back")
