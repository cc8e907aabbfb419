"""A page is read record by record: the same records as the whole-tree read, never the whole tree.

XML shaped like the gateway's readByQuery answers.
"""

from __future__ import annotations

import pytest

from connector.intacct.errors import ControlError, ResponseFormatError
from connector.intacct.response import parse_page, parse_response
from connector.xmlkit import parse as xmlparse


def _answer(data: str, *, results: str | None = None) -> bytes:
    result = results if results is not None else (
        "<result><status>success</status><function>readByQuery</function>"
        f"<controlid>c-1</controlid>{data}</result>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<response><control><status>success'
            "</status><senderid>s</senderid><controlid>r-1</controlid><uniqueid>false</uniqueid>"
            "<dtdversion>3.0</dtdversion></control><operation><authentication><status>success"
            "</status><userid>u</userid><companyid>C</companyid><sessiontimeout>"
            "2026-11-30T16:23:16+00:00</sessiontimeout></authentication>"
            f"{result}</operation></response>").encode()


def _vendors(count: int) -> str:
    records = "".join(
        f"<VENDOR><RECORDNO>{n}</RECORDNO><NAME>V &amp; {n}</NAME><EMPTY/>"
        f"<DISPLAYCONTACT><PRINTAS>P{n}</PRINTAS><MAILADDRESS><CITY>Paris</CITY></MAILADDRESS>"
        "</DISPLAYCONTACT></VENDOR>" for n in range(count))
    return (f'<data listtype="vendor" count="{count}" totalcount="{count + 5}" '
            f'numremaining="5" resultId="r-9">{records}</data>')


@pytest.mark.parametrize("data", [
    _vendors(3000),
    _vendors(1),
    '<data listtype="vendor" count="0" totalcount="0" numremaining="0" resultId=""/>',
    "<data>\n  <vendor><a>1</a><vendor>nested, same name</vendor></vendor>\n"
    "  <vendor><a>2</a></vendor>\n</data>",
    "<data><VENDOR><a>1</a></VENDOR><CUSTOMER><a>2</a></CUSTOMER><VENDOR><a>3</a></VENDOR></data>",
    "<data><VENDOR><a>1</a><a>2</a></VENDOR><VENDOR x='1'><a>3</a></VENDOR></data>",
    # An attribute only on a later record's field, or a nested one; "=" only in text.
    "<data><VENDOR><a>1</a></VENDOR><VENDOR><a>2</a><b c='d'>3</b></VENDOR></data>",
    "<data><VENDOR><C><D k='v'>1</D></C></VENDOR></data>",
    "<data><VENDOR><a>x=1</a></VENDOR></data>",
    "",
])
def test_a_page_gives_the_records_the_whole_tree_gives(data):
    raw = _answer(data)
    page, whole = parse_page(raw), parse_response(raw)
    assert [r.records for r in page.results] == [r.records for r in whole.results]
    assert [(r.status, r.count, r.more, r.attribute("resultId")) for r in page.results] == [
        (r.status, r.count, r.more, r.attribute("resultId")) for r in whole.results]


def test_no_more_than_a_chunk_of_a_page_stands_as_a_tree():
    raw = _answer(_vendors(10_000))  # 1.5 MB
    whole_tree = sum(1 for _ in parse_response(raw).root.iter())
    standing = []

    def take(element):
        standing.append(sum(1 for _ in element.getroottree().iter()))
        return element.getparent().tag == "data"

    root = xmlparse.parse_pruned(raw, "VENDOR", take)
    assert len(standing) == 10_000
    assert max(standing) < whole_tree / 10
    assert root.find("operation/result/data") is not None
    assert len(root.find("operation/result/data")) == 0


def test_a_page_read_keeps_the_answers_other_parts():
    page = parse_page(_answer(_vendors(2)))
    assert page.results[0].record_elements == []
    assert page.root.findtext("operation/authentication/sessiontimeout") == (
        "2026-11-30T16:23:16+00:00")
    assert page.results[0].records is not page.results[0].records  # a copy each time


@pytest.mark.parametrize("raw, error", [
    (_answer(_vendors(50))[:-200], ResponseFormatError),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "boom">]><response>&x;</response>',
     ResponseFormatError),
    (b"<html><body>Service Unavailable</body></html>", ResponseFormatError),
    (_answer(_vendors(2)).replace(b"<status>success</status><senderid>",
                                  b"<status>failure</status><senderid>"), ControlError),
])
def test_a_page_that_is_not_a_whole_good_answer_fails_as_a_response_does(raw, error):
    with pytest.raises(error):
        parse_response(raw)
    with pytest.raises(error):
        parse_page(raw)


@pytest.mark.parametrize("read", [parse_page, parse_response])
def test_a_fields_attribute_is_kept_whichever_record_has_it(read):
    raw = _answer("<data><VENDOR><a>1</a></VENDOR><VENDOR><a>x=2</a><b c='d'>3</b></VENDOR>"
                  "</data>")
    assert read(raw).results[0].records == [{"a": "1"}, {"a": "x=2", "b": {"$": {"c": "d"},
                                                                          "_": "3"}}]
