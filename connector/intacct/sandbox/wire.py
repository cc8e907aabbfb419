"""Request parsing and response building for the DTD 3.0 XML envelope.

Requests are parsed with a hardened lxml parser (no DTDs, no entities, no network, bounded
size) and turned into plain dataclasses; parser errors keep libxml2's own words, which are the
real gateway's. Responses are built with lxml so every value is escaped by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .errors import ErrorEntry, ErrorInfo, FrontDoorError, Refused, malformed_request, xml_syntax

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@dataclass
class Control:
    senderid: str = ""
    password: str = ""
    controlid: str = ""
    uniqueid: str = "false"
    dtdversion: str = ""
    includewhitespace: bool = False
    showadditionalerrorinfo: bool = False

    @property
    def unique(self) -> bool:
        return self.uniqueid.strip().lower() == "true"


@dataclass
class SignIn:
    userid: str
    companyid: str
    password: str
    locationid: str = ""
    clientid: str = ""


@dataclass
class FunctionCall:
    controlid: str
    name: str
    body: etree._Element


@dataclass
class Request:
    control: Control
    login: SignIn | None = None
    sessionid: str | None = None
    transaction: bool = False
    functions: list[FunctionCall] = field(default_factory=list)


def _parser(recover: bool = False) -> etree.XMLParser:
    # A parser is not thread-safe and keeps its error log: one per request.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_blank_text=True, remove_comments=True, remove_pis=True,
        recover=recover)


def parse_xml(body: bytes) -> etree._Element:
    """Parse untrusted XML; a DOCTYPE or any parse error is a malformed request, reported with
    libxml2's messages (one error each) as the real gateway reports them."""
    if _DOCTYPE.search(body):
        raise Refused(malformed_request("a DOCTYPE or entity declaration is not allowed"))
    parser = _parser()
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise Refused(*(
            xml_syntax("Fatal Error" if e.level_name == "FATAL" else "Error", e.type,
                       e.message, e.line, e.column)
            for e in exc.error_log)) from None
    if root is None:
        raise Refused(malformed_request("the request is empty"))
    return root


def salvage_control(body: bytes) -> Control:
    """What can still be read of the control block of a request that does not parse, so the
    answer echoes senderid and controlid as the real gateway's does."""
    if _DOCTYPE.search(body):
        return Control()
    try:
        root = etree.fromstring(body, _parser(recover=True))
    except etree.XMLSyntaxError:
        return Control()
    return read_control(root) if root is not None else Control()


def text_of(parent: etree._Element, tag: str) -> str | None:
    """Stripped text of a direct child, '' when empty, None when absent."""
    child = parent.find(tag)
    if child is None:
        return None
    return (child.text or "").strip()


def read_control(root: etree._Element) -> Control:
    """The control block's values, whatever is missing (checked by check_control)."""
    ctl = root.find("control") if root.tag == "request" else None
    if ctl is None:
        return Control()
    return Control(
        senderid=text_of(ctl, "senderid") or "",
        password=text_of(ctl, "password") or "",
        controlid=text_of(ctl, "controlid") or "",
        uniqueid=text_of(ctl, "uniqueid") or "false",
        dtdversion=text_of(ctl, "dtdversion") or "",
        includewhitespace=(text_of(ctl, "includewhitespace") or "").lower() == "true",
        showadditionalerrorinfo=(text_of(ctl, "showadditionalerrorinfo") or "").lower()
        == "true",
    )


def check_control(root: etree._Element, control: Control) -> None:
    """Raise XL03000003 when the request structure around the control block is broken."""
    if root.tag != "request":
        raise Refused(malformed_request(f"root element must be <request>, not <{root.tag}>"))
    ctl = root.find("control")
    if ctl is None:
        raise Refused(malformed_request("missing <control> element"))
    for tag in ("senderid", "password", "controlid", "dtdversion"):
        if ctl.find(tag) is None:
            raise Refused(malformed_request(f"missing <{tag}> in <control>"))
    if control.dtdversion not in ("3.0", "2.1"):
        raise Refused(malformed_request(f"unsupported dtdversion '{control.dtdversion}'"))


