"""Building the request document: control, operation, authentication and one <function> each."""

from __future__ import annotations

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
    """The request bytes; `functions` pairs each body with the controlid it keeps across retries."""
    request = etree.Element("request")
    control = etree.SubElement(request, "control")
    _text(control, "senderid", sender_id)
    _text(control, "password", sender_password)
    _text(control, "controlid", controlid)
    mutating = any(is_mutating(body) for _, body in functions)
    _text(control, "uniqueid", "true" if mutating else "false")
    _text(control, "dtdversion", DTD_VERSION)
    _text(control, "includewhitespace", "false")
    operation = etree.SubElement(request, "operation")
    if transaction:
        operation.set("transaction", "true")
    authentication = etree.SubElement(operation, "authentication")
    if isinstance(auth, SessionAuth):
        _text(authentication, "sessionid", auth.session_id)
    else:
        login = etree.SubElement(authentication, "login")
        _text(login, "userid", auth.user_id)
        _text(login, "companyid", auth.company_id)
        _text(login, "password", auth.password)
        if auth.entity_id:
            _text(login, "locationid", auth.entity_id)
    content = etree.SubElement(operation, "content")
    for function_controlid, body in functions:
        function = etree.SubElement(content, "function", controlid=function_controlid)
        function.append(body)
    return etree.tostring(request, xml_declaration=True, encoding="UTF-8")


def _text(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value
