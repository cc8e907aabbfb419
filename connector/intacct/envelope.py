"""Building the request document: control, operation, authentication and one <function> each."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from lxml import etree

# Functions that change nothing; every other function is sent with uniqueid true so that a
# retried request is not executed twice.
READ_FUNCTIONS = frozenset({
    "read", "readByName", "readByQuery", "readMore", "readRelated", "readReport", "query",
    "getAPISession", "inspect", "lookup", "get_list", "get", "getUserPermissions",
    "getDimensions", "getFinancialSetup", "installApp",
})
DTD_VERSION = "3.0"


@dataclass(frozen=True)
class Login:
    """Company credentials; entity selects a location in a multi-entity company."""

    user_id: str
    company_id: str
    password: str
    entity_id: str | None = None


@dataclass(frozen=True)
class SessionAuth:
    session_id: str


def is_mutating(function_body: etree._Element) -> bool:
    return function_body.tag not in READ_FUNCTIONS


def build_request(*, sender_id: str, sender_password: str, controlid: str,
                  auth: Login | SessionAuth, functions: list[tuple[str, etree._Element]],
                  transaction: bool = False) -> bytes:
    """The request bytes; `functions` pairs each body with the controlid it keeps across retries.

    The envelope is written as text around each body's own serialization: the very bytes
    lxml writes for the whole tree (values that would need escaping take the tree's way), and
    the bodies stay where they are instead of being moved into a request tree.
    """
    mutating = any(is_mutating(body) for _, body in functions)
    control = (("senderid", sender_id), ("password", sender_password), ("controlid", controlid),
               ("uniqueid", "true" if mutating else "false"), ("dtdversion", DTD_VERSION),
               ("includewhitespace", "false"))
    if isinstance(auth, SessionAuth):
        credentials: tuple[tuple[str, str], ...] = (("sessionid", auth.session_id),)
    else:
        credentials = (("userid", auth.user_id), ("companyid", auth.company_id),
                       ("password", auth.password))
        if auth.entity_id:
            credentials += (("locationid", auth.entity_id),)
    try:
        plain = _PLAIN.fullmatch("".join([*(value for _, value in control + credentials),
                                          *(i for i, _ in functions)]))
    except TypeError:  # a value that is not text: the tree says what it makes of it
        plain = None
    if plain is None:
        return _request_tree(control, auth, credentials, functions, transaction)
    parts = ["<?xml version='1.0' encoding='UTF-8'?>\n<request><control>",
             *(f"<{tag}>{value}</{tag}>" for tag, value in control),
             '</control><operation transaction="true">' if transaction else
             "</control><operation>", "<authentication>"]
    if isinstance(auth, SessionAuth):
        parts += [f"<{tag}>{value}</{tag}>" for tag, value in credentials]
    else:
        parts += ["<login>", *(f"<{tag}>{value}</{tag}>" for tag, value in credentials),
                  "</login>"]
    parts.append("</authentication><content>" if functions else "</authentication><content/>")
    head = "".join(parts).encode("utf-8")
    bodies = [b'<function controlid="%s">%s</function>' % (
        function_controlid.encode("utf-8"), etree.tostring(body, encoding="UTF-8"))
        for function_controlid, body in functions]
    return b"".join([head, *bodies, b"</content></operation></request>" if functions
                     else b"</operation></request>"])


# Text lxml writes as it is, in an element or an attribute: no markup, no quote, no character
# it escapes or refuses.
_PLAIN = re.compile("[^&<>\"\x00-\x1f\ud800-\udfff\ufffe\uffff]*")


def _request_tree(control: tuple[tuple[str, str], ...], auth: Login | SessionAuth,
                  credentials: tuple[tuple[str, str], ...],
                  functions: list[tuple[str, etree._Element]], transaction: bool) -> bytes:
    """The request built as a tree, which escapes (or refuses) any value."""
    request = etree.Element("request")
    control_element = etree.SubElement(request, "control")
    for tag, value in control:
        etree.SubElement(control_element, tag).text = value
    operation = etree.SubElement(request, "operation")
    if transaction:
        operation.set("transaction", "true")
    authentication = etree.SubElement(operation, "authentication")
    parent = authentication if isinstance(auth, SessionAuth) else etree.SubElement(
        authentication, "login")
    for tag, value in credentials:
        etree.SubElement(parent, tag).text = value
    content = etree.SubElement(operation, "content")
    for function_controlid, body in functions:
        function = etree.SubElement(content, "function", controlid=function_controlid)
        function.append(copy.deepcopy(body))
    return etree.tostring(request, xml_declaration=True, encoding="UTF-8")
