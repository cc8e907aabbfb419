"""Gateway sessions kept between calls, shared by every thread (and, on Redis, every worker).

A key names a connection (derived by the caller from its identity, never from a secret). A
session is kept until a little before the gateway's `sessiontimeout`, so a cached session is
always usable; when the gateway refuses one anyway, only that session is dropped, never one a
faster worker has put since. `get_or_sign_in` lets one caller sign in while the others wait.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from typing import Protocol

from connector.coordination.coordinator import Coordinator, check_seconds
from connector.coordination.errors import LeaseBusy


@dataclass(frozen=True)
class CachedSession:
    """A gateway session: its id (a secret: kept out of repr), endpoint and expiry (UTC)."""

    id: str = field(repr=False)
    endpoint: str
    expires: dt.datetime | None


class SessionCache(Protocol):
    def get(self, key: str) -> CachedSession | None:
        """The session kept under key, if any and still within its time."""
        ...

    def put(self, key: str, session: CachedSession, ttl: float) -> None:
        """Keep a session for `ttl` seconds, and never past its own expiry."""
        ...

    def invalidate(self, key: str, session_id: str) -> bool:
        """Drop the session kept under key if it is still the one with that id."""
        ...

    def close(self) -> None: ...


def seconds_to_keep(session: CachedSession, ttl: float, margin: float = 0.0) -> float:
    """`ttl`, shortened so that the session is dropped `margin` seconds before it expires
    (0: do not keep it)."""
    check_seconds("ttl", ttl, zero=True)
    if session.expires is None:
        return ttl
    if session.expires.tzinfo is None:
        raise ValueError("a session's expires must be timezone-aware")
    left = (session.expires - dt.datetime.now(dt.timezone.utc)).total_seconds() - margin
    return max(0.0, min(ttl, left))


def check_key(key: str) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError(f"a session key must be a non-empty string, not {type(key).__name__}")
    return key


class LocalSessionCache:
    """Sessions in this process's memory (the zero-setup default)."""

    def __init__(self) -> None:
        self._sessions: dict[str, tuple[CachedSession, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedSession | None:
        check_key(key)
        with self._lock:
            kept = self._sessions.get(key)
            if kept is None:
                return None
            if time.monotonic() >= kept[1]:
                del self._sessions[key]
                return None
            return kept[0]

    def put(self, key: str, session: CachedSession, ttl: float) -> None:
        keep = seconds_to_keep(session, ttl)
        with self._lock:
            if keep > 0:
                self._sessions[check_key(key)] = (session, time.monotonic() + keep)
            else:
                self._sessions.pop(check_key(key), None)

    def invalidate(self, key: str, session_id: str) -> bool:
        check_key(key)
        with self._lock:
            kept = self._sessions.get(key)
            if kept is None or kept[0].id != session_id:
                return False
            del self._sessions[key]
            return True

    def close(self) -> None:
        with self._lock:
            self._sessions.clear()


def get_or_sign_in(cache: SessionCache, coordinator: Coordinator, key: str,
                   sign_in: Callable[[], CachedSession], *, margin: float, max_age: float,
                   wait: float) -> CachedSession:
    """The session kept under key, or a new one from `sign_in`, kept until `margin` seconds
    before it expires (and at most `max_age`).

    One caller per key signs in while the others wait up to `wait` seconds for its session. A
    caller that waited longer (the signer hangs, or died holding the lease) signs in itself:
    two sessions cost less than no answer. The lease's ttl is `wait` (at least 1 s): nobody
    waits for it longer anyway.
    """
    found = cache.get(key)
    if found is not None:
        return found
    check_seconds("margin", margin, zero=True)
    check_seconds("max_age", max_age)
    with ExitStack() as stack:
        with suppress(LeaseBusy):  # waited long enough: sign in without it
            stack.enter_context(coordinator.lease(f"sign-in:{key}", max(wait, 1.0), wait=wait))
        found = cache.get(key)  # signed in by another caller while this one waited
        if found is not None:
            return found
        session = sign_in()
        keep = seconds_to_keep(session, max_age, margin)
        if keep > 0:
            cache.put(key, session, keep)
        return session
