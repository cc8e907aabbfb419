"""Durable state: trigger feeds (cursor, events, acknowledgements) and bulk runs.

A feed is one trigger instance (trigger key + connection identity + inputs; see `feed_key`).
A poll commits its new cursor and its events in one transaction, under the fence of the lease
its poller holds: once a newer fence has written a feed, an older holder's commit is refused
(StaleFence), so a poller that lost its lease cannot move the cursor back or add events twice.
Events are delivered until acknowledged, in the order they were inserted; an event id the feed
has seen is not inserted again, until `prune` forgets acknowledged ids older than the window in
which a poll can see them again.

A bulk run keeps its header and one entry per finished record, so that a resumed run re-emits
what was finished and sends only the rest.

`SQLiteStateStore` (the default: a file, nothing to set up) and `PostgresStateStore` (several
hosts) keep the same contract; payload columns (cursors, events' payloads, run headers and
entries) are encrypted with Fernet when a state key is configured.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from connector.coordination.encryption import Cipher, DecryptionFailed
from connector.coordination.errors import ConfigurationError, StaleFence

#: Ids per statement when acknowledging many events at once.
_ACK_CHUNK = 500
#: Entries read per query when a run's entries are listed.
_ENTRY_PAGE = 1000
_CHECK = b"lowcode-connector state"
TABLES = ("connector_meta", "connector_feeds", "connector_events", "connector_runs",
          "connector_run_entries")


@dataclass(frozen=True)
class Event:
    """One change a trigger saw: its id (unique in the feed), a position that sorts as text
    (a timestamp, say) and its payload (JSON)."""

    id: str
    position: str
    payload: Any


@dataclass(frozen=True)
class Cursor:
    """Where a feed's next poll starts (JSON), and the fence that wrote it."""

    value: Any
    fence: int


class StateStore(Protocol):
    def load_cursor(self, feed: str) -> Cursor | None: ...

    def commit_poll(self, feed: str, fence: int, cursor: Any,
                    events: Sequence[Event]) -> list[Event]:
        """In one transaction: refuse a stale fence, store the cursor, insert the events the
        feed has not seen; returns those inserted."""
        ...

    def pending(self, feed: str, limit: int) -> list[Event]: ...

    def ack(self, feed: str, ids: Iterable[str]) -> int: ...

    def prune(self, feed: str, before_position: str) -> int: ...

    def reset(self, feed: str) -> None: ...

    def open_run(self, run_id: str, header: Mapping[str, Any]) -> dict[str, Any]: ...

    def record(self, run_id: str, index: int, entry: Any) -> None: ...

    def entries(self, run_id: str) -> Iterator[tuple[int, Any]]: ...

    def close(self) -> None: ...


def feed_key(trigger: str, connection: str, inputs: Mapping[str, Any]) -> str:
    """A feed's key: the trigger's key, then a digest of the connection's identity and the
    inputs (so that neither an input nor an identity is readable from it)."""
    material = json.dumps([connection, inputs], sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, default=str)
    return f"{trigger}:{hashlib.sha256(material.encode('utf-8')).hexdigest()[:32]}"


class Database(ABC):
    """What the SQL store needs of a database: one transaction at a time."""

    #: How the store names this database in messages (a path, or a URL without password).
    label: str
    #: The column type of an autoincrementing key, and the collation that sorts text by code.
    serial: str
    bytewise: str
    #: A query of the names of the tables that exist.
    tables_sql: str
    #: A statement that makes creating the tables exclusive, where BEGIN does not.
    lock_schema: str | None = None

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Any]:
        """A connection inside one transaction: `execute(sql, params)` returns a cursor.
        SQL is written with `?` placeholders. A failure rolls back and raises
        BackendUnavailable (no answer; may pass) or BackendError (refused)."""

    @abstractmethod
    def close(self) -> None: ...


