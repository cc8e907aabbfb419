"""Every error the service answers, as RFC 9457 problem details (application/problem+json).

    {"type": "https://github.com/lowcode-connector/problems/input-error",
     "title": "Invalid input", "status": 422, "detail": "invalid input for createVendor: ...",
     "instance": "/actions/createVendor/invoke", "code": "InputError",
     "request_id": "5f0c...", "problems": [{"pointer": "/inputs/vendorName", ...}]}

`type` names the kind of problem (a stable URI per error class), `title` says it in words,
`detail` this occurrence, `instance` the request path. Extensions: `code` (the error class a
program can branch on), `request_id` (also the X-Request-ID header and the access log's), and
the error's own fields: input problems with a JSON Pointer into the request body, so a form can
mark the field (an unknown input included); the gateway's errors with their fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.types import Scope

from connector.service.responses import APIResponse

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://github.com/lowcode-connector/problems/"
SHOWN_PATH = 200  # characters of a request's path repeated in `instance`

TITLES = {
    "InputError": "Invalid input",
    "XMLInputError": "Invalid XML input",
    "TemplateError": "The action's template failed",
    "UnknownKey": "No such action or data source",
    "FunctionError": "The gateway refused the function",
    "ControlError": "The gateway refused the sender",
    "AuthenticationError": "The gateway refused the credentials or session",
    "TransportError": "The gateway could not be reached or understood",
    "EndpointRefused": "The gateway named an endpoint that is not allowed",
    "OutcomeUnknown": "The outcome is unknown: it may have been applied",
    "SlotTimeout": "No request slot for the company came free",
    "DeadlineExceeded": "The call's deadline passed",
    "IdempotencyKeyReused": "The Idempotency-Key was used with other inputs",
    "Unauthorized": "A bearer token is required",
    "NotFound": "Nothing at this path",
    "MethodNotAllowed": "Method not allowed",
    "PayloadTooLarge": "The request body is too large",
    "NotReady": "The service is not ready",
    "InternalError": "Internal error",
}


class ProblemResponse(APIResponse):
    media_type = MEDIA_TYPE


def problem_type(code: str) -> str:
    """The type URI of an error class: InputError -> .../input-error."""
    return TYPE_BASE + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", code).lower()


def request_id(scope: Scope) -> str:
    return scope.get("state", {}).get("request_id", "")


def problem(scope: Scope, status: int, code: str, detail: str, *,
            headers: Mapping[str, str] | None = None, **extensions: Any) -> ProblemResponse:
    """A problem details response for this request."""
    body = {"type": problem_type(code), "title": TITLES.get(code, code), "status": status,
            "detail": detail, "instance": scope.get("path", "")[:SHOWN_PATH], "code": code,
            "request_id": request_id(scope), **extensions}
    return ProblemResponse(body, status, headers)


def pointer(path: str, *, within: str = "/inputs") -> str:
    """The JSON Pointer (RFC 6901) of an input path in the request body: lines[0].amount ->
    /inputs/lines/0/amount. A request field's own path is at the body's top level."""
    if not path:
        return ""
    parts = [part for part in re.split(r"\.|\[(\d+)\]|\[|\]", path) if part]
    return within + "".join("/" + part.replace("~", "~0").replace("/", "~1")
                            for part in parts)
