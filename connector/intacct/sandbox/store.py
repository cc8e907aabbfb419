"""One generic SQLite store for every object type the sandbox emulates.

Records of all objects share one ``records`` table (object name, RECORDNO, ID field value,
parent link, JSON data) so adding an object never needs a schema change. Sessions, executed
control ids and number sequences live in small side tables. A single connection guarded by a
re-entrant lock serves all threads: SQLite serialises writers anyway, and one connection lets an
in-memory database be shared by every request thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Record = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    object TEXT NOT NULL,
    recordno INTEGER NOT NULL,
    id TEXT,
    parent_object TEXT,
    parent_recordno INTEGER,
    line_no INTEGER,
    data TEXT NOT NULL,
    PRIMARY KEY (object, recordno)
);
CREATE INDEX IF NOT EXISTS records_by_id ON records (object, id);
CREATE INDEX IF NOT EXISTS records_by_parent ON records (parent_object, parent_recordno);
CREATE TABLE IF NOT EXISTS sequences (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    sessionid TEXT PRIMARY KEY,
    userid TEXT NOT NULL,
    companyid TEXT NOT NULL,
    locationid TEXT NOT NULL,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS executed (
    companyid TEXT NOT NULL,
    controlid TEXT NOT NULL,
    function TEXT NOT NULL,
    executed_at REAL NOT NULL,
    PRIMARY KEY (companyid, controlid)
);
"""


class Store:
    """Thread-safe generic record store; see the module docstring for the layout."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            # Commits survive a crash of the process, not of the machine: an emulator needs no
            # more, and a sync per function would make the disk, not the gateway, the bound.
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._depth = 0

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing block; nests through savepoints so a function inside an operation-level
        transaction can fail alone or take the whole operation down with it."""
        with self.lock:
            name = f"sp{self._depth}"
            self._conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._conn.execute(f"ROLLBACK TO {name}")
                self._conn.execute(f"RELEASE {name}")
                raise
            else:
                self._conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self.lock:
            return self._conn.execute(sql, params)

    # -- sequences ------------------------------------------------------------------------------

    def next_value(self, name: str, start: int = 1) -> int:
        """Next number of a named sequence (RECORDNOs, document numbers)."""
        with self.lock:
            row = self._exec("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()
            value = start if row is None else row[0] + 1
            self._exec(
                "INSERT INTO sequences (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (name, value),
            )
            return value

    # -- records ----------------------------------------------------------------------------------

    def insert(
        self,
        obj: str,
        data: Record,
        id_value: str | None = None,
        parent: tuple[str, int] | None = None,
        line_no: int | None = None,
    ) -> int:
        """Store a new record, assigning its RECORDNO; returns the RECORDNO."""
        with self.lock:
            recordno = self.next_value(f"recordno:{obj}", start=_recordno_start(obj))
            data = {"RECORDNO": str(recordno), **{k: v for k, v in data.items() if k != "RECORDNO"}}
            self._exec(
                "INSERT INTO records (object, recordno, id, parent_object, parent_recordno, "
                "line_no, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    obj,
                    recordno,
                    id_value,
                    parent[0] if parent else None,
                    parent[1] if parent else None,
                    line_no,
                    json.dumps(data),
                ),
            )
            return recordno

    def replace(self, obj: str, recordno: int, data: Record, id_value: str | None) -> None:
        self._exec(
            "UPDATE records SET data = ?, id = ? WHERE object = ? AND recordno = ?",
            (json.dumps(data), id_value, obj, recordno),
        )

    def delete(self, obj: str, recordno: int) -> bool:
        """Delete a record and its owned lines; False when it did not exist."""
        with self.lock:
            cur = self._exec(
                "DELETE FROM records WHERE object = ? AND recordno = ?", (obj, recordno)
            )
            self.delete_lines(obj, recordno)
            return cur.rowcount > 0

    def delete_lines(self, parent_obj: str, parent_recordno: int) -> None:
        self._exec(
            "DELETE FROM records WHERE parent_object = ? AND parent_recordno = ?",
            (parent_obj, parent_recordno),
        )

    def get(self, obj: str, recordno: int | str) -> Record | None:
        """One record by RECORDNO, or None."""
        try:
            key = int(recordno)
        except (TypeError, ValueError):
            return None
        row = self._exec(
            "SELECT data FROM records WHERE object = ? AND recordno = ?", (obj, key)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def get_by_id(self, obj: str, id_value: str) -> Record | None:
        row = self._exec(
            "SELECT data FROM records WHERE object = ? AND id = ?", (obj, id_value)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def lines(self, parent_obj: str, parent_recordno: int) -> list[Record]:
        """Owned line records of a parent, in line order."""
        rows = self._exec(
            "SELECT data FROM records WHERE parent_object = ? AND parent_recordno = ? "
            "ORDER BY line_no, recordno",
            (parent_obj, parent_recordno),
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def all(self, obj: str) -> list[Record]:
        """Every record of an object, in RECORDNO order."""
        rows = self._exec(
            "SELECT data FROM records WHERE object = ? ORDER BY recordno", (obj,)
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def find(self, obj: str, **field_equals: str) -> list[Record]:
        """Records whose top-level fields equal the given text values (test assertions)."""
        return [
            rec
            for rec in self.all(obj)
            if all(str(rec.get(k, "")) == str(v) for k, v in field_equals.items())
        ]

    def count(self, obj: str) -> int:
        row = self._exec("SELECT COUNT(*) FROM records WHERE object = ?", (obj,)).fetchone()
        return int(row[0])

    # -- executed control ids (uniqueid) -------------------------------------------------------

    def was_executed(self, companyid: str, controlid: str) -> bool:
        row = self._exec(
            "SELECT 1 FROM executed WHERE companyid = ? AND controlid = ?", (companyid, controlid)
        ).fetchone()
        return row is not None

    def mark_executed(self, companyid: str, controlid: str, function: str, when: float) -> None:
        self._exec(
            "INSERT OR IGNORE INTO executed (companyid, controlid, function, executed_at) "
            "VALUES (?, ?, ?, ?)",
            (companyid, controlid, function, when),
        )

    # -- sessions ----------------------------------------------------------------------------

    def save_session(self, row: dict[str, Any]) -> None:
        self._exec(
            "INSERT OR REPLACE INTO sessions (sessionid, userid, companyid, locationid, created, "
            "expires) VALUES (:sessionid, :userid, :companyid, :locationid, :created, :expires)",
            row,
        )

    def load_session(self, sessionid: str) -> dict[str, Any] | None:
        cur = self._exec(
            "SELECT sessionid, userid, companyid, locationid, created, expires FROM sessions "
            "WHERE sessionid = ?",
            (sessionid,),
        )
        row = cur.fetchone()
        if row is None:
            return None
        names = [d[0] for d in cur.description]
        return dict(zip(names, row, strict=True))

    def set_session_expiry(self, sessionid: str, expires: float) -> None:
        self._exec("UPDATE sessions SET expires = ? WHERE sessionid = ?", (expires, sessionid))

    def expire_all_sessions(self, now: float) -> None:
        self._exec("UPDATE sessions SET expires = ? WHERE expires > ?", (now - 1, now - 1))


def _recordno_start(obj: str) -> int:
    """Distinct starting RECORDNOs per object make mixed-up keys visible in tests."""
    return 1000 + (sum(map(ord, obj)) % 9) * 1000 + 1
