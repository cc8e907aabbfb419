"""What a protocol plugin gives the framework, and what its answers look like to it.

The framework validates inputs, runs calls through middleware, waits, retries through the
protocol's client and hands results back; it never reads a request body or a response itself.
A protocol (Intacct's XML gateway is one; a plugin registers it with `register_protocols`)
renders bodies from an action's declaration, sends them, pages, decodes answers to neutral
records (plain dicts), shapes outputs, and says what its limits and error details are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from connector.calls import Call, CallOptions
from connector.errors import ConnectorError, FunctionError
from connector.redact import Redactor


@dataclass(frozen=True)
class Limits:
    """What the remote API allows, which the manifest's settings may not exceed."""

    max_page_size: int
    max_batch_size: int  # calls (functions) in one request
    concurrency: int  # requests in flight per company


@dataclass(frozen=True)
class Search:
    """Text a user typed to find a picklist item, to be matched by the remote API against
    these fields (the ones its labels show), as text that can never change the query."""

    text: str
    fields: tuple[str, ...]


class Result(Protocol):
    """One function's answer, decoded as far as the framework needs."""

    status: str  # "success", "failure" or "aborted" (rolled back for another's failure)
    function: str
    controlid: str
    already_applied: bool  # it ran on an earlier attempt; this answer is the dedup's

    @property
    def records(self) -> list[dict[str, Any]]:
        """The records it returned, as plain dicts."""

    @property
    def more(self) -> bool:
        """Whether more pages remain after this one."""

    def error(self, raw_response: str = "") -> FunctionError:
        """Its failure as a typed error."""


class Response(Protocol):
    """A whole answer: each function's result, and the raw bytes for debugging."""

    results: Sequence[Result]
    raw: bytes


class Client(Protocol):
    """A connection to one account: sessions, transport, retries; shared across threads."""

    redactor: Redactor

    def execute(self, bodies: Sequence[Any], options: CallOptions) -> Response:
        """Send the bodies in one request; a function's failure is data, the request's is
        raised (control, authentication, transport, unknown outcome)."""

    def pages(self, body: Any, options: CallOptions) -> Iterator[Result]:
        """Send a query and yield its result page by page until nothing remains."""

    def preview(self, bodies: Sequence[Any], options: CallOptions) -> str:
        """The request that would be sent, with every secret redacted."""

    def close(self) -> None:
        """Release connections."""


class ActionHandler(Protocol):
    """A protocol-provided action that a declaration cannot express (rawRequest sends XML
    the user wrote, with options read from its inputs)."""

    output: Mapping[str, Any]  # the declared output, as the catalog shows it

    def bodies(self, action: Any, values: Mapping[str, Any]) -> tuple[Any, ...]: ...

    def overrides(self, action: Any, values: Mapping[str, Any]) -> dict[str, Any]: ...

    def output_spec(self, values: Mapping[str, Any]) -> dict[str, Any]: ...


class ConnectorProtocol(Protocol):
    """A protocol plugin, built once per connector with the Jinja filters plugins registered."""

    name: str
    limits: Limits
    request_format: str  # what `render` shows, e.g. "XML"
    input_date_formats: tuple[str, ...]  # accepted besides ISO 8601 (strptime patterns)
    default_key_field: str  # a picklist item's key when its data source names none
    output_modes: frozenset[str]
    error_detail_schema: Mapping[str, Any]  # JSON Schema of one error detail
    error_layers: tuple[str, ...]

    def check_action(self, action: Any) -> None:
        """Refuse a declaration this protocol cannot run (raises ManifestError)."""

    def handler(self, name: str) -> ActionHandler:
        """A protocol-provided action's handler by name."""

    def render(self, action: Any, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The request bodies of an action for validated inputs."""

    def picklist_bodies(self, source: Any, fields: Sequence[str], page_size: int, *,
                        search: Search | None = None) -> tuple[Any, ...]:
        """The query that lists a data source's records with only these fields; with a search,
        only the records whose search fields contain the text. A protocol that cannot search
        declines with an InputError at path "search" (nothing is sent)."""

    def continuation(self, result: Result) -> str:
        """The token that asks for the page after this one (it has `more`)."""

    def continue_body(self, first: Any, token: str) -> Any:
        """The request for the page a token names, given the query's first request."""

    def client(self, connection: Mapping[str, Any], settings: Any, coordination: Any) -> Client:
        """A client for one connection. `coordination` (connector.coordination.config) holds
        the per-company slots, the session cache and the state store, local or shared."""

    def shape(self, call: Call, response: Response, results: Sequence[Result]) -> Any:
        """A successful call's output from its results (the whole response for context)."""

    def example_matches(self, mode: str, data: Any) -> bool:
        """Whether an example output has the structure this output mode produces."""

    def sandbox(self, db: str, seed: str | None) -> AbstractContextManager[dict[str, Any]]:
        """A local emulator of the remote API, yielding a connection to it."""

    def change_streams(self, query: ChangeQuery) -> tuple[ChangeStream, ChangeStream | None]:
        """Optional, for triggers: the object's changed records, and its deletions (None: the
        remote never shows them)."""

    # Optional: test_connection(client, connection, options) -> [{"name", "ok", "detail"}],
    # signing in and saying who and where (`connector connection test`); raises the sign-in
    # failure. Without it a connection test only reads each data source.


ProtocolFactory = Callable[[Mapping[str, Callable[..., Any]]], ConnectorProtocol]


# -- polling for changes (connector.triggers) ---------------------------------------------------

#: A place in a change stream's order: the time a record was listed at, then its key.
Position = tuple[datetime, str]

#: Sends one request body and yields the records it lists, page after page.
Read = Callable[[Any], Iterator[dict[str, Any]]]


@dataclass(frozen=True)
class ChangeQuery:
    """What a trigger polls: one object, the field that keys its records and the timestamps
    its writes set (`created_field` None: new and updated records cannot be told apart)."""

    object: str
    key_field: str
    modified_field: str
    created_field: str | None = None


@dataclass(frozen=True)
class Change:
    """One version of a record, or one deletion, as a change stream read it.

    Times are naive datetimes in the remote's own time (its protocol reads its format).
    `listed` is the time the stream listed it at, which orders it; `modified` is the time of
    the version read, later when the record changed again in between. `record` is None for a
    version the feed said it knows (not read again).
    """

    key: str
    listed: datetime
    modified: datetime
    created: datetime | None
    record: dict[str, Any] | None

    @property
    def position(self) -> Position:
        return (self.listed, self.key)


class ChangeStream(Protocol):
    """Records of one object in the order of (time, key), as a protocol lists them."""

    def latest(self, read: Read) -> Position | None:
        """The newest position (None: nothing yet); the remote's clock is at least there."""

    def read(self, read: Read, start: datetime | None, after: str | None, page_size: int,
             known: Callable[[Position], bool] | None = None) -> Iterator[Change]:
        """Changes in position order from `start` (every one when None), or strictly after
        (start, after) when `after` is given, `page_size` at a time as they are consumed. A
        position `known` says the feed has seen may come back without its record."""


class DeletionsHidden(ConnectorError):
    """The remote does not show this connection its deletions (no right to the audit trail):
    the trigger reports changes and says it cannot see deletions."""
