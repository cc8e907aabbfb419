"""One generic SQLite store for every company and object type the sandbox emulates.

Records of all objects share one ``records`` table (company, object name, RECORDNO, ID field
value, parent link, JSON data) so adding an object never needs a schema change. Sessions,
executed control ids and number sequences live in small side tables. A single connection
guarded by a re-entrant lock serves all threads: SQLite serialises writers anyway, one
connection lets an in-memory database be shared by every request thread, and a reader waits
for a writer's transaction to end, so no one ever sees a write that has not committed.

A ``Store`` is one company's view of the database (``for_company`` gives another company's);
RECORDNOs are unique across companies, IDs and document numbers only within one.

Inside a transaction, a sequence's numbers after the first and the audit trail's rows are held
in memory (pending.py) and written once before it commits: a bulk request of 100 creates costs
two sequence writes, not 200, and one batch of trail rows.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from contextlib import AbstractContextManager
from typing import Any

from .config import DEFAULT_COMPANY_ID
from .pending import Pending

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
    company TEXT NOT NULL DEFAULT 'SANDBOX',
    PRIMARY KEY (object, recordno)
);
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

_INSERT_RECORD = (
    "INSERT INTO records (company, object, recordno, id, parent_object, parent_recordno, "
    "line_no, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)

_INDEXES = """
CREATE INDEX IF NOT EXISTS records_by_company ON records (company, object, recordno);
CREATE INDEX IF NOT EXISTS records_by_company_id ON records (company, object, id);
CREATE INDEX IF NOT EXISTS records_by_parent ON records (parent_object, parent_recordno);
"""


class _Connection:
    """The SQLite connection, its lock and the savepoint depth, shared by companies' views."""

    def __init__(self, path: str) -> None:
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            # Commits survive a crash of the process, not of the machine: an emulator needs no
            # more, and a sync per function would make the disk, not the gateway, the bound.
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)
        _migrate(self.conn)
        self.conn.executescript(_INDEXES)
        _restamp(self.conn)
        self.depth = 0
        self.pending = Pending()  # what the open transaction has not written yet

    def write_pending(self) -> None:
        """Write what the transaction held back (inside it, just before it commits)."""
        self.conn.executemany(_INSERT_RECORD, self.pending.release_rows())
        self.conn.executemany("UPDATE sequences SET value = ? WHERE name = ?",
                              self.pending.changed_numbers())
        self.pending = Pending()


