"""Running one action over many records: batched, concurrent, in order, resumable.

Each record becomes a Call (`Connector.prepare`), so it is validated, rendered, sent and shaped
exactly as `invoke` would: its own options, its output mode, every request body it renders.
Calls go out `batch_size` bodies per request (the manifest's setting; at most what the protocol
allows) through `Connector.run_many`, on one thread more than the company's concurrency limit:
the client holds a request slot only while a request is on the wire, so the extra thread's
request is built and waiting when a slot comes free, and reading one answer overlaps the next
request instead of leaving its slot idle.
Each body gets a control id derived from the run id and the record's position, and mutations
are sent with uniqueid, so a batch sent again after a crash or a lost answer is not executed
twice. What is finished is kept in a journal (connector.journal) so a killed run resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from connector.calls import Call
from connector.core import Connector
from connector.errors import ConnectorError, InputError, InputProblem, UnknownKey
from connector.journal import InputIdentity, Journal


@dataclass
class _Batch:
    """Calls that go out in one request, with the records they came from."""

    indexes: list[int] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    bodies: int = 0


def run_bulk(connector: Connector, key: str, records: Iterable[Mapping[str, Any] | ConnectorError],
             connection: Mapping[str, Any], *, journal: str | Path | Journal | None = None,
             first_index: int = 0, source: InputIdentity | None = None,
             retry_failed: bool = False,
             batch_size: int | None = None, transaction: bool = False,
             concurrency: int | None = None, retry: Mapping[str, Any] | None = None,
             progress: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Yield one result per input record, in input order: {"index", "status", "data"|"error"}.

    A record may be a ConnectorError (an input line that could not be read): it fails alone.
    `journal` is a file path or a Journal (a stored run's, on a worker); `first_index` numbers
    the records from there (a worker's batch of a run). `source` identifies the input in the
    journal, which then refuses any other input; `retry_failed` sends records the journal holds
    as failed again, with their control ids.
    Status "unknown" means sent without a complete answer: it may have been applied, and a
    resumed run sends it again (the gateway deduplicates it).
    """
    action = connector.action(key)
    if not action.handler and action.output.get("mode") == "records":
        raise UnknownKey(f"{key} lists records; bulk sends calls that change or read one thing")
    size = min(batch_size or connector.settings.batch_size,
               connector.protocol.limits.max_batch_size)
    slots = concurrency or connector.settings.concurrency
    # The client holds `settings.concurrency` slots: a run that may use them all gets a thread
    # more, whose request waits built for the next free slot; a run given fewer is bounded by
    # its threads.
    workers = slots + 1 if slots >= connector.settings.concurrency else slots
    state = journal if isinstance(journal, Journal) else Journal(journal, key, source,
                                                                 retry_failed=retry_failed)
    overrides = {**(retry or {}), "transaction": transaction}
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: list[tuple[list[dict[str, Any]], Future | None]] = []
            batches = _batches(connector, key, records, state, size, overrides, first_index)
            for ready, batch in batches:
                future = (pool.submit(_send, connector, connection, batch, state)
                          if batch is not None else None)
                pending.append((ready, future))
                while len(pending) > workers * 2:  # bounded look-ahead keeps memory flat
                    yield from _drain(pending.pop(0), progress)
            while pending:
                yield from _drain(pending.pop(0), progress)
    finally:
        state.close()


def _batches(connector: Connector, key: str, records: Iterable[Any], state: Journal, size: int,
             overrides: Mapping[str, Any], first_index: int
             ) -> Iterator[tuple[list[dict[str, Any]], _Batch | None]]:
    """Group calls into batches of at most `size` bodies with the same options; records that
    are done, unreadable or invalid come out as ready results."""
    ready: list[dict[str, Any]] = []
    batch = _Batch()
    for index, record in enumerate(records, first_index):
        identity = _identity(record)
        finished = state.finished(index, identity)
        if finished is not None:
            ready.append({k: v for k, v in finished.items() if k != "hash"})
            continue
        try:
            call = _prepare(connector, key, index, record, state, size, overrides)
        except ConnectorError as exc:
            entry = {"index": index, "status": "error", "error": exc.to_dict()}
            ready.append(state.record(index, identity, entry))
            continue
        fits = batch.bodies + len(call.bodies) <= size
        same = not batch.calls or _same_request(batch.calls[0], call)
        if batch.calls and not (fits and same):
            yield ready, batch
            ready, batch = [], _Batch()
        batch.indexes.append(index)
        batch.records.append(record)
        batch.calls.append(call)
        batch.bodies += len(call.bodies)
    if batch.calls or ready:
        yield ready, batch if batch.calls else None


def _prepare(connector: Connector, key: str, index: int, record: Any, state: Journal,
             size: int, overrides: Mapping[str, Any]) -> Call:
    if isinstance(record, ConnectorError):
        raise record
    call = connector.prepare(key, record, **overrides)
    if call.output.mode == "records":
        raise InputError(key, [InputProblem("", f"line {index + 1}",
                                            "lists records; bulk cannot send it")])
    if len(call.bodies) > size:
        raise InputError(key, [InputProblem("", f"line {index + 1}", f"renders "
                               f"{len(call.bodies)} functions, more than a batch of {size}")])
    base = state.controlid(index)
    ids = (base, *(f"{base}.{n}" for n in range(1, len(call.bodies))))
    return replace(call, options=replace(call.options, controlids=ids))


def _same_request(first: Call, other: Call) -> bool:
    """Whether two calls can share a request: the same options, ids aside."""
    a, b = first.options, other.options
    return (a.retry, dict(a.headers), a.transaction) == (b.retry, dict(b.headers), b.transaction)


def _send(connector: Connector, connection: Mapping[str, Any], batch: _Batch, state: Journal
          ) -> list[dict[str, Any]]:
    entries = []
    outcomes = connector.run_many(batch.calls, connection)
    for index, record, outcome in zip(batch.indexes, batch.records, outcomes, strict=True):
        if outcome.error is None:
            entry = {"index": index, "status": "success", "data": outcome.output}
        else:
            entry = {"index": index, "status": outcome.status, "error": outcome.error.to_dict()}
        entries.append(state.record(index, record, entry))
    return entries


def _drain(item: tuple[list[dict[str, Any]], Future | None],
           progress: Callable[[int], None] | None) -> Iterator[dict[str, Any]]:
    ready, future = item
    entries = ready + (future.result() if future is not None else [])
    yield from sorted(entries, key=lambda e: e["index"])
    if progress is not None:
        progress(len(entries))


def _identity(record: Any) -> Any:
    """What the journal hashes for a record (an unreadable line by its message)."""
    return {"unreadable": record.message} if isinstance(record, ConnectorError) else record
