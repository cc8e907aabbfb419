"""Every failure a user can meet, as data.

Errors found before a request is sent (manifest, inputs, templates, connection) exit with 2;
errors from the gateway or the network exit with 1. Gateway errors keep the fields their
protocol reports (for Intacct: errorno, description, description2, correction) instead of
flattening them into a string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

USAGE_EXIT = 2
GATEWAY_EXIT = 1

class ConnectorError(Exception):
    """Base of every error the framework raises on purpose."""

    exit_code = GATEWAY_EXIT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict:
        return {"type": type(self).__name__, "message": self.message}


class ManifestError(ConnectorError):
    """A manifest that cannot be used: names the file, the path inside it and the problem."""

    exit_code = USAGE_EXIT

    def __init__(self, file: str, path: str, problem: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line else file
        location = f" at {path}" if path else ""
        super().__init__(f"{where}{location}: {problem}")
        self.file, self.path, self.problem, self.line = file, path, problem, line


class PluginConflict(ConnectorError):
    """Two plugins registered the same key."""

    exit_code = USAGE_EXIT


class UnknownKey(ConnectorError):
    """An action or data source key that no plugin registered."""

    exit_code = USAGE_EXIT


@dataclass(frozen=True)
class InputProblem:
    """One invalid input: where it is, what it is called in a form, what is wrong."""

    path: str
    title: str
    problem: str

    def __str__(self) -> str:
        name = self.path or self.title
        if self.title and self.path and self.title != self.path:
            name = f"{self.title} ({self.path})"
        return f"{name}: {self.problem}" if name else self.problem


class InputError(ConnectorError):
    """Inputs that fail validation; carries every problem at once."""

    exit_code = USAGE_EXIT

    def __init__(self, action: str, problems: Sequence[InputProblem]) -> None:
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid input for {action}:\n{lines}")
        self.action = action
        self.problems = list(problems)

    def to_dict(self) -> dict:
        return {
            **super().to_dict(),
            "problems": [
                {"path": p.path, "title": p.title, "problem": p.problem} for p in self.problems
            ],
        }


class XMLInputError(ConnectorError):
    """Raw XML (an input or a response) that is malformed, too large, or carries a DTD/entity."""

    exit_code = USAGE_EXIT


class TemplateError(ConnectorError):
    """A template that fails to render or renders malformed XML; names the template."""

    exit_code = USAGE_EXIT


class ConnectionConfigError(ConnectorError):
    """A connection that is missing or incomplete."""

    exit_code = USAGE_EXIT


class TransportError(ConnectorError):
    """The request did not get a usable answer: network failure, HTTP error, non-XML body."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False,
                 retry_after: float | None = None, raw_response: str | None = None,
                 timeout: bool = False, sent: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient
        self.timeout = timeout  # no answer in time (as opposed to a refused or failed one)
        self.sent = sent  # the request reached the gateway, which may have applied it
        self.retry_after = retry_after
        self.raw_response = raw_response

    def to_dict(self) -> dict:
        return {**super().to_dict(), "status": self.status, "transient": self.transient}


class OutcomeUnknown(TransportError):
    """The request was sent but no complete answer came back, on every attempt: the call may
    have been applied. `controlids` are the functions' ids, to look them up before re-sending."""

    def __init__(self, message: str, *, controlids: Sequence[str] = (),
                 raw_response: str | None = None) -> None:
        super().__init__(message, transient=True, raw_response=raw_response, sent=True)
        self.controlids = list(controlids)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "outcome": "unknown", "controlids": self.controlids}


class SlotTimeout(ConnectorError):
    """No request slot for the company came free before the wait's deadline; nothing was sent.
    Retrying after `retry_after` seconds is safe."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.transient = True

    def to_dict(self) -> dict:
        return {**super().to_dict(), "transient": True, "retry_after": self.retry_after}


class DeadlineExceeded(ConnectorError):
    """The call's overall deadline passed (every attempt and wait included)."""

    def to_dict(self) -> dict:
        return {**super().to_dict(), "transient": True}


class ErrorDetail(Protocol):
    """One error a remote API reported; its protocol defines the fields."""

    def text(self) -> str:
        """One line for people."""

    def to_dict(self) -> dict:
        """Every field, for JSON."""


class GatewayError(ConnectorError):
    """The remote API answered with a failure; `errors` keeps each error's fields. `layer`
    names the part of the request that failed, in the protocol's terms."""

    layer = "gateway"

    def __init__(self, errors: Sequence[ErrorDetail], raw_response: str = "",
                 summary: str | None = None) -> None:
        self.errors = list(errors)
        self.raw_response = raw_response
        text = "; ".join(e.text() for e in self.errors) or "no error detail given"
        super().__init__(f"{summary or self.layer + ' failure'}: {text}")

    def to_dict(self) -> dict:
        return {**super().to_dict(), "layer": self.layer,
                "errors": [e.to_dict() for e in self.errors]}


class AuthenticationError(GatewayError):
    """Company credentials or the session were refused; no function ran."""

    layer = "authentication"


class FunctionError(GatewayError):
    """A function failed. `aborted` is true when it was rolled back for another's failure."""

    layer = "function"

    def __init__(self, errors: Sequence[ErrorDetail], raw_response: str = "", *,
                 function: str = "", controlid: str = "", aborted: bool = False) -> None:
        self.function, self.controlid, self.aborted = function, controlid, aborted
        state = "aborted" if aborted else "failed"
        super().__init__(errors, raw_response, summary=f"{function or 'function'} {state}")

    def to_dict(self) -> dict:
        return {**super().to_dict(), "function": self.function, "controlid": self.controlid,
                "aborted": self.aborted}