class SQLStateStore:
    """The StateStore contract in SQL that SQLite and PostgreSQL both run."""

    def __init__(self, database: Database, cipher: Cipher | None) -> None:
        self._db = database
        self._cipher = cipher
        try:
            self._prepare()
        except BaseException:
            database.close()
            raise

    def _prepare(self) -> None:
        """Make the tables that are missing, and check the state key against the state."""
        database = self._db
        with database.transaction() as db:
            # Tables made beforehand (by an owner) need no right to create them now.
            existing = {row[0] for row in db.execute(database.tables_sql).fetchall()}
            if not set(TABLES) <= existing:
                if database.lock_schema:
                    db.execute(database.lock_schema)
                for statement in _schema(database.serial, database.bytewise):
                    db.execute(statement)
            self._check_key(db)

    # -- trigger feeds ----------------------------------------------------------------------

    def load_cursor(self, feed: str) -> Cursor | None:
        with self._db.transaction() as db:
            row = db.execute("SELECT fence, cursor FROM connector_feeds WHERE feed = ?",
                             (_text("feed", feed),)).fetchone()
        if row is None or row[1] is None:
            return None
        return Cursor(self._load(row[1]), int(row[0]))

    def commit_poll(self, feed: str, fence: int, cursor: Any,
                    events: Sequence[Event]) -> list[Event]:
        _text("feed", feed)
        _count("fence", fence, least=1)
        stored_cursor = self._dump(cursor, "cursor")
        rows = [(event, self._dump(event.payload, f"event {event.id!r} payload"))
                for event in _events(events)]
        with self._db.transaction() as db:
            written = db.execute(
                "INSERT INTO connector_feeds (feed, fence, cursor) VALUES (?, ?, ?) "
                "ON CONFLICT (feed) DO UPDATE SET fence = excluded.fence, "
                "cursor = excluded.cursor WHERE connector_feeds.fence <= excluded.fence "
                "RETURNING fence", (feed, fence, stored_cursor)).fetchone()
            if written is None:
                current = db.execute("SELECT fence FROM connector_feeds WHERE feed = ?",
                                     (feed,)).fetchone()
                raise StaleFence(feed, fence, int(current[0]) if current else None)
            inserted = []
            for event, payload in rows:
                new = db.execute(
                    "INSERT INTO connector_events (feed, id, position, payload) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (feed, id) DO NOTHING RETURNING seq",
                    (feed, event.id, event.position, payload)).fetchone()
                if new is not None:
                    inserted.append(event)
        return inserted

    def pending(self, feed: str, limit: int) -> list[Event]:
        _count("limit", limit, least=1)
        with self._db.transaction() as db:
            rows = db.execute(
                "SELECT id, position, payload FROM connector_events "
                "WHERE feed = ? AND acked = FALSE ORDER BY seq LIMIT ?",
                (_text("feed", feed), limit)).fetchall()
        return [Event(id_, position, self._load(payload)) for id_, position, payload in rows]

    def ack(self, feed: str, ids: Iterable[str]) -> int:
        _text("feed", feed)
        wanted = list(dict.fromkeys(_text("event id", id_) for id_ in ids))
        done = 0
        with self._db.transaction() as db:
            for start in range(0, len(wanted), _ACK_CHUNK):
                chunk = wanted[start:start + _ACK_CHUNK]
                marks = ", ".join("?" * len(chunk))
                done += db.execute(
                    "UPDATE connector_events SET acked = TRUE "
                    f"WHERE feed = ? AND acked = FALSE AND id IN ({marks})",
                    (feed, *chunk)).rowcount
        return done

    def prune(self, feed: str, before_position: str) -> int:
        with self._db.transaction() as db:
            return db.execute(
                "DELETE FROM connector_events WHERE feed = ? AND acked = TRUE AND position < ?",
                (_text("feed", feed), _text("before_position", before_position, empty=True)),
            ).rowcount

    def reset(self, feed: str) -> None:
        """Forget the feed's cursor and events; its fence stays, so a poller that lost its
        lease before the reset still cannot write."""
        with self._db.transaction() as db:
            db.execute("UPDATE connector_feeds SET cursor = NULL WHERE feed = ?",
                       (_text("feed", feed),))
            db.execute("DELETE FROM connector_events WHERE feed = ?", (feed,))

    # -- bulk runs --------------------------------------------------------------------------

    def open_run(self, run_id: str, header: Mapping[str, Any]) -> dict[str, Any]:
        """Start a run with this header, or return the header it was started with."""
        if not isinstance(header, Mapping):
            raise ValueError(f"a run header must be a JSON object, not {type(header).__name__}")
        stored = self._dump(dict(header), "run header")
        with self._db.transaction() as db:
            db.execute("INSERT INTO connector_runs (run, header) VALUES (?, ?) "
                       "ON CONFLICT (run) DO NOTHING", (_text("run id", run_id), stored))
            row = db.execute("SELECT header FROM connector_runs WHERE run = ?",
                             (run_id,)).fetchone()
        return self._load(row[0])

    def record(self, run_id: str, index: int, entry: Any) -> None:
        """Keep a finished record's entry (a later one for the same index replaces it)."""
        _count("index", index, least=0)
        stored = self._dump(entry, f"entry {index}")
        with self._db.transaction() as db:
            written = db.execute(
                "INSERT INTO connector_run_entries (run, idx, entry) "
                "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM connector_runs WHERE run = ?) "
                "ON CONFLICT (run, idx) DO UPDATE SET entry = excluded.entry",
                (_text("run id", run_id), index, stored, run_id)).rowcount
        if written == 0:
            raise ValueError(f"run {run_id!r} was not opened: call open_run first")

    def entries(self, run_id: str) -> Iterator[tuple[int, Any]]:
        """The run's entries by index, read a page at a time."""
        _text("run id", run_id)
        after = -1
        while True:
            with self._db.transaction() as db:
                rows = db.execute(
                    "SELECT idx, entry FROM connector_run_entries WHERE run = ? AND idx > ? "
                    "ORDER BY idx LIMIT ?", (run_id, after, _ENTRY_PAGE)).fetchall()
            for index, entry in rows:
                yield int(index), self._load(entry)
            if len(rows) < _ENTRY_PAGE:
                return
            after = rows[-1][0]

    def close(self) -> None:
        self._db.close()

    # -- encoding ---------------------------------------------------------------------------

    def _dump(self, value: Any, what: str) -> str:
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False,
                              separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{what} is not JSON: {exc}") from None
        if self._cipher is None:
            return text
        return self._cipher.encrypt(text.encode("utf-8")).decode("ascii")

    def _load(self, stored: str) -> Any:
        if self._cipher is None:
            return json.loads(stored)
        try:
            return json.loads(self._cipher.decrypt(stored.encode("ascii")))
        except DecryptionFailed:
            raise ConfigurationError(
                f"CONNECTOR_STATE_KEY does not decrypt a value of the state at "
                f"{self._db.label}") from None

    def _check_key(self, db: Any) -> None:
        """The state is encrypted or not from its first day; a wrong or missing key is
        refused at once rather than at the first read."""
        row = db.execute("SELECT value FROM connector_meta WHERE name = 'encryption'").fetchone()
        if row is None:
            mark = "none" if self._cipher is None else \
                self._cipher.encrypt(_CHECK).decode("ascii")
            db.execute("INSERT INTO connector_meta (name, value) VALUES ('encryption', ?) "
                       "ON CONFLICT (name) DO NOTHING", (mark,))
            row = db.execute(
                "SELECT value FROM connector_meta WHERE name = 'encryption'").fetchone()
        where = self._db.label
        if row[0] == "none":
            if self._cipher is not None:
                raise ConfigurationError(
                    f"the state at {where} was created without CONNECTOR_STATE_KEY and is not "
                    "encrypted: unset the key, or use a new state location")
            return
        if self._cipher is None:
            raise ConfigurationError(f"the state at {where} is encrypted: set "
                                     "CONNECTOR_STATE_KEY to the key it was created with")
        try:
            self._cipher.decrypt(row[0].encode("ascii"))
        except DecryptionFailed:
            raise ConfigurationError(
                f"CONNECTOR_STATE_KEY does not decrypt the state at {where}") from None


