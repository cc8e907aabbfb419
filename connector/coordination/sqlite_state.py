"""The default state store: one SQLite file, shared by the threads and processes of a host.

The file is made owner-only (0600) before SQLite opens it, in an owner-only directory, so its
WAL and shared-memory files inherit that mode; it holds cursors and payloads. Writers take the
write lock when their transaction begins (BEGIN IMMEDIATE), so a commit never has to upgrade a
read lock under a concurrent writer; a busy file is waited for up to BUSY_TIMEOUT.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from connector.coordination.encryption import Cipher
from connector.coordination.errors import BackendError, BackendUnavailable
from connector.coordination.state import Database, SQLStateStore

BUSY_TIMEOUT = 10.0


def default_state_path() -> Path:
    """Where the state lives with no configuration: the platform's cache directory."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "lowcode-connector" / "state.sqlite3"


class SQLiteDatabase(Database):
    serial = "INTEGER PRIMARY KEY AUTOINCREMENT"
    bytewise = "COLLATE BINARY"
    tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.label = str(self.path)
        _create_private(self.path)
        try:
            self._connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT,
                                               isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise _failure(f"cannot open the state at {self.path}", exc) from None
        try:
            _switch_to_wal(self._connection)
            self._connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            self._connection.close()
            raise _failure(f"cannot open the state at {self.path}", exc) from None
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _failure(f"the state at {self.path}", exc) from None
            try:
                yield self._connection
                self._connection.execute("COMMIT")
            except BaseException as exc:
                with suppress(sqlite3.Error):  # SQLite may have rolled back already
                    self._connection.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _failure(f"the state at {self.path}", exc) from None
                raise

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _switch_to_wal(connection: sqlite3.Connection) -> None:
    """Put the file in WAL mode. The switch needs the file to itself, and SQLite answers
    "locked" at once, without its busy wait, while another process opens or writes it
    (processes starting together): tried again until BUSY_TIMEOUT."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


class SQLiteStateStore(SQLStateStore):
    """The StateStore in a SQLite file (default: the platform's cache directory)."""

    def __init__(self, path: str | Path | None = None, cipher: Cipher | None = None) -> None:
        super().__init__(SQLiteDatabase(path or default_state_path()), cipher)


def _create_private(path: Path) -> None:
    """Create the file owner-only, or make it so; SQLite gives its WAL the file's mode."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        if os.name == "posix" and path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError as exc:
        raise BackendUnavailable(f"cannot create the state at {path}: {exc.strerror}") \
            from None


def _failure(where: str, exc: sqlite3.Error) -> BackendError:
    """Busy, locked or I/O trouble may pass; a file that is not a database will not."""
    kind = BackendUnavailable if isinstance(exc, sqlite3.OperationalError) else BackendError
    return kind(f"{where}: {exc}")