class _Savepoint:
    """One level of ``Store.transaction``: a savepoint, released on success and rolled back
    (with what it held back) on an exception; the outermost level writes what was held back and
    commits."""

    __slots__ = ("db", "name", "saved")

    def __init__(self, db: _Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        db = self.db
        db.lock.acquire()
        try:
            self.name = f"sp{db.depth}"
            db.conn.execute(f"SAVEPOINT {self.name}")
        except BaseException:
            db.lock.release()
            raise
        self.saved = db.pending.copy()
        db.depth += 1

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        db = self.db
        try:
            db.depth -= 1
            if exc_type is None:
                try:
                    if db.depth == 0:
                        db.write_pending()
                except BaseException:
                    self._roll_back()
                    raise
                db.conn.execute(f"RELEASE {self.name}")
            else:
                self._roll_back()
        finally:
            db.lock.release()

    def _roll_back(self) -> None:
        db = self.db
        db.pending = self.saved if db.depth else Pending()
        db.conn.execute(f"ROLLBACK TO {self.name}")
        db.conn.execute(f"RELEASE {self.name}")


def _migrate(conn: sqlite3.Connection) -> None:
    """Databases written before companies existed: their records, document numbers and seed
    marks belong to the default company."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(records)")}
    if "company" in columns:
        return
    conn.execute(f"ALTER TABLE records ADD COLUMN company TEXT NOT NULL DEFAULT "
                 f"'{DEFAULT_COMPANY_ID}'")
    # The old seed mark was "seeded:demo:<seed>"; a company's is now "<company>/seeded:<seed>".
    conn.execute("UPDATE sequences SET name = 'seeded:' || substr(name, 13) "
                 "WHERE name LIKE 'seeded:demo:%'")
    conn.execute("UPDATE sequences SET name = ? || name WHERE name NOT LIKE 'recordno:%'",
                 (f"{DEFAULT_COMPANY_ID}/",))


#: Fields the sandbox stamps, and the mark of a database whose stamps are the gateway's format.
_STAMPED = ("WHENCREATED", "WHENMODIFIED", "AUWHENCREATED", "ACCESSTIME")
_RESTAMPED = "format:gateway-stamps"
_ISO_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(?:Z|[+-]\d{2}:\d{2})$")


def _restamp(conn: sqlite3.Connection) -> None:
    """Databases written when stamps were ISO 8601 with an offset: the same local time, as the
    gateway writes it (MM/DD/YYYY HH:MM:SS). Done once per database."""
    if conn.execute("SELECT 1 FROM sequences WHERE name = ?", (_RESTAMPED,)).fetchone():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for rowid, text in conn.execute("SELECT rowid, data FROM records").fetchall():
            data = json.loads(text)
            changed = False
            for name in _STAMPED:
                match = _ISO_STAMP.match(str(data.get(name, "")))
                if match:
                    year, month, day, clock = match.groups()
                    data[name] = f"{month}/{day}/{year} {clock}"
                    changed = True
            if changed:
                conn.execute("UPDATE records SET data = ? WHERE rowid = ?",
                             (json.dumps(data), rowid))
        conn.execute("INSERT OR IGNORE INTO sequences (name, value) VALUES (?, 1)",
                     (_RESTAMPED,))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Store:
    """Thread-safe generic record store of one company; see the module docstring."""

    def __init__(self, path: str = ":memory:", company: str = DEFAULT_COMPANY_ID) -> None:
        self.path = path
        self.company = company.upper()
        self._db = _Connection(path)

    def for_company(self, company: str) -> Store:
        """The same database, seen as another company."""
        view = object.__new__(Store)
        view.path, view.company, view._db = self.path, company.upper(), self._db
        return view

    @property
    def lock(self) -> threading.RLock:
        return self._db.lock

    def close(self) -> None:
        with self.lock:
            self._db.conn.close()

    # -- transactions -------------------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[None]:
        """All-or-nothing block; nests through savepoints so a function inside an operation-level
        transaction can fail alone or take the whole operation down with it."""
        return _Savepoint(self._db)

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self.lock:
            return self._db.conn.execute(sql, params)

    # -- sequences ------------------------------------------------------------------------------

    def next_value(self, name: str, start: int = 1) -> int:
        """Next number of this company's named sequence (document numbers, seed marks)."""
        return self._next(f"{self.company}/{name}", start)

    def _next(self, name: str, start: int) -> int:
        db = self._db
        with db.lock:
            value = db.pending.next_number(name) if db.depth else None
            if value is not None:
                return value
            value = int(self._exec(
                "INSERT INTO sequences (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
                (name, start),
            ).fetchone()[0])
            if db.depth:
                db.pending.first_number(name, value)
            return value

    def _on(self, obj: str, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        """A statement on obj's records: the rows of obj the transaction held back are
        written first, so it sees them."""
        with self.lock:
            pending = self._db.pending
            if pending.holds((self.company, obj)):
                self._db.conn.executemany(_INSERT_RECORD, pending.release_rows())
            return self._db.conn.execute(sql, params)

    # -- records ----------------------------------------------------------------------------------

    def add(
        self,
        obj: str,
        data: Record,
        id_value: str | None = None,
        parent: tuple[str, int] | None = None,
        line_no: int | None = None,
    ) -> Record:
        """Store a new record, assigning its RECORDNO; returns the record as stored (what a
        read of it would give, without reading it back)."""
        with self.lock:
            stored = self._numbered(obj, data)
            self._exec(_INSERT_RECORD, (
                self.company,
                obj,
                int(stored["RECORDNO"]),
                id_value,
                parent[0] if parent else None,
                parent[1] if parent else None,
                line_no,
                json.dumps(stored),
            ))
            return stored

    def add_later(self, obj: str, data: Record) -> Record:
        """Store a new top-level record with no ID, written when the transaction ends or obj is
        next read (audit trail rows: a bulk request writes them all at once); returns it."""
        with self.lock:
            if not self._db.depth:
                return self.add(obj, data)
            stored = self._numbered(obj, data)
            self._db.pending.hold((self.company, obj), (
                self.company, obj, int(stored["RECORDNO"]), None, None, None, None,
                json.dumps(stored)))
            return stored

    def _numbered(self, obj: str, data: Record) -> Record:
        """The record with the next RECORDNO of its object, first whatever data held."""
        stored = {"RECORDNO": "", **data}
        stored["RECORDNO"] = str(self._next(f"recordno:{obj}", start=_recordno_start(obj)))
        return stored

    def replace(self, obj: str, recordno: int, data: Record, id_value: str | None) -> None:
        self._on(
            obj,
            "UPDATE records SET data = ?, id = ? WHERE company = ? AND object = ? "
            "AND recordno = ?",
            (json.dumps(data), id_value, self.company, obj, recordno),
        )

    def delete(self, obj: str, recordno: int) -> bool:
        """Delete a record and its owned lines; False when it did not exist."""
        with self.lock:
            cur = self._on(
                obj,
                "DELETE FROM records WHERE company = ? AND object = ? AND recordno = ?",
                (self.company, obj, recordno),
            )
            self.delete_lines(obj, recordno)
            return cur.rowcount > 0

    def delete_lines(self, parent_obj: str, parent_recordno: int) -> None:
        self._exec(
            "DELETE FROM records WHERE company = ? AND parent_object = ? "
            "AND parent_recordno = ?",
            (self.company, parent_obj, parent_recordno),
        )

    def get(self, obj: str, recordno: int | str) -> Record | None:
        """One record by RECORDNO, or None."""
        try:
            key = int(recordno)
        except (TypeError, ValueError):
            return None
        row = self._on(
            obj,
            "SELECT data FROM records WHERE company = ? AND object = ? AND recordno = ?",
            (self.company, obj, key),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def get_by_id(self, obj: str, id_value: str) -> Record | None:
        row = self._on(
            obj,
            "SELECT data FROM records WHERE company = ? AND object = ? AND id = ?",
            (self.company, obj, id_value),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def lines(self, parent_obj: str, parent_recordno: int) -> list[Record]:
        """Owned line records of a parent, in line order."""
        rows = self._exec(
            "SELECT data FROM records WHERE company = ? AND parent_object = ? "
            "AND parent_recordno = ? ORDER BY line_no, recordno",
            (self.company, parent_obj, parent_recordno),
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def all(self, obj: str) -> list[Record]:
        """Every record of an object, in RECORDNO order."""
        rows = self._on(
            obj,
            "SELECT data FROM records WHERE company = ? AND object = ? ORDER BY recordno",
            (self.company, obj),
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
        row = self._on(
            obj,
            "SELECT COUNT(*) FROM records WHERE company = ? AND object = ?", (self.company, obj)
        ).fetchone()
        return int(row[0])

    # -- executed control ids (uniqueid) -------------------------------------------------------

    def was_executed(self, companyid: str, controlid: str) -> bool:
        row = self._exec(
            "SELECT 1 FROM executed WHERE companyid = ? AND controlid = ?", (companyid, controlid)
        ).fetchone()
        return row is not None

    def mark_executed(self, companyid: str, controlid: str, function: str, when: float) -> bool:
        """Record a control id as executed; False when it was already. Marked inside the
        function's own savepoint, the mark is undone with its work when the function fails."""
        cur = self._exec(
            "INSERT OR IGNORE INTO executed (companyid, controlid, function, executed_at) "
            "VALUES (?, ?, ?, ?)",
            (companyid, controlid, function, when),
        )
        return cur.rowcount == 1

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