def _schema(serial: str, bytewise: str) -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS connector_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS connector_feeds (feed TEXT PRIMARY KEY, "
        "fence BIGINT NOT NULL, cursor TEXT)",
        f"CREATE TABLE IF NOT EXISTS connector_events (seq {serial}, feed TEXT NOT NULL, "
        f"id TEXT NOT NULL, position TEXT {bytewise} NOT NULL, payload TEXT NOT NULL, "
        "acked BOOLEAN NOT NULL DEFAULT FALSE, UNIQUE (feed, id))",
        "CREATE INDEX IF NOT EXISTS connector_events_pending "
        "ON connector_events (feed, acked, seq)",
        "CREATE TABLE IF NOT EXISTS connector_runs (run TEXT PRIMARY KEY, header TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS connector_run_entries (run TEXT NOT NULL, "
        "idx BIGINT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (run, idx))",
    ]


def _text(what: str, value: Any, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not empty):
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")
    return value


def _count(what: str, value: Any, *, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{what} must be an integer of at least {least}, not {value!r}")
    return value


def _events(events: Sequence[Event]) -> list[Event]:
    checked = []
    for number, event in enumerate(events):
        if not isinstance(event, Event):
            raise ValueError(f"event {number} must be an Event, not {type(event).__name__}")
        _text(f"event {number} id", event.id)
        _text(f"event {number} position", event.position, empty=True)
        checked.append(event)
    return checked
