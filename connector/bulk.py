"""Running one action over many records: batched, concurrent, in order, resumable.

Records are sent up to `batch_size` functions per request (Intacct allows 100), on as many
threads as the company's concurrency limit. Each record's function gets a controlid derived
from the run id and the record's position, and mutations are sent with uniqueid true, so a
batch re-sent after a crash or a lost response is not executed twice: the gateway reports those
functions as already executed and they count as applied. What is finished is kept in a journal
(connector.journal) so that a killed run resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connector.core import Connector
from connector.errors import ConnectorError, OutcomeUnknown, UnknownKey
from connector.journal import InputIdentity, Journal
from connector.shaping import add_keys, resolve_option, shape_result


@dataclass
class _Batch:
    indexes: list[int]
    records: list[Any]
    controlids: list[str]
    bodies: list[Any]
    inputs: list[dict[str, Any]]


def run_bulk(connector: Connector, key: str, records: Iterable[Mapping[str, Any] | ConnectorError],
             connection: Mapping[str, Any], *, journal: str | Path | None = None,
             source: InputIdentity | None = None, retry_failed: bool = False,
             batch_size: int | None = None, transaction: bool = False,
             concurrency: int | None = None, retry: Mapping[str, Any] | None = None,
             progress: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Yield one result per input record, in input order: {"index", "status", "data"|"error"}.

    A record may be a ConnectorError (an input line that could not be read): it fails alone.
    `source` identifies the input in the journal, which then refuses any other input;
    `retry_failed` sends records the journal holds as failed again, with their control ids.
    Status "unknown" means sent without a complete answer: it may have been applied, and a
    resumed run sends it again (the gateway deduplicates it).
    """
    action = connector.action(key)
    mode = resolve_option(action.output["mode"], {}, default="result")
    if mode == "records":
        raise UnknownKey(f"{key} lists records; bulk runs one function per record")
    size = min(batch_size or connector.settings.get("batch_size", 100), 100)
    workers = concurrency or connector.settings["concurrency"]
    state = Journal(journal, key, source, retry_failed=retry_failed)
    gateway = connector.gateway(connection)
    options = connector.call_options(action, {}, {**(retry or {}), "transaction": transaction})
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: list[tuple[list[dict[str, Any]], Any]] = []
            for ready, batch in _batches(connector, key, records, state, size):
                future = pool.submit(_send, connector, gateway, action, batch, options, mode,
                                     state) if batch is not None else None
                pending.append((ready, future))
                while len(pending) > workers * 2:  # bounded look-ahead keeps memory flat
                    yield from _drain(pending.pop(0), progress)
            while pending:
                yield from _drain(pending.pop(0), progress)
    finally:
        state.close()


def _batches(connector: Connector, key: str, records: Iterable[Mapping[str, Any]],
             state: Journal, size: int) -> Iterator[tuple[list[dict[str, Any]], _Batch | None]]:
    """Group records into batches; records already done or invalid come out as ready results."""
    ready: list[dict[str, Any]] = []
    batch = _Batch([], [], [], [], [])
    for index, record in enumerate(records):
        finished = state.finished(index, _identity(record))
        if finished is not None:
            ready.append({k: v for k, v in finished.items() if k != "hash"})
            continue
        try:
            if isinstance(record, ConnectorError):
                raise record
            values, bodies = connector.prepare(key, record)
        except ConnectorError as exc:
            entry = {"index": index, "status": "error", "error": exc.to_dict()}
            ready.append(state.record(index, _identity(record), entry))
            continue
        batch.indexes.append(index)
        batch.records.append(record)
        batch.controlids.append(state.controlid(index))
        batch.bodies.append(bodies[0])
        batch.inputs.append({k: v for k, v in values.items() if k in record})
        if len(batch.indexes) == size:
            yield ready, batch
            ready, batch = [], _Batch([], [], [], [], [])
    if batch.indexes or ready:
        yield ready, batch if batch.indexes else None


def _send(connector: Connector, gateway: Any, action: Any, batch: _Batch, options: Any,
          mode: str, state: Journal) -> list[dict[str, Any]]:
    try:
        response = gateway.execute(batch.bodies, options, check=False,
                                   controlids=batch.controlids)
    except ConnectorError as exc:  # the whole request failed after every retry
        status = "unknown" if isinstance(exc, OutcomeUnknown) else "error"
        entries = [{"index": i, "status": status, "error": exc.to_dict()}
                   for i in batch.indexes]
    else:
        arrays = bool(resolve_option(action.output.get("arrays"), {}, default=True))
        if action.output.get("key_from_record"):
            add_keys(response)
        entries = []
        for position, index in enumerate(batch.indexes):
            result = response.results[position]
            if result.status == "success":
                data = shape_result(mode, response, position, arrays=arrays,
                                    inputs=batch.inputs[position])
                entries.append({"index": index, "status": "success", "data": data})
            else:
                error = result.error()
                entries.append({"index": index, "status": "error", "error": error.to_dict()})
    return [state.record(index, record, entry)
            for index, record, entry in zip(batch.indexes, batch.records, entries, strict=True)]


def _identity(record: Any) -> Any:
    """What the journal hashes for a record (an unreadable line by its message)."""
    return {"unreadable": record.message} if isinstance(record, ConnectorError) else record


def _drain(item: tuple[list[dict[str, Any]], Any],
           progress: Callable[[int], None] | None) -> Iterator[dict[str, Any]]:
    ready, future = item
    entries = ready + (future.result() if future is not None else [])
    yield from sorted(entries, key=lambda e: e["index"])
    if progress is not None:
        progress(len(entries))
