"""Slots and leases shared by every worker through Redis.

A company's `limit` slots are `limit` redis-py locks (`slot:{company}:{i}`), each held under a
short lease that a daemon thread renews while the request runs. A holder killed with SIGKILL
stops renewing, so its slot comes back within one lease; counting semaphores leak such a slot
for good.

Waiting is a line: whoever finds others waiting joins it instead of taking a free slot, and a
release pushes a token on the line's free list, which wakes the waiter blocked longest (Redis
serves blocked clients first come, first served). Without the line, the worker that just
released a slot wins it again and a waiter elsewhere can starve. Waiters also look again every
RECHECK seconds, since a holder that died pushes nothing.

A lease is one lock plus a fence that a script takes atomically while the lock is still held:
the counter plus one, never below Redis's clock in microseconds.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar

import redis
from redis.exceptions import LockNotOwnedError
from redis.lock import Lock

from connector.coordination.coordinator import (
    Lease,
    lease_name,
    slot_key,
    slot_timeout,
)
from connector.coordination.errors import LeaseBusy
from connector.coordination.redis_client import answering
from connector.coordination.renewal import Renewer

log = logging.getLogger("connector.coordination")
T = TypeVar("T")

#: The longest a waiter sleeps before looking at the slots again without being woken.
RECHECK = 0.2
#: How long (ms) the line of waiters outlives its last sign of life.
WAITING_TTL = 2000

_FENCE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return false end
local clock = redis.call('time')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local fence = redis.call('incr', KEYS[2])
if fence < now then fence = redis.call('incrby', KEYS[2], now - fence) end
return fence
"""
# Leaving the line; a line left empty (or miscounted after it expired) is removed.
_LEAVE = """
if redis.call('decr', KEYS[1]) <= 0 then redis.call('del', KEYS[1]) end
"""


class RedisCoordinator:
    """Per-company slots and single-flight leases across processes and hosts."""

    def __init__(self, client: redis.Redis, *, namespace: str = "connector") -> None:
        self._redis = client
        self._namespace = namespace
        self._renewer = Renewer()
        self._fence = client.register_script(_FENCE)
        self._leave = client.register_script(_LEAVE)

    @contextmanager
    def slot(self, company: str, limit: int, *, wait: float, lease: float) -> Iterator[None]:
        key = slot_key(company, limit, wait, lease)
        names = [self._key("slot", key, str(i)) for i in range(limit)]
        queue = self._key("slot-queue", key)

        def take_one() -> Lock | None:
            start = random.randrange(limit)  # spread the first attempts over the slots
            for name in names[start:] + names[:start]:
                lock = self._redis.lock(name, timeout=lease, thread_local=False)
                if lock.acquire(blocking=False, token=uuid.uuid4().hex):
                    return lock
            return None

        lock = self._wait_for(take_one, queue, wait, min(RECHECK, lease / 4))
        if lock is None:
            raise slot_timeout(company, limit, wait)
        with self._held(lock, lease, threading.Event(), queue, limit):
            yield

    @contextmanager
    def lease(self, name: str, ttl: float, *, wait: float = 0) -> Iterator[Lease]:
        lease_name(name, ttl, wait)
        lock_name, fence_key = self._key("lease", name), self._key("fence", name)
        queue = self._key("lease-queue", name)

        def take() -> tuple[Lock, int] | None:
            token = uuid.uuid4().hex
            lock = self._redis.lock(lock_name, timeout=ttl, thread_local=False)
            if not lock.acquire(blocking=False, token=token):
                return None
            fence = self._fence(keys=[lock_name, fence_key], args=[token])
            return None if fence is None else (lock, int(fence))

        taken = self._wait_for(take, queue, wait, min(RECHECK, ttl / 4))
        if taken is None:
            raise LeaseBusy(name, wait)
        lock, fence = taken
        held = Lease(name, fence)
        with self._held(lock, ttl, held._lost, queue, 1):
            yield held

    def close(self) -> None:
        self._renewer.close()
        self._redis.close()

    def _key(self, *parts: str) -> str:
        return ":".join((self._namespace, *parts))

    def _wait_for(self, take: Callable[[], T | None], queue: str, wait: float,
                  recheck: float) -> T | None:
        """Take at once if nobody is waiting; else wait in line: Redis wakes blocked clients
        first come, first served, and a newcomer does not jump the line while it is not
        empty. A waiter that died leaves the line within WAITING_TTL of the last waiter."""
        deadline = time.monotonic() + wait
        free, waiting = f"{queue}:free", f"{queue}:waiting"
        with answering("no slot or lease was taken"):
            if int(self._redis.get(waiting) or 0) <= 0:
                taken = take()
                if taken is not None:
                    return taken
            if deadline <= time.monotonic():
                return None
            self._redis.pipeline().incr(waiting).pexpire(waiting, WAITING_TTL).execute()
            alive_at = time.monotonic()
            try:
                while True:
                    remaining = deadline - time.monotonic()
                    # BLPOP's timeout 0 means forever: never pass it.
                    self._redis.blpop([free], timeout=max(0.01, min(remaining, recheck)))
                    if time.monotonic() - alive_at > WAITING_TTL / 4000:
                        self._redis.pexpire(waiting, WAITING_TTL)
                        alive_at = time.monotonic()
                    taken = take()
                    if taken is not None or time.monotonic() >= deadline:
                        return taken
            finally:
                with suppress(redis.RedisError):  # what was taken stays taken
                    self._leave(keys=[waiting])

    @contextmanager
    def _held(self, lock: Lock, lease: float, lost: threading.Event, queue: str,
              tokens: int) -> Iterator[None]:
        number = self._renewer.hold(lock, lease, lost)
        try:
            yield
        finally:
            self._renewer.drop(number)
            self._release(lock, lost, queue, tokens, lease)

    def _release(self, lock: Lock, lost: threading.Event, queue: str, tokens: int,
                 lease: float) -> None:
        # The work is done: a failure here must not fail it. The lock lapses within its lease.
        free = f"{queue}:free"
        try:
            if not lost.is_set():
                lock.release()
        except LockNotOwnedError:
            log.warning("%s had lapsed before it was released", lock.name)
        except redis.RedisError as exc:
            log.warning("could not release %s (%s); it lapses within %g s", lock.name,
                        type(exc).__name__, lease)
            return
        try:
            with self._redis.pipeline(transaction=False) as wake:
                wake.lpush(free, 1).ltrim(free, 0, tokens - 1)
                wake.pexpire(free, int(lease * 1000) + 1000).execute()
        except redis.RedisError as exc:
            log.warning("could not wake the line for %s (%s)", lock.name, type(exc).__name__)
