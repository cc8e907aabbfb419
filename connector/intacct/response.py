"""Reading a gateway response, layer by layer: control, then authentication, then each result.

Anything that is not a complete, well-formed <response> (an empty body, an HTML page from the
CDN, a truncated body, a document missing a block) becomes a ResponseFormatError. The request
was sent, so its outcome is unknown: the error is transient (sent again with the same control
ids, which uniqueid makes safe) and marked as sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from connector.errors import AuthenticationError, FunctionError, XMLInputError
from connector.intacct.errors import (
    ControlError,
    ErrorDetail,
    ResponseFormatError,
    is_already_executed,
)
from connector.xmlkit.parse import parse_document, parse_pruned
from connector.xmlkit.xml2js import record_to_dict

MAX_RESPONSE_BYTES = 256 * 1024 * 1024
_FIRST_RECORD = re.compile(rb"<data(?:\s[^>]*)?(?<!/)>\s*<([A-Za-z_][A-Za-z0-9_.\-]*)")


@dataclass
class Result:
    """One <result>, as the gateway sent it, and the facts derived from it.

    The parsed element is never edited: a function refused only because its controlid already
    ran is `already_applied` (it ran on an earlier attempt), and the shaper writes that, and
    any key derived from a record, into the output.
    """

    status: str
    function: str
    controlid: str
    element: etree._Element
    errors: list[ErrorDetail] = field(default_factory=list)
    data: etree._Element | None = None  # its <data>
    # A page's records, read as they were parsed (parse_page): their elements are gone.
    read_records: list[Any] | None = None
    # False when the response shows that no record has an attribute (see _record_attributes).
    record_attributes: bool = True

    @property
    def already_applied(self) -> bool:
        return self.status == "failure" and is_already_executed(self.errors)

    @property
    def ok(self) -> bool:
        return self.status == "success" or self.already_applied

    @property
    def record_elements(self) -> list[etree._Element]:
        data = self.data
        return [c for c in data if isinstance(c.tag, str)] if data is not None else []

    @property
    def records(self) -> list[Any]:
        if self.read_records is not None:
            return list(self.read_records)
        return [record_to_dict(r, attributes=self.record_attributes)
                for r in self.record_elements]

    @property
    def more(self) -> bool:
        return int(self.attribute("numremaining") or 0) > 0 and bool(self.attribute("resultId"))

    @property
    def count(self) -> int:
        raw = self.attribute("count")
        if raw and raw.isdigit():
            return int(raw)
        return len(self.read_records if self.read_records is not None else self.record_elements)

    def attribute(self, name: str) -> str | None:
        data = self.data
        return data.get(name) if data is not None else None

    def error(self, raw_response: str = "") -> FunctionError:
        """This result's failure as a typed error (aborted when rolled back for another's)."""
        return FunctionError(self.errors, raw_response, function=self.function,
                             controlid=self.controlid, aborted=self.status == "aborted")


@dataclass
class Response:
    """A parsed gateway response: the document, its raw bytes and each function's result."""

    root: etree._Element
    raw: bytes
    results: list[Result]
    authentication: etree._Element | None = None

    def session_timeout(self) -> str:
        """The authentication block's sessiontimeout text ('' when it has none)."""
        if self.authentication is None:
            return ""
        return _child_text(self.authentication, "sessiontimeout")


def parse_response(raw: bytes, *, http_status: int = 200) -> Response:
    """Parse and check the control and authentication layers; results are returned as found."""
    root = _document(raw, http_status, lambda: parse_document(
        raw, what="the gateway response", max_bytes=MAX_RESPONSE_BYTES))
    return Response(root, raw, *_results(root, raw, _record_attributes(raw)))


def parse_page(raw: bytes, *, http_status: int = 200) -> Response:
    """A response read for its records, as parse_response reads it, except that each record
    becomes a dict as soon as the parser is past it and its elements are let go: a page of a
    thousand records never stands as one tree. The records are the results' `read_records`.
    """
    first = _FIRST_RECORD.search(raw)
    if first is None:
        return parse_response(raw, http_status=http_status)
    tag = first.group(1).decode("ascii")
    attributes = _record_attributes(raw, first)
    pages: list[tuple[etree._Element, list[Any]]] = []  # each <data> and its records

    def take(element: etree._Element) -> bool:
        data = element.getparent()
        if not pages or pages[-1][0] is not data:  # (a record of the same <data>: known good)
            result = data.getparent() if data is not None and data.tag == "data" else None
            if result is None or result.tag != "result":
                return False  # an element of that name inside a record: part of the record
            pages.append((data, []))
        pages[-1][1].append(record_to_dict(element, attributes=attributes))
        return True

    root = _document(raw, http_status, lambda: parse_pruned(
        raw, tag, take, what="the gateway response", max_bytes=MAX_RESPONSE_BYTES))
    results, authentication = _results(root, raw)
    for data, records in pages:
        if len(data):  # records under another name, that were not read: read as a whole
            return parse_response(raw, http_status=http_status)
        for result in results:
            if result.data is data:
                result.read_records = records
    return Response(root, raw, results, authentication)


