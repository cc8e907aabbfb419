"""The state store on PostgreSQL (psycopg 3), for workers on several hosts.

One connection per store, one transaction at a time, reopened when it breaks. Every wait has a
deadline on the server's side too: connecting, statements and row locks (a feed's row is locked
by the commit that writes it, so two pollers of one feed are serialised, and the later one's
fence is checked against what the first wrote).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from connector.coordination.encryption import Cipher
from connector.coordination.errors import BackendError, BackendUnavailable
from connector.coordination.state import Database, SQLStateStore
from connector.coordination.urls import scrub, shown

CONNECT_TIMEOUT = 10
SERVER_TIMEOUTS = ("-c statement_timeout=30000 -c lock_timeout=10000 "
                   "-c idle_in_transaction_session_timeout=60000")


class _Statements:
    """A connection that takes the store's `?` placeholders."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, sql: str, params: tuple = ()) -> Any:
        return self._connection.execute(sql.replace("?", "%s"), params)


class PostgresDatabase(Database):
    serial = "BIGSERIAL PRIMARY KEY"
    bytewise = 'COLLATE "C"'
    tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    # Two stores creating the tables at once would collide in the catalog.
    lock_schema = "SELECT pg_advisory_xact_lock(7170001)"

    def __init__(self, url: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self._url = url
        self.label = shown(url)
        self._lock = threading.Lock()
        self._connection = self._connect()

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self._url, autocommit=True,
                                         connect_timeout=CONNECT_TIMEOUT,
                                         options=SERVER_TIMEOUTS)
        except self._psycopg.Error as exc:
            raise BackendUnavailable(f"cannot connect to the state at {self.label}: "
                                     f"{self._reason(exc)}") from None

    @contextmanager
    def transaction(self) -> Iterator[_Statements]:
        with self._lock:
            if self._connection.closed or self._connection.broken:
                self._connection = self._connect()
            try:
                with self._connection.transaction():
                    yield _Statements(self._connection)
            except self._psycopg.OperationalError as exc:  # gone, timed out, shutting down
                raise BackendUnavailable(f"the state at {self.label}: {self._reason(exc)}") \
                    from None
            except self._psycopg.Error as exc:  # refused: permissions, constraints
                raise BackendError(f"the state at {self.label}: {self._reason(exc)}") \
                    from None

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def _reason(self, exc: Exception) -> str:
        """The driver's message, first line only, without the password."""
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return scrub(first, self._url)


class PostgresStateStore(SQLStateStore):
    """The StateStore in a PostgreSQL database (tables prefixed connector_)."""

    def __init__(self, url: str, cipher: Cipher | None = None) -> None:
        super().__init__(PostgresDatabase(url), cipher)

