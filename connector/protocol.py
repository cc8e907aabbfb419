"""What the runtime needs from a protocol, and the parsed results it gets back.

A protocol plugin (the Intacct XML gateway is one) registers an auth scheme whose factory builds a
Gateway for one connection. The runtime validates, renders and shapes; the Gateway owns sessions,
envelopes, transport, retries and error codes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from lxml import etree

from connector.errors import FunctionError
from connector.redact import Redactor


@dataclass(frozen=True)
class RetryPolicy:
    """How a call is retried; the manifest gives defaults, an invocation may override them."""

    max_retries: int = 3
    delay_ms: int = 500
    exponential_backoff: bool = True
    max_delay_ms: int = 30_000
    retry_on_all_errors: bool = False
    timeout_ms: int = 60_000

    def merged(self, overrides: Mapping[str, Any]) -> RetryPolicy:
        known = {k: v for k, v in overrides.items()
                 if k in self.__dataclass_fields__ and v is not None}
        return replace(self, **known)


@dataclass(frozen=True)
class CallOptions:
    """Per-call settings: retry policy, extra HTTP headers, all-or-nothing transaction, how
    long to wait for one of the company's request slots, and an optional overall deadline
    (a `time.monotonic()` instant) that every attempt and wait must finish before."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    headers: Mapping[str, str] = field(default_factory=dict)
    transaction: bool = False
    slot_wait_s: float = 30.0  # the gateway itself holds a request over the limit 30 s
    deadline: float | None = None

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None: no deadline)."""
        return None if self.deadline is None else self.deadline - time.monotonic()


@dataclass
class Result:
    """One function's result: status, identification, and its data or key."""

    status: str
    function: str
    controlid: str
    element: etree._Element
    data: etree._Element | None = None
    key: str | None = None
    errors: list[Any] = field(default_factory=list)
    already_applied: bool = False

    @property
    def records(self) -> list[etree._Element]:
        return [c for c in self.data if isinstance(c.tag, str)] if self.data is not None else []

    @property
    def listtype(self) -> str | None:
        return self.data.get("listtype") if self.data is not None else None

    @property
    def count(self) -> int:
        raw = self.data.get("count") if self.data is not None else None
        return int(raw) if raw and raw.isdigit() else len(self.records)

    def attribute(self, name: str) -> str | None:
        return self.data.get(name) if self.data is not None else None

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


class Gateway(Protocol):
    """A connection to one account of one API, made by an auth scheme's factory."""

    redactor: Redactor

    def execute(self, functions: list[etree._Element], options: CallOptions, *,
                check: bool = True, controlids: list[str] | None = None) -> Response:
        """Send functions in one request; with check, raise unless every function succeeded."""

    def paginate(self, function: etree._Element, options: CallOptions) -> Iterator[Result]:
        """Send a query and yield its result page by page until nothing remains."""

    def list_records(self, object_name: str, fields: list[str], query: str,
                     options: CallOptions, page_size: int) -> Iterator[etree._Element]:
        """Every record of an object (all pages), asking only for the given fields."""

    def preview(self, functions: list[etree._Element], options: CallOptions) -> bytes:
        """The request that would be sent, with every secret redacted."""

    def close(self) -> None:
        """Release connections."""
