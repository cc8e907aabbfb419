"""A call, as data: what `Connector.prepare` builds and `run` / `run_many` execute.

Everything here is plain and immutable, so a call can be built in one place (a form, a bulk
file, a queue message), inspected by middleware, and run anywhere; the request bodies inside it
are the protocol's and opaque to the framework.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from connector.errors import ConnectorError


@dataclass(frozen=True)
class RetryPolicy:
    """How a call is retried; the manifest gives defaults, a call may override them."""

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
    """How one call is sent: retry policy, extra HTTP headers, all-or-nothing transaction, how
    long to wait for one of the company's request slots, an optional overall deadline (a
    `time.monotonic()` instant that every attempt and wait must finish before), and stable
    function ids (so that a call sent again is recognised as the same call)."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    headers: Mapping[str, str] = field(default_factory=dict)
    transaction: bool = False
    slot_wait_s: float = 30.0
    deadline: float | None = None
    controlids: tuple[str, ...] | None = None

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None: no deadline)."""
        return None if self.deadline is None else self.deadline - time.monotonic()


@dataclass(frozen=True)
class OutputSpec:
    """How a call's answer becomes its output: a mode the protocol knows, whether every
    element is a list (xml2js arrays), and whether a missing key is taken from the record."""

    mode: str
    arrays: bool = True
    key_from_record: bool = False


@dataclass(frozen=True)
class Call:
    """One prepared call of an action or data source: validated inputs, the protocol's request
    bodies, how to send it, how to shape its answer, and which inputs the caller gave."""

    action: Any  # ActionSpec or DataSourceSpec
    values: Mapping[str, Any]
    bodies: tuple[Any, ...]
    options: CallOptions
    output: OutputSpec
    given: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return self.action.key

    def given_values(self) -> dict[str, Any]:
        """The inputs the caller gave (defaults left out), as the `inputs` output echoes."""
        return {k: v for k, v in self.values.items() if k in self.given}


@dataclass(frozen=True)
class Outcome:
    """What running one call came to: its output, or its error. Status "unknown" means the
    request was sent and no complete answer came back: it may have been applied."""

    status: str  # "success" | "error" | "unknown"
    output: Any = None
    error: ConnectorError | None = None

    def unwrap(self) -> Any:
        """The output, or raise the error."""
        if self.error is not None:
            raise self.error
        return self.output


# The names a caller may override per call, and what each becomes.
OVERRIDES = frozenset({f.name for f in fields(RetryPolicy)}
                      | {"transaction", "slot_wait_ms", "deadline_ms", "controlids", "headers"})
