"""The bulk journal: what a bulk run has finished, on disk, bound to the input it ran.

An append-only JSON-lines file, created owner-only: a header (action, run id, and the input's
identity when known), then one line per finished record carrying a hash of that record. A run
started again with the same journal re-emits what was finished and sends only the rest, with the
same control ids, so the gateway deduplicates anything that ran before the crash.

A journal answers only for the input it was written for: a different input file, or a record
that changed since, is refused with a clear message instead of being answered with another
run's results.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from connector import jsontext
from connector.coordination.state import StateStore
from connector.errors import ConnectorError, InputError, InputProblem

VERSION = 2
# Entry statuses: "success" and "error" are final; "unknown" (sent, no complete answer) is
# always sent again on resume, "error" only when failed records are retried.
FINAL_ON_RESUME = {"success", "error"}


@dataclass(frozen=True)
class InputIdentity:
    """What a journal's input was: its name, size in records and a hash of its content."""

    name: str
    records: int
    sha256: str

    @classmethod
    def of_lines(cls, name: str, lines: list[str]) -> InputIdentity:
        digest = hashlib.sha256()
        for line in lines:
            digest.update(line.encode("utf-8", errors="surrogatepass") + b"\n")
        return cls(name, len(lines), digest.hexdigest())


class JournalMismatch(InputError):
    """A journal resumed with an input it was not written for; nothing was sent."""


def record_hash(record: Any) -> str:
    text = json.dumps(record, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Journal:
    """What a bulk run has finished, kept on disk (or in the state store, for runs that
    workers share) so that a killed run can resume."""

    def __init__(self, path: str | Path | None, action: str,
                 source: InputIdentity | None = None, *, retry_failed: bool = False) -> None:
        self.done: dict[int, dict[str, Any]] = {}
        self.run_id = uuid.uuid4().hex[:16]
        self._retry_failed = retry_failed
        self._file: TextIO | None = None
        self._store: Callable[[dict[str, Any]], None] | None = None
        if path is None:
            return
        path = Path(path)
        if path.exists() and path.stat().st_size:
            self._load(path, action, source)
            self._file = path.open("a", encoding="utf-8")
        else:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._file = os.fdopen(descriptor, "a", encoding="utf-8")
            self._write({"journal": VERSION, "action": action, "run": self.run_id,
                         "input": None if source is None else vars(source)})

    @classmethod
    def stored(cls, state: StateStore, run_id: str, action: str, *,
               retry_failed: bool = False) -> Journal:
        """The journal of a run kept in the state store (connector.dispatch made its header):
        each worker reads what is finished and records what it finishes."""
        journal = cls(None, action, retry_failed=retry_failed)
        journal.run_id = run_id
        journal.done = {index: entry for index, entry in state.entries(run_id)}
        journal._store = lambda entry: state.record(run_id, entry["index"], plain_json(entry))
        return journal

    def controlid(self, index: int) -> str:
        """The control id of a record's function: the same in every run of this journal."""
        return f"{self.run_id}-{index}"

    def finished(self, index: int, record: Any) -> dict[str, Any] | None:
        """The journal's result for this record, if it need not be sent again."""
        entry = self.done.get(index)
        if entry is None:
            return None
        if entry.get("hash") != record_hash(record):
            raise JournalMismatch("bulk", [InputProblem(
                f"[{index}]", f"line {index + 1}",
                "differs from the record this journal ran; resume with the input file it was "
                "written for, or start a new journal")])
        if entry["status"] not in FINAL_ON_RESUME:
            return None
        if entry["status"] == "error" and self._retry_failed:
            return None
        return entry

    def record(self, index: int, record: Any, entry: dict[str, Any]) -> dict[str, Any]:
        """Write a record's result (the entry is returned without the journal's own hash).
        A journal kept nowhere holds nothing: no one asks it again for a record of its run."""
        if self._file is None and self._store is None:
            return entry
        self.done[index] = {**entry, "hash": record_hash(record)}
        self._write(self.done[index])
        return entry

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def _load(self, path: Path, action: str, source: InputIdentity | None) -> None:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                if number == len(lines) - 1:
                    break  # a line cut short by a kill: that record was not finished
                raise ConnectorError(f"journal {path} is damaged at line {number + 1}") from None
            if number == 0:
                self._check_header(path, entry, action, source)
                self.run_id = entry["run"]
            else:
                self.done[entry["index"]] = entry
        raw = path.read_bytes()
        if not raw.endswith(b"\n"):
            path.write_bytes(raw[: raw.rfind(b"\n") + 1])

    @staticmethod
    def _check_header(path: Path, header: Mapping[str, Any], action: str,
                      source: InputIdentity | None) -> None:
        if header.get("journal") != VERSION:
            raise ConnectorError(f"journal {path} was written by an older version and cannot "
                                 "be resumed safely; start a new journal")
        if header.get("action") != action:
            raise ConnectorError(f"journal {path} belongs to action {header.get('action')!r}, "
                                 f"not {action!r}")
        written_for = header.get("input")
        if source is not None and written_for is not None and written_for != vars(source):
            raise JournalMismatch("bulk", [InputProblem(
                "--input", "Input", f"{source.name} ({source.records} records) is not the input "
                f"journal {path} was written for ({written_for['name']}, "
                f"{written_for['records']} records, sha256 {written_for['sha256'][:12]}...); "
                "resume with that file, or start a new journal")])

    def _write(self, entry: dict[str, Any]) -> None:
        if self._store is not None:
            self._store(entry)
        if self._file is None:
            return
        self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())


def plain_json(value: Any) -> Any:
    """A value as plain JSON, as a state store keeps it (exact numbers as text)."""
    return json.loads(json.dumps(value, default=jsontext.default))
