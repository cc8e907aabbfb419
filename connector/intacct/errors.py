"""Intacct's errors: the fields of one <error>, the failures only this gateway has, and which
errors mean "try again" or "already done".

The gateway has no machine-readable error classes, so the predicates read errorno and text the
way the official SDKs' users do. Business and validation errors are never retried.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from connector.errors import GatewayError, TransportError

_SUPPORT_ID = re.compile(r"\[Support ID: ([^\]]+)\]")
_TRANSIENT = (
    "too many operations running",
    "temporarily off-line",
    "temporarily offline",
    "gw-0010",
    "try again later",
)
_ALREADY_EXECUTED = ("already been executed", "already executed", "was already processed")


@dataclass(frozen=True)
class ErrorDetail:
    """One <error> of a gateway response, field by field."""

    errorno: str = ""
    description: str = ""
    description2: str = ""
    correction: str = ""
    support_id: str | None = None

    @classmethod
    def from_fields(cls, errorno: str, description: str, description2: str,
                    correction: str) -> ErrorDetail:
        found = _SUPPORT_ID.search(description2) or _SUPPORT_ID.search(description)
        return cls(errorno, description, description2, correction,
                   unquote(found.group(1)) if found else None)

    def text(self) -> str:
        parts = [p for p in (self.description, self.description2, self.correction) if p]
        return f"{self.errorno}: {' '.join(parts)}" if self.errorno else " ".join(parts)

    def to_dict(self) -> dict:
        return {
            "errorno": self.errorno,
            "description": self.description,
            "description2": self.description2,
            "correction": self.correction,
            "supportId": self.support_id,
        }


DETAIL_SCHEMA = {
    "type": "object",
    "properties": {
        "errorno": {"type": "string"}, "description": {"type": "string"},
        "description2": {"type": "string"}, "correction": {"type": "string"},
        "supportId": {"type": ["string", "null"]},
    },
}
LAYERS = ("control", "authentication", "function")


class ControlError(GatewayError):
    """The control block failed: sender credentials, authorization, malformed request."""

    layer = "control"


class EndpointRefused(TransportError):
    """getAPISession named an endpoint that may not receive credentials; nothing was sent."""


class ResponseFormatError(TransportError):
    """The body is not a complete gateway response; whether the request ran is unknown."""

    def __init__(self, message: str, *, status: int | None = None,
                 raw_response: str | None = None) -> None:
        super().__init__(message, status=status, transient=True, sent=True,
                         raw_response=raw_response)


def _texts(errors: Iterable[ErrorDetail]) -> str:
    return " ".join(f"{e.errorno} {e.description} {e.description2}" for e in errors).lower()


def is_retryable(errors: Iterable[ErrorDetail]) -> bool:
    """True for errors that say the gateway is busy or briefly unavailable."""
    text = _texts(errors)
    return bool(text.strip()) and any(marker in text for marker in _TRANSIENT)


def is_already_executed(errors: Iterable[ErrorDetail]) -> bool:
    """True when uniqueid refused a function because its controlid already ran."""
    text = _texts(errors)
    return any(marker in text for marker in _ALREADY_EXECUTED)
