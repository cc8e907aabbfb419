"""Building the coordinator, the session cache and the state store from settings.

Settings come from the environment, and flags override them:

    CONNECTOR_COORDINATOR   local (default) | redis://...    slots and leases
    CONNECTOR_SESSIONS      local | redis://...             default: as the coordinator
    CONNECTOR_SESSION_KEY   Fernet key(s); required for Redis sessions
    CONNECTOR_STATE         a path | sqlite:///path | postgresql://...
                            default: state.sqlite3 in the platform's cache directory
    CONNECTOR_STATE_KEY     Fernet key(s); encrypts the state's payloads
    CONNECTOR_SLOT_LEASE    seconds a company slot outlives a worker that died holding it
                            (default 10; keep it above the longest request at the gateway)

With none set, everything runs in this process as before, and the default state file is only
created when something first uses the state. Errors name the setting; no URL password or key
appears in them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from connector.coordination.coordinator import Coordinator, LocalCoordinator
from connector.coordination.encryption import Cipher
from connector.coordination.errors import BackendError, ConfigurationError
from connector.coordination.sessions import LocalSessionCache, SessionCache
from connector.coordination.state import StateStore
from connector.coordination.urls import shown

VARIABLES = {
    "coordinator": "CONNECTOR_COORDINATOR",
    "sessions": "CONNECTOR_SESSIONS",
    "session_key": "CONNECTOR_SESSION_KEY",
    "state": "CONNECTOR_STATE",
    "state_key": "CONNECTOR_STATE_KEY",
    "slot_lease": "CONNECTOR_SLOT_LEASE",
}
DEFAULT_SLOT_LEASE = 10.0
POLL_LEASE = 15.0
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Settings:
    """Where each part of the coordination layer lives (None or "": the local default)."""

    coordinator: str | None = None
    sessions: str | None = None
    session_key: str | None = None
    state: str | None = None
    state_key: str | None = None
    slot_lease: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 **flags: str | None) -> Settings:
        """The CONNECTOR_* variables, each overridden by the flag of the same field when the
        flag is given (not None)."""
        unknown = set(flags) - set(VARIABLES)
        if unknown:
            raise TypeError(f"unknown coordination settings: {', '.join(sorted(unknown))}")
        env = os.environ if environ is None else environ
        return cls(**{name: flags[name] if flags.get(name) is not None else env.get(variable)
                      for name, variable in VARIABLES.items()})

    def __repr__(self) -> str:
        parts = []
        for item in fields(self):
            value = getattr(self, item.name)
            if value and item.name.endswith("_key"):
                value = "<set>"
            elif value:
                value = shown(value)
            parts.append(f"{item.name}={value!r}")
        return f"Settings({', '.join(parts)})"


class Coordination:
    """The three parts, built from settings; `state` is opened on first use."""

    def __init__(self, coordinator: Coordinator, sessions: SessionCache,
                 open_state: Callable[[], StateStore],
                 slot_lease: float = DEFAULT_SLOT_LEASE,
                 session_secret: bytes | None = None) -> None:
        self.coordinator = coordinator
        self.sessions = sessions
        self.slot_lease = slot_lease
        # Keys the digest of credentials in session keys: shared by every worker that shares
        # the sessions (derived from their key), random for a process's own memory.
        self.session_secret = session_secret or os.urandom(32)
        self._open_state = open_state
        self._state: StateStore | None = None
        self._lock = threading.Lock()

    def poll_leases(self) -> Any:
        """Who may poll a trigger's feed: the coordinator's fenced leases when it is shared,
        else lock files (shared by the processes of one host, as CLI polls run)."""
        from connector.triggers.leases import CoordinatorLeases

        if isinstance(self.coordinator, LocalCoordinator):
            return None  # the poller's default: lock files beside the state
        # Renewed while a poll runs, so a short lease only bounds how long a dead poller
        # keeps its feed from the others.
        return CoordinatorLeases(self.coordinator, ttl=POLL_LEASE)

    @property
    def state(self) -> StateStore:
        with self._lock:
            if self._state is None:
                self._state = self._open_state()
            return self._state

    def close(self) -> None:
        self.coordinator.close()
        self.sessions.close()
        with self._lock:
            if self._state is not None:
                self._state.close()


def build(settings: Settings | None = None) -> Coordination:
    """Check every setting and connect to the servers named; the default state is opened
    lazily so that a process that never uses it leaves no file behind."""
    settings = Settings.from_env() if settings is None else settings
    coordinator_url = _clean(settings.coordinator)
    sessions_given = bool((settings.sessions or "").strip())
    sessions_url = _clean(settings.sessions) if sessions_given else coordinator_url
    sessions_setting = VARIABLES["sessions" if sessions_given else "coordinator"]
    with ExitStack() as undo:  # a later setting's error closes what the earlier ones opened
        coordinator = _coordinator(coordinator_url)
        undo.callback(coordinator.close)
        sessions = _sessions(sessions_url, sessions_setting, settings.session_key)
        undo.callback(sessions.close)
        open_state = _state(_clean(settings.state), settings.state_key)
        slot_lease = _seconds(settings.slot_lease, VARIABLES["slot_lease"], DEFAULT_SLOT_LEASE)
        undo.pop_all()
    secret = (hashlib.sha256(b"session keys:" + settings.session_key.encode()).digest()
              if sessions_url and settings.session_key else None)
    return Coordination(coordinator, sessions, open_state, slot_lease, secret)


@functools.cache
def process_coordination() -> Coordination:
    """This process's coordination, built once from the environment: every connector in the
    process shares its slots and sessions, as the gateway counts requests per company."""
    return build()


def _seconds(value: str | None, setting: str, default: float) -> float:
    if not (value or "").strip():
        return default
    try:
        seconds = float(value or "")
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise ConfigurationError(f"{setting}: expected a number of seconds above 0, not "
                                 f"{value!r}")
    return seconds


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value.lower() == "local" else value


def _coordinator(url: str) -> Coordinator:
    if not url:
        return LocalCoordinator()
    setting = VARIABLES["coordinator"]
    client = _redis(url, setting)
    from connector.coordination.redis_coordinator import RedisCoordinator

    return RedisCoordinator(client)


def _sessions(url: str, setting: str, key: str | None) -> SessionCache:
    if not url:
        return LocalSessionCache()
    key_setting = VARIABLES["session_key"]
    if not (key or "").strip():
        raise ConfigurationError(
            f"{setting} puts sessions in Redis, which needs {key_setting}: session ids are "
            "stored encrypted with it (a Fernet key)")
    cipher = Cipher(key or "", key_setting)
    client = _redis(url, setting)
    from connector.coordination.redis_sessions import RedisSessionCache

    return RedisSessionCache(client, cipher)


def _redis(url: str, setting: str) -> Any:
    if not url.lower().startswith(REDIS_SCHEMES):
        raise ConfigurationError(f"{setting}: expected 'local' or a redis://, rediss:// or "
                                 f"unix:// URL, not {shown(url)!r}")
    try:
        from connector.coordination.redis_client import connect
    except ImportError:
        raise ConfigurationError(f"{setting} names a Redis server but the redis package is "
                                 "not installed: pip install 'lowcode-connector[redis]'") \
            from None
    return connect(url, setting, shown(url))


def _state(location: str, key: str | None) -> Callable[[], StateStore]:
    """Opens a named location now; returns how to open the default one later."""
    setting, key_setting = VARIABLES["state"], VARIABLES["state_key"]
    cipher = Cipher(key, key_setting) if (key or "").strip() else None
    if location.lower().startswith(POSTGRES_SCHEMES):
        try:
            import psycopg  # noqa: F401 - missing? say which extra, now

            from connector.coordination.postgres_state import PostgresStateStore
        except ImportError:
            raise ConfigurationError(
                f"{setting} names a PostgreSQL server but psycopg is not installed: "
                "pip install 'lowcode-connector[postgres]'") from None
        store = _opened(setting, lambda: PostgresStateStore(location, cipher))
        return lambda: store
    if "://" in location and not location.lower().startswith("sqlite://"):
        raise ConfigurationError(f"{setting}: expected a path, sqlite:///path or a "
                                 f"postgresql:// URL, not {shown(location)!r}")
    path = Path(location[len("sqlite://"):]) if location.lower().startswith("sqlite://") \
        else Path(location) if location else None
    if path is None:
        return lambda: _opened(setting, lambda: _sqlite_store(None, cipher))
    store = _opened(setting, lambda: _sqlite_store(path, cipher))
    return lambda: store


def _sqlite_store(path: Path | None, cipher: Cipher | None) -> StateStore:
    """The SQLite state store (sqlite3 imported only by a process that opens one)."""
    from connector.coordination.sqlite_state import SQLiteStateStore

    return SQLiteStateStore(path, cipher)


def _opened(setting: str, open_store: Callable[[], StateStore]) -> StateStore:
    try:
        return open_store()
    except (BackendError, ConfigurationError) as exc:
        raise ConfigurationError(f"{setting}: {exc.message}") from None