def parse_operation(root: etree._Element, request: Request) -> None:
    """Fill authentication and functions into the request (control already parsed)."""
    op = root.find("operation")
    if op is None:
        raise Refused(malformed_request("missing <operation> element"))
    request.transaction = (op.get("transaction") or "").strip().lower() == "true"
    auth = op.find("authentication")
    if auth is None:
        raise Refused(malformed_request("missing <authentication> in <operation>"))
    login = auth.find("login")
    if login is not None:
        fields = {t: text_of(login, t) for t in ("userid", "companyid", "password")}
        for tag, value in fields.items():
            if value is None:
                raise Refused(malformed_request(f"missing <{tag}> in <login>"))
        request.login = SignIn(
            userid=fields["userid"] or "",
            companyid=fields["companyid"] or "",
            password=fields["password"] or "",
            locationid=text_of(login, "locationid") or "",
            clientid=text_of(login, "clientid") or "",
        )
    elif auth.find("sessionid") is not None:
        request.sessionid = text_of(auth, "sessionid") or ""
    else:
        raise Refused(malformed_request("<authentication> needs <login> or <sessionid>"))
    content = op.find("content")
    if content is None:
        raise Refused(malformed_request("missing <content> in <operation>"))
    for fn in content:
        if fn.tag != "function":
            raise Refused(malformed_request(f"unexpected <{fn.tag}> in <content>"))
        controlid = fn.get("controlid")
        if not controlid:
            raise Refused(malformed_request("<function> needs a controlid attribute"))
        children = list(fn)
        if len(children) != 1:
            raise Refused(
                malformed_request(f'<function controlid="{controlid}"> must hold one call')
            )
        request.functions.append(FunctionCall(controlid, children[0].tag, children[0]))
    if not request.functions:
        raise Refused(malformed_request("<content> holds no <function>"))


# -- element <-> value conversion ------------------------------------------------------------------


def element_value(el: etree._Element) -> Any:
    """Text for a leaf, a dict for an element with children (repeated tags become lists)."""
    out: dict[str, Any] = {}
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # an entity reference or other non-element node
        value = element_value(child) if len(child) else child.text or ""
        if tag not in out:
            out[tag] = value
        elif isinstance(out[tag], list):
            out[tag].append(value)
        else:
            out[tag] = [out[tag], value]
    return out or el.text or ""


def add_value(parent: etree._Element, tag: str, value: Any) -> None:
    """Append value under parent as <tag>: nested dicts and lists become nested elements."""
    if isinstance(value, list):
        for item in value:
            add_value(parent, tag, item)
        return
    el = etree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, sub in value.items():
            add_value(el, key, sub)
    elif value is not None:
        el.text = str(value)


def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


# -- response building ------------------------------------------------------------------------


def control_block(parent: etree._Element, control: Control, status: str) -> None:
    ctl = sub(parent, "control")
    sub(ctl, "status", status)
    sub(ctl, "senderid", control.senderid)
    sub(ctl, "controlid", control.controlid)
    sub(ctl, "uniqueid", control.uniqueid)
    sub(ctl, "dtdversion", control.dtdversion or "3.0")


def error_block(parent: etree._Element, errors: list[ErrorEntry], request_id: str = "",
                additional_info: bool = False) -> None:
    msg = sub(parent, "errormessage")
    for e in errors:
        err = sub(msg, "error")
        sub(err, "errorno", e.errorno)
        sub(err, "description", e.description)
        sub(err, "description2", e.description2)
        sub(err, "correction", e.correction)
        if additional_info:
            _additional_info(err, e.info, request_id)


_TARGET = ("domain", "requestinfo", "object", "field")


def _additional_info(err: etree._Element, info: ErrorInfo, request_id: str) -> None:
    """The <additionalinfo> block of showadditionalerrorinfo, shaped as the reference on
    requests shows it (the error-level target spells businessinfo, the message-level ones
    businessInfo, as there)."""
    block = sub(err, "additionalinfo")
    sub(block, "errorid", info.errorid)
    sub(block, "category", info.category)
    _target(block, {"requestinfo": request_id, "object": info.object, "field": info.field},
            "businessinfo")
    for tag, messageid in (("description", info.description_id),
                           ("cdescription", info.cdescription_id),
                           ("correction", info.correction_id)):
        message = sub(block, tag)
        sub(message, "messageid", messageid)
        _target(message, {}, "businessInfo")
        placeholders = sub(message, "placeholders")
        if tag == "cdescription":
            for name, value in info.placeholders:
                sub(placeholders, "placeholder").attrib.update({"name": name, "value": value})


def _target(parent: etree._Element, values: dict[str, str], business: str) -> None:
    target = sub(parent, "target")
    for name in _TARGET:
        target.set(name, values.get(name, ""))
    target.set(business, "")


def new_response() -> etree._Element:
    return etree.Element("response")


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def serialize(root: etree._Element, pretty: bool) -> bytes:
    """UTF-8 bytes with the double-quoted declaration the real gateway sends."""
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=pretty)
    return XML_DECLARATION + body


def control_failure(control: Control, errors: list[ErrorEntry], request_id: str = "") -> bytes:
    """A whole-request failure: control status failure plus the errors."""
    root = new_response()
    control_block(root, control, "failure")
    error_block(root, errors, request_id, control.showadditionalerrorinfo)
    return serialize(root, control.includewhitespace)


def gateway_failure(error: FrontDoorError) -> bytes:
    """The front door's refusal: a control block with only its status, and an error with only
    errorno and description (doc: error handling, the GW-0011 example)."""
    root = new_response()
    sub(sub(root, "control"), "status", "failure")
    err = sub(sub(root, "errormessage"), "error")
    sub(err, "errorno", error.errorno)
    sub(err, "description", error.description)
    return serialize(root, pretty=True)
