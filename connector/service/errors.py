"""Which HTTP status each failure gets, and keeping secrets out of every answer.

422 is for our own validation (the body, the request's fields, inputs, templates); a gateway's
business failure (FunctionError) is 400 with its fields kept; a gateway or network failure
upstream is 502, and so is a request sent without a complete answer (its outcome unknown); a
timeout upstream or a passed call deadline 504; upstream rate limiting or no free request slot
for the company 503 with Retry-After. See docs/service.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from starlette.types import Scope

from connector.errors import (
    ConnectorError,
    DeadlineExceeded,
    FunctionError,
    GatewayError,
    InputError,
    InputProblem,
    OutcomeUnknown,
    SlotTimeout,
    TemplateError,
    TransportError,
    UnknownKey,
    XMLInputError,
)
from connector.redact import Redactor
from connector.service.problems import ProblemResponse, pointer, problem

UPSTREAM_TIMEOUT_STATUSES = {504, 524}  # gateway timeout; Cloudflare's "a timeout occurred"
UNKNOWN_OUTCOME_ADVICE = ("The request was sent and no complete answer came back: it may have "
                          "been applied. Look its controlids up before sending it again.")


def status_for(exc: ConnectorError) -> int:
    """The HTTP status for a ConnectorError."""
    if isinstance(exc, UnknownKey):
        return 404
    if isinstance(exc, (InputError, XMLInputError, TemplateError)):
        return 422
    if isinstance(exc, FunctionError):
        return 400
    if isinstance(exc, SlotTimeout):
        return 503
    if isinstance(exc, DeadlineExceeded):
        return 504
    if isinstance(exc, OutcomeUnknown):
        return 502
    if isinstance(exc, TransportError):
        if exc.status == 429:
            return 503
        if exc.timeout or exc.status in UPSTREAM_TIMEOUT_STATUSES:
            return 504
        return 502
    if isinstance(exc, GatewayError):
        return 502
    return 500


class Scrubber:
    """Removes secrets from anything the service sends: the connector's own redaction (session
    ids, sensitive tags) plus every configured connection's passwords and the token."""

    def __init__(self, redact: Callable[[str], str], secrets: Iterable[str]) -> None:
        self._redact = redact
        self._secrets = list(secrets)
        self._known = Redactor(self._secrets)

    def remember(self, secrets: Iterable[str]) -> None:
        """Scrub these values too from now on (the secrets of a connection added later). A new
        Redactor replaces the old one whole, so calls scrubbing meanwhile never see it change."""
        self._secrets = [*self._secrets, *secrets]
        self._known = Redactor(self._secrets)

    def text(self, value: str) -> str:
        return self._known.text(self._redact(value))

    def value(self, value: Any) -> Any:
        """The same JSON value with every string scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

    def error(self, exc: ConnectorError, scope: Scope) -> ProblemResponse:
        """The error as problem details with its status and fields; never the raw response.

        An input problem gets the JSON Pointer of its value in the request body: a request
        field's (`/connection`, an unknown `/input`) or an input's (`/inputs/lines/0/amount`).
        """
        fields = exc.to_dict()
        code, detail = fields.pop("type"), fields.pop("message")
        fields.pop("raw_response", None)
        if "status" in fields:  # the upstream HTTP status, not this answer's
            fields["upstream_status"] = fields.pop("status")
        if isinstance(exc, OutcomeUnknown):
            fields["advice"] = UNKNOWN_OUTCOME_ADVICE
        if isinstance(exc, InputError):
            fields["problems"] = [_located(p, scope.get("state", {})) for p in exc.problems]
        headers = {}
        wait = _retry_after(exc)
        if wait is not None:
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return problem(scope, status_for(exc), code, self.text(detail), headers=headers,
                       **self.value(fields))


def _located(found: InputProblem, state: Mapping[str, Any]) -> dict[str, str]:
    """An input problem with where it is: a header's name, or the JSON Pointer of its value
    in the request body (a request field's, or an input's under /inputs, or wherever the
    route keeps what it checks: `inputs_at`)."""
    where = ({"header": found.path} if found.path in state.get("header_fields", ()) else
             {"pointer": pointer(found.path, within="" if found.path in
                                 state.get("body_fields", ()) else
                                 state.get("inputs_at", "/inputs"))})
    return {**where, "path": found.path, "title": found.title, "problem": found.problem}


def _retry_after(exc: ConnectorError) -> float | None:
    """Seconds a caller should wait before retrying, when the failure says."""
    if isinstance(exc, SlotTimeout):
        return exc.retry_after
    if isinstance(exc, TransportError) and exc.status == 429:
        return exc.retry_after
    return None
