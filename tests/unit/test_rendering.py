"""Rendering the bundled actions: escaping, omitted inputs, raw XML, redaction."""

from pathlib import Path

import pytest
from lxml import etree
from markupsafe import Markup

from connector.errors import InputError, TemplateError
from connector.xmlkit.inject import inject
from connector.xmlkit.templates import el, make_environment, pairs


def body(connector, key, inputs):
    return connector.prepare(key, inputs).bodies[0]


def test_markup_in_a_value_stays_text(connector):
    hostile = "</NAME><DELETE>&amp; <!-- x -->"
    vendor = body(connector, "createVendor", {"vendorName": hostile}).find("VENDOR")
    assert vendor.findtext("NAME") == hostile
    assert vendor.find("DELETE") is None


def test_an_omitted_input_produces_no_element_and_empty_string_does(connector):
    vendor = body(connector, "updateVendor", {"vendorId": "V1", "comments": ""}).find("VENDOR")
    assert [c.tag for c in vendor] == ["VENDORID", "COMMENTS"]
    assert vendor.findtext("COMMENTS") == ""


def test_create_vendor_maps_nested_contact_fields(connector):
    vendor = body(connector, "createVendor", {
        "vendorName": "Acme", "city": "Paris", "active": "false", "taxable": True,
        "creditLimit": "100", "customFields": [["REGION", "West"], {"name": "TIER", "value": 2}],
    }).find("VENDOR")
    assert vendor.findtext("DISPLAYCONTACT/PRINTAS") == "Acme"
    assert vendor.findtext("DISPLAYCONTACT/MAILADDRESS/CITY") == "Paris"
    assert vendor.findtext("DISPLAYCONTACT/TAXABLE") == "true"
    assert vendor.findtext("STATUS") == "inactive"
    assert vendor.findtext("CREDITLIMIT") == "100"
    assert vendor.findtext("REGION") == "West" and vendor.findtext("TIER") == "2"


def test_custom_field_names_cannot_inject_markup(connector):
    with pytest.raises(InputError) as caught:
        connector.prepare("createVendor", {"vendorName": "A",
                                           "customFields": {"X><DELETE": "1"}})
    assert [p.path for p in caught.value.problems] == ["customFields"]
    env = make_environment(Path("."), {})  # and a template never writes such a name
    with pytest.raises(Exception, match="not a valid XML element name"):
        env.from_string('{% for n, v in f | pairs %}{{ el(n, v) }}{% endfor %}').render(
            f={"X><DELETE": "1"})


def test_delete_keys_are_trimmed_and_limited(connector):
    delete = body(connector, "deleteObject", {"object": "VENDOR", "keys": " 1 , 2,3 "})
    assert delete.findtext("keys") == "1,2,3"
    with pytest.raises(InputError, match="is too long"):
        connector.prepare("deleteObject", {"object": "VENDOR",
                                           "keys": ",".join(map(str, range(101)))})


@pytest.mark.parametrize("data, problem", [
    ('<!DOCTYPE x [<!ENTITY e "boom">]><query>&e;</query>', "DOCTYPE"),
    ("<query><object>VENDOR</object>", "not well-formed"),
    ("<query>&e;</query>", "not well-formed"),
    ("plain text", "only elements"),
    ("<a>" * 10 + "x" * (1024 * 1024) + "</a>" * 10, "over the limit"),
])
def test_raw_xml_inputs_are_parsed_hardened_before_sending(connector, data, problem):
    with pytest.raises(InputError) as caught:
        connector.prepare("rawRequest", {"data": data})
    assert problem in str(caught.value)
    assert caught.value.problems[0].path == "data"


def test_raw_request_accepts_bare_bodies_or_function_wrappers(connector):
    call = connector.prepare("rawRequest", {
        "data": '<function controlid="a"><read><object>VENDOR</object></read></function>'
                "<readByQuery><object>CUSTOMER</object></readByQuery>"})
    assert [b.tag for b in call.bodies] == ["read", "readByQuery"]


def test_raw_request_without_a_function_names_its_data_input(connector):
    with pytest.raises(InputError) as caught:
        connector.prepare("rawRequest", {"data": "<function/>"})
    assert [(p.path, p.problem) for p in caught.value.problems] == [
        ("data", "holds no function to send")]


def test_xml_inputs_are_appended_where_declared():
    rendered = etree.fromstring("<create><APBILL><VENDORID>V1</VENDORID></APBILL></create>")
    body = inject("createBill", [{"input": "items", "into": "create/APBILL/ITEMS"}], rendered,
                  {"items": "<ITEM><AMOUNT>1</AMOUNT></ITEM><ITEM/>"}, {})
    assert [c.tag for c in body.find("APBILL/ITEMS")] == ["ITEM", "ITEM"]


def test_el_and_pairs_helpers():
    assert el("A", None) == ""
    assert el("A", False) == "<A>false</A>"
    assert el("A", "<&>") == "<A>&lt;&amp;&gt;</A>"
    with pytest.raises(TemplateError):
        el("A", ["x"])
    assert pairs({"A": 1}) == [("A", 1)]


def test_el_keeps_markup_values_as_elements_and_survives_autoescape():
    nested = el("B", Markup("<year>2026</year>"))
    assert nested == "<B><year>2026</year></B>"
    assert el("A", nested) == "<A><B><year>2026</year></B></A>"
    env = make_environment(Path("."), {})
    source = ('{{ el("A", v) }}{{ el("B", v) ~ el("C", v) }}'
              '{% for x in [1] %}{{ el("D", x) }}{% endfor %}')
    assert env.from_string(source).render(v="x&y") == (
        "<A>x&amp;y</A><B>x&amp;y</B><C>x&amp;y</C><D>1</D>")


def test_render_redacts_passwords_session_and_sensitive_tags(connector):
    connection = {"senderId": "acme-sender", "senderPassword": "s3nd3r-secret",
                  "companyId": "ACME", "userId": "bot", "userPassword": "us3r-secret"}
    text = connector.render("createVendor", {
        "vendorName": "A", "taxId": "12-3456789", "achBankAccountNo": "987654321",
        "achBankRoutingNo": "021000021"}, connection)
    for secret in ("s3nd3r-secret", "us3r-secret", "12-3456789", "987654321", "021000021"):
        assert secret not in text
    assert "<senderid>acme-sender</senderid>" in text
    assert "<uniqueid>true</uniqueid>" in text and 'controlid="function-1"' in text


def test_reads_are_sent_without_uniqueid(connector):
    assert "<uniqueid>false</uniqueid>" in connector.render("getVendor", {"recordNo": "1"})
