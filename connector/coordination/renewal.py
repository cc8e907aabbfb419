"""Keeping held Redis locks alive: one daemon thread extends each before its lease runs out.

A lock is extended every third of its lease, so two renewals can fail in a row (a slow network,
a busy host) before it lapses. When a renewal finds the lock taken over, or cannot reach Redis
until the lease has run out, the hold is marked lost and its holder can see it.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import dataclass

import redis
from redis.exceptions import LockError
from redis.lock import Lock

log = logging.getLogger("connector.coordination")


@dataclass
class _Hold:
    lock: Lock
    lease: float
    lost: threading.Event
    renew_at: float
    lapses_at: float


class Renewer:
    """Extends registered locks until they are dropped; starts its thread on first use."""

    def __init__(self) -> None:
        self._holds: dict[int, _Hold] = {}
        self._numbers = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def hold(self, lock: Lock, lease: float, lost: threading.Event) -> int:
        """Start renewing a lock just acquired; returns the number to drop it with."""
        now = time.monotonic()
        with self._changed:
            if self._closed:
                raise RuntimeError("the coordinator is closed")
            number = next(self._numbers)
            self._holds[number] = _Hold(lock, lease, lost, now + lease / 3, now + lease)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="connector-renewer",
                                                daemon=True)
                self._thread.start()
            self._changed.notify()
        return number

    def drop(self, number: int) -> None:
        with self._changed:
            self._holds.pop(number, None)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._holds.clear()
            self._changed.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._changed:
                if self._closed:
                    return
                now = time.monotonic()
                due = [(n, h) for n, h in self._holds.items() if h.renew_at <= now]
                if not due:
                    next_at = min((h.renew_at for h in self._holds.values()), default=None)
                    self._changed.wait(None if next_at is None else next_at - now)
                    continue
                for _, hold in due:
                    hold.renew_at = now + hold.lease / 3
            for number, hold in due:
                self._renew(number, hold)

    def _renew(self, number: int, hold: _Hold) -> None:
        started = time.monotonic()
        try:
            hold.lock.extend(hold.lease, replace_ttl=True)
            hold.lapses_at = started + hold.lease
            return
        except LockError:
            reason = "another holder has it"
        except redis.RedisError as exc:
            if time.monotonic() < hold.lapses_at:
                log.warning("could not renew %s (%s); retrying", hold.lock.name,
                            type(exc).__name__)
                return
            reason = f"Redis did not answer ({type(exc).__name__})"
        with self._changed:
            if self._holds.pop(number, None) is None:
                return  # released while we were renewing: nothing was lost
        log.warning("lost %s: %s", hold.lock.name, reason)  # said before anyone acts on it
        hold.lost.set()
