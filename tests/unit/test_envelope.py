"""The request envelope is written as text, byte for byte what lxml writes for the same tree."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from connector.intacct.envelope import DTD_VERSION, Login, SessionAuth, build_request


def _tree_request(*, sender_id, sender_password, controlid, auth, functions, transaction=False):
    """The request as a tree, serialized by lxml: what the text must equal."""
    request = etree.Element("request")
    control = etree.SubElement(request, "control")
    mutating = any(body.tag not in ("read", "readByQuery", "getAPISession")
                   for _, body in functions)
    for tag, value in (("senderid", sender_id), ("password", sender_password),
                       ("controlid", controlid), ("uniqueid", "true" if mutating else "false"),
                       ("dtdversion", DTD_VERSION), ("includewhitespace", "false")):
        etree.SubElement(control, tag).text = value
    operation = etree.SubElement(request, "operation")
    if transaction:
        operation.set("transaction", "true")
    authentication = etree.SubElement(operation, "authentication")
    if isinstance(auth, SessionAuth):
        etree.SubElement(authentication, "sessionid").text = auth.session_id
    else:
        login = etree.SubElement(authentication, "login")
        for tag, value in (("userid", auth.user_id), ("companyid", auth.company_id),
                           ("password", auth.password)):
            etree.SubElement(login, tag).text = value
        if auth.entity_id:
            etree.SubElement(login, "locationid").text = auth.entity_id
    content = etree.SubElement(operation, "content")
    for function_controlid, body in functions:
        etree.SubElement(content, "function", controlid=function_controlid).append(
            copy.deepcopy(body))
    return etree.tostring(request, xml_declaration=True, encoding="UTF-8")


_BODIES = [
    "<create><VENDOR><VENDORID>V&amp;1</VENDORID><NAME>caf\u00e9 \U0001f600 &lt;b&gt;</NAME>"
    "<EMPTY/></VENDOR></create>",
    '<update_invoice key="7 &quot;x&quot;"><memo>line\nbreak\ttab\r</memo></update_invoice>',
    "<read><object>VENDOR</object><keys>1</keys><fields>*</fields></read>",
    "<readByQuery><query>NAME = 'O''Brien' AND X &gt; 1</query></readByQuery>",
]
_VALUE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10) | \
    st.sampled_from(["", "plain-id", 'a"b', "a'b", "<&>", "tab\there", "\u00e9\U0001f600",
                     "line\r\nbreak", "]]>"])


@settings(max_examples=200, deadline=None)
@given(sender=_VALUE, password=_VALUE, controlid=_VALUE, session=_VALUE, user=_VALUE,
       entity=st.none() | _VALUE, login=st.booleans(), transaction=st.booleans(),
       bodies=st.lists(st.tuples(_VALUE, st.sampled_from(_BODIES)), max_size=3))
def test_the_request_is_what_lxml_writes_for_the_tree(sender, password, controlid, session, user,
                                                       entity, login, transaction, bodies):
    auth = Login(user, "COMPANY", password, entity) if login else SessionAuth(session)
    functions = [(function_id, etree.fromstring(text)) for function_id, text in bodies]
    arguments = {"sender_id": sender, "sender_password": password, "controlid": controlid,
                 "auth": auth, "functions": functions, "transaction": transaction}
    try:
        expected = _tree_request(**arguments)
    except ValueError as refused:  # lxml refuses characters XML cannot carry
        with pytest.raises(ValueError, match=str(refused)[:20]):
            build_request(**arguments)
        return
    assert build_request(**arguments) == expected


def test_bodies_stay_in_place_and_a_tail_goes_with_its_body():
    parent = etree.fromstring("<x><read><object>VENDOR</object></read>tail</x>")
    body = parent[0]
    request = build_request(sender_id="s", sender_password="p", controlid="c",
                            auth=SessionAuth("sid"), functions=[("f1", body)])
    assert body.getparent() is parent
    assert b'<function controlid="f1"><read><object>VENDOR</object></read>tail</function>' in (
        request)
    assert b"<uniqueid>false</uniqueid>" in request


@pytest.mark.parametrize("value", ['a"b', "a'b", "<&>", "tab\there", "line\r\nbreak", "]]>",
                                   "\u00e9\U0001f600", "", "x\x7fy"])
@pytest.mark.parametrize("where", ["sender", "session", "function"])
def test_each_value_is_escaped_where_it_goes(value, where):
    arguments = {"sender_id": value if where == "sender" else "s", "sender_password": "p",
                 "controlid": "c", "auth": SessionAuth(value if where == "session" else "sid"),
                 "functions": [(value if where == "function" else "f1",
                                etree.fromstring(_BODIES[0]))]}
    assert build_request(**arguments) == _tree_request(**arguments)
