"""Reading a gateway response, layer by layer: control, then authentication, then each result.

Anything that is not a complete, well-formed <response> (an empty body, an HTML page from the
CDN, a truncated body, a document missing a block) becomes a ResponseFormatError. The request
was sent, so its outcome is unknown: the error is transient (sent again with the same control
ids, which uniqueid makes safe) and marked as sent.
"""

from __future__ import annotations

from lxml import etree

from connector.errors import (
    AuthenticationError,
    ControlError,
    ErrorDetail,
    TransportError,
    XMLInputError,
)
from connector.protocol import Response, Result
from connector.xmlsafe import parse_document

MAX_RESPONSE_BYTES = 256 * 1024 * 1024


class ResponseFormatError(TransportError):
    """The body is not a complete gateway response; whether the request ran is unknown."""

    def __init__(self, message: str, *, status: int | None = None,
                 raw_response: str | None = None) -> None:
        super().__init__(message, status=status, transient=True, sent=True,
                         raw_response=raw_response)


def parse_response(raw: bytes, *, http_status: int = 200) -> Response:
    """Parse and check the control and authentication layers; results are returned as found."""
    root = _document(raw, http_status)
    text = raw.decode("utf-8", errors="replace")
    control = _required(root, "control", text)
    if _status(control) != "success":
        raise ControlError(errors_of(root.find("errormessage")), text)
    operation = root.find("operation")
    if operation is None:
        # A control-level answer with no operation (e.g. a refused request) carries its errors
        # beside the control block.
        errors = errors_of(root.find("errormessage"))
        if errors:
            raise ControlError(errors, text)
        raise ResponseFormatError("the gateway response has no operation block",
                                  raw_response=text[:2000])
    authentication = operation.find("authentication")
    if authentication is not None and _status(authentication) != "success":
        raise AuthenticationError(
            errors_of(authentication.find("errormessage"))
            or errors_of(operation.find("errormessage")), text)
    if authentication is None and operation.find("errormessage") is not None:
        raise AuthenticationError(errors_of(operation.find("errormessage")), text)
    results = [_result(r) for r in operation.iterfind("result")]
    return Response(root=root, raw=raw, results=results)


def raise_for_failures(response: Response) -> None:
    """Raise the first failed function's error; prefer the failure over the aborted ones."""
    failed = [r for r in response.results if r.status != "success"]
    if not failed:
        return
    first = next((r for r in failed if r.status == "failure"), failed[0])
    raise first.error(response.raw.decode("utf-8", errors="replace"))


def errors_of(errormessage: etree._Element | None) -> list[ErrorDetail]:
    if errormessage is None:
        return []
    return [
        ErrorDetail.from_fields(
            _child_text(error, "errorno"), _child_text(error, "description"),
            _child_text(error, "description2"), _child_text(error, "correction"))
        for error in errormessage.iterfind("error")
    ]


def _document(raw: bytes, http_status: int) -> etree._Element:
    shown = raw[:2000].decode(errors="replace")
    if not raw.strip():
        raise ResponseFormatError(f"the gateway answered HTTP {http_status} with an empty body",
                                  status=http_status, raw_response="")
    head = raw[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        raise ResponseFormatError(
            f"the gateway answered HTTP {http_status} with an HTML page instead of XML",
            status=http_status, raw_response=shown)
    try:
        root = parse_document(raw, what="the gateway response", max_bytes=MAX_RESPONSE_BYTES)
    except XMLInputError as exc:
        raise ResponseFormatError(exc.message, status=http_status, raw_response=shown) from None
    if root.tag != "response":
        raise ResponseFormatError(f"expected a <response> document, got <{root.tag}>",
                                  status=http_status, raw_response=shown)
    return root


def _required(root: etree._Element, tag: str, text: str) -> etree._Element:
    element = root.find(tag)
    if element is None:
        raise ResponseFormatError(f"the gateway response has no <{tag}> block",
                                  raw_response=text[:2000])
    return element


def _result(element: etree._Element) -> Result:
    key = element.find("key")
    return Result(
        status=_status(element),
        function=_child_text(element, "function"),
        controlid=_child_text(element, "controlid"),
        element=element,
        data=element.find("data"),
        key=key.text if key is not None else None,
        errors=errors_of(element.find("errormessage")),
    )


def _status(element: etree._Element) -> str:
    return _child_text(element, "status").strip().lower()


def _child_text(element: etree._Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "") if child is not None else ""
