"""Running one action over many records: batched, concurrent, in order, resumable.

Records are sent up to `batch_size` functions per request (Intacct allows 100), on as many
threads as the company's concurrency limit. Each record's function gets a controlid derived
from the run id and the record's position, and mutations are sent with uniqueid true, so a
batch re-sent after a crash or a lost response is not executed twice: the gateway reports those
functions as already executed and they count as applied.

The journal is an append-only JSON-lines file: a header with the run id, then one line per
finished record. Started again with the same journal, a run re-emits what was finished and
sends only the rest.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from connector.core import Connector
from connector.errors import ConnectorError, UnknownKey
from connector.shaping import add_keys, resolve_option, shape_result


@dataclass
class _Batch:
    indexes: list[int]
    controlids: list[str]
    bodies: list[Any]
    inputs: list[dict[str, Any]]


class Journal:
    """What a bulk run has finished, kept on disk so that a killed run can resume."""

    def __init__(self, path: str | Path | None, action: str) -> None:
        self.done: dict[int, dict[str, Any]] = {}
        self.run_id = uuid.uuid4().hex[:16]
        self._file: TextIO | None = None
        if path is None:
            return
        path = Path(path)
        if path.exists():
            self._load(path, action)
        self._file = path.open("a", encoding="utf-8")
        if path.stat().st_size == 0:
            self._write({"journal": 1, "action": action, "run": self.run_id})

    def _load(self, path: Path, action: str) -> None:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                if number == len(lines) - 1:
                    break  # a line cut short by a kill: that record was not finished
                raise ConnectorError(f"journal {path} is damaged at line {number + 1}") from None
            if number == 0:
                if entry.get("action") != action:
                    raise ConnectorError(f"journal {path} belongs to action "
                                         f"{entry.get('action')!r}, not {action!r}")
                self.run_id = entry["run"]
            else:
                self.done[entry["index"]] = entry
        self._truncate_partial_line(path, lines)

    @staticmethod
    def _truncate_partial_line(path: Path, lines: list[str]) -> None:
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            path.write_bytes(raw[: raw.rfind(b"\n") + 1])

    def controlid(self, index: int) -> str:
        return f"{self.run_id}-{index}"

    def record(self, entry: dict[str, Any]) -> None:
        self.done[entry["index"]] = entry
        self._write(entry)

    def _write(self, entry: dict[str, Any]) -> None:
        if self._file is None:
            return
        self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def run_bulk(connector: Connector, key: str, records: Iterable[Mapping[str, Any]],
             connection: Mapping[str, Any], *, journal: str | Path | None = None,
             batch_size: int | None = None, transaction: bool = False,
             concurrency: int | None = None, retry: Mapping[str, Any] | None = None,
             progress: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Yield one result per input record, in input order: {"index", "status", "data"|"error"}."""
    action = connector.action(key)
    mode = resolve_option(action.output["mode"], {}, default="result")
    if mode == "records":
        raise UnknownKey(f"{key} lists records; bulk runs one function per record")
    size = min(batch_size or connector.settings.get("batch_size", 100), 100)
    workers = concurrency or connector.settings["concurrency"]
    state = Journal(journal, key)
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
    batch = _Batch([], [], [], [])
    for index, record in enumerate(records):
        if index in state.done:
            ready.append(state.done[index])
            continue
        try:
            values, bodies = connector.prepare(key, record)
        except ConnectorError as exc:
            entry = {"index": index, "status": "error", "error": exc.to_dict()}
            state.record(entry)
            ready.append(entry)
            continue
        batch.indexes.append(index)
        batch.controlids.append(state.controlid(index))
        batch.bodies.append(bodies[0])
        batch.inputs.append({k: v for k, v in values.items() if k in record})
        if len(batch.indexes) == size:
            yield ready, batch
            ready, batch = [], _Batch([], [], [], [])
    if batch.indexes or ready:
        yield ready, batch if batch.indexes else None


def _send(connector: Connector, gateway: Any, action: Any, batch: _Batch, options: Any,
          mode: str, state: Journal) -> list[dict[str, Any]]:
    try:
        response = gateway.execute(batch.bodies, options, check=False,
                                   controlids=batch.controlids)
    except ConnectorError as exc:  # the whole request failed after every retry
        entries = [{"index": i, "status": "error", "error": exc.to_dict()}
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
    for entry in entries:
        state.record(entry)
    return entries


def _drain(item: tuple[list[dict[str, Any]], Any],
           progress: Callable[[int], None] | None) -> Iterator[dict[str, Any]]:
    ready, future = item
    entries = ready + (future.result() if future is not None else [])
    yield from sorted(entries, key=lambda e: e["index"])
    if progress is not None:
        progress(len(entries))
