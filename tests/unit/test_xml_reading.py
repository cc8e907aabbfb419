"""Reading XML fast without reading it differently: the DOCTYPE scan and xml2js records."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from connector.errors import XMLInputError
from connector.intacct.errors import ResponseFormatError
from connector.intacct.response import parse_response
from connector.xmlkit.parse import parse_document
from connector.xmlkit.xml2js import document_to_json, element_to_json, record_to_dict

_DECLARATION = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@pytest.mark.parametrize("text", [
    b'<!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>', b"<!doctype r><r/>", b"<!DocType r><r/>",
    b'<r><!ENTITY x "1"></r>', b"<r>Wow!</r><!-- ! --><!ENTITY", b"!<!eNtItY",
])
def test_a_declaration_is_found_in_any_case_wherever_it_is(text):
    assert _DECLARATION.search(text)
    with pytest.raises(XMLInputError, match="DOCTYPE or entity declaration"):
        parse_document(text)


@pytest.mark.parametrize("text", [
    b"<r>Hello! <!-- note! --><![CDATA[<!x]]></r>", b"<r>!DOCTYPE</r>", b"<r>&lt;!ENTITY</r>",
    b"<r a='!'>!!</r>",
])
def test_exclamation_marks_and_comments_are_not_declarations(text):
    assert not _DECLARATION.search(text)
    assert parse_document(text).tag == "r"


@pytest.mark.parametrize("xml", [
    "<r><a>1</a><b/><c>x y</c></r>",
    "<r><a>1</a><a>2</a><b><c>x</c><c>y</c></b><a>3</a></r>",
    "<r><a>1</a><!-- note --><b>2</b><?pi x?></r>",
    '<r x="1">text<a>1</a></r>',
    '<r><a k="v">1</a><b k="v"/></r>',
    "<r> <a> </a></r>",
    "<r>only text</r>",
    "<r/>",
    "<r><_>u</_><a>1</a></r>",
    "<r><a><b><c>deep</c></b></a><d/></r>",
])
def test_records_and_json_are_read_as_xml2js_reads_them(xml):
    element = etree.fromstring(xml)
    assert record_to_dict(element) == _reference(element, arrays=False)
    assert element_to_json(element) == _reference(element, arrays=True)
    assert element_to_json(element, arrays=False) == _reference(element, arrays=False)
    assert document_to_json(element) == {"r": _reference(element, arrays=True)}


def test_a_vendor_record_is_a_flat_dict_with_its_nested_contact():
    element = etree.fromstring(
        "<VENDOR><RECORDNO>7</RECORDNO><NAME>A &amp; B</NAME><EMPTY/>"
        "<DISPLAYCONTACT><PRINTAS>A</PRINTAS><MAILADDRESS><CITY>Paris</CITY></MAILADDRESS>"
        "</DISPLAYCONTACT></VENDOR>")
    assert record_to_dict(element) == {
        "RECORDNO": "7", "NAME": "A & B", "EMPTY": "",
        "DISPLAYCONTACT": {"PRINTAS": "A", "MAILADDRESS": {"CITY": "Paris"}}}


def test_a_response_failure_still_carries_the_response_text():
    body = ('<?xml version="1.0" encoding="UTF-8"?><response><control><status>success</status>'
            "</control><note>caf\u00e9</note></response>").encode()
    with pytest.raises(ResponseFormatError) as caught:
        parse_response(body)
    assert "caf\u00e9" in caught.value.raw_response


def _reference(element, *, arrays):
    """xml2js as it was specified before the fast paths: children first collected, repeated
    tags found, each child converted by a recursive call."""
    if not len(element) and not element.attrib:
        return element.text or ""
    children = [c for c in element if isinstance(c.tag, str)]
    attributes = dict(element.attrib)
    text = (element.text or "").strip() if children else (element.text or "")
    if not children and not attributes:
        return text
    node = {}
    if attributes:
        node["$"] = attributes
    if text:
        node["_"] = text
    tags = [c.tag for c in children]
    repeated = {t for t in tags if tags.count(t) > 1} if not arrays else set()
    for child in children:
        value = _reference(child, arrays=arrays)
        if arrays or child.tag in repeated:
            node.setdefault(child.tag, []).append(value)
        else:
            node[child.tag] = value
    return node