def _record_attributes(raw: bytes, first: re.Match[bytes] | None = None) -> bool:
    """Whether a record in the response may have an attribute: an attribute needs "=", and
    with none past the first <data>'s start tag, no record has one (records are then read
    without a look at each field's attributes)."""
    first = first or _FIRST_RECORD.search(raw)
    return first is not None and raw.find(b"=", first.end()) != -1


def _results(root: etree._Element, raw: bytes, record_attributes: bool = True
             ) -> tuple[list[Result], etree._Element | None]:
    """Each function's result and the authentication block, once the control and
    authentication layers are checked. `record_attributes`: whether a record may have an
    attribute (see _record_attributes)."""
    top = _first_children(root)
    control = top.get("control")
    if control is None:
        raise _malformed("the gateway response has no <control> block", raw)
    if _status(control) != "success":
        raise ControlError(errors_of(top.get("errormessage")), _text(raw))
    operation = top.get("operation")
    if operation is None:
        # A control-level answer with no operation (e.g. a refused request) carries its errors
        # beside the control block.
        errors = errors_of(top.get("errormessage"))
        if errors:
            raise ControlError(errors, _text(raw))
        raise _malformed("the gateway response has no operation block", raw)
    results: list[Result] = []
    inside: dict[Any, etree._Element] = {}  # the first authentication and errormessage
    for child in operation:
        if child.tag == "result":
            results.append(_result(child, record_attributes))
        elif child.tag not in inside:
            inside[child.tag] = child
    authentication = inside.get("authentication")
    if authentication is not None and _status(authentication) != "success":
        raise AuthenticationError(
            errors_of(_child(authentication, "errormessage"))
            or errors_of(inside.get("errormessage")), _text(raw))
    if authentication is None and inside.get("errormessage") is not None:
        raise AuthenticationError(errors_of(inside["errormessage"]), _text(raw))
    return results, authentication


def first_failure(results: list[Result]) -> Result | None:
    """The result to report when some failed: a failure rather than one aborted for it."""
    failed = [r for r in results if not r.ok]
    return next((r for r in failed if r.status == "failure"), failed[0]) if failed else None


def errors_of(errormessage: etree._Element | None) -> list[ErrorDetail]:
    if errormessage is None:
        return []
    return [
        ErrorDetail.from_fields(
            _child_text(error, "errorno"), _child_text(error, "description"),
            _child_text(error, "description2"), _child_text(error, "correction"))
        for error in errormessage.iterchildren("error")
    ]


def _document(raw: bytes, http_status: int, parse: Callable[[], etree._Element]
              ) -> etree._Element:
    if not raw or raw.isspace():
        raise ResponseFormatError(f"the gateway answered HTTP {http_status} with an empty body",
                                  status=http_status, raw_response="")
    shown = raw[:2000]  # decoded for an error only
    head = raw[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        raise ResponseFormatError(
            f"the gateway answered HTTP {http_status} with an HTML page instead of XML",
            status=http_status, raw_response=_text(shown))
    try:
        root = parse()
    except XMLInputError as exc:
        raise ResponseFormatError(exc.message, status=http_status,
                                  raw_response=_text(shown)) from None
    if root.tag != "response":
        raise ResponseFormatError(f"expected a <response> document, got <{root.tag}>",
                                  status=http_status, raw_response=_text(shown))
    return root


def _malformed(message: str, raw: bytes) -> ResponseFormatError:
    """A response without a layer it must have, with its start for the error."""
    return ResponseFormatError(message, raw_response=_text(raw[:8000])[:2000])


def _text(raw: bytes) -> str:
    """The response as text, for an error (decoded only then: a page is megabytes)."""
    return raw.decode("utf-8", errors="replace")


def _first_children(element: etree._Element) -> dict[Any, etree._Element]:
    """The first child of each tag, found in one pass."""
    first: dict[Any, etree._Element] = {}
    for child in element:
        if child.tag not in first:
            first[child.tag] = child
    return first


def _result(element: etree._Element, record_attributes: bool) -> Result:
    first = _first_children(element)  # the five children a result is read for
    return Result(
        status=_text_of(first.get("status")).strip().lower(),
        function=_text_of(first.get("function")),
        controlid=_text_of(first.get("controlid")),
        element=element,
        errors=errors_of(first.get("errormessage")),
        data=first.get("data"),
        record_attributes=record_attributes,
    )


def _status(element: etree._Element) -> str:
    return _child_text(element, "status").strip().lower()


def _child(element: etree._Element, tag: str) -> etree._Element | None:
    """The first child with this tag (as `find`, without parsing a path)."""
    return next(element.iterchildren(tag), None)


def _child_text(element: etree._Element, tag: str) -> str:
    return _text_of(_child(element, tag))


def _text_of(element: etree._Element | None) -> str:
    return (element.text or "") if element is not None else ""
