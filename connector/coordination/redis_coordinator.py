"""Slots and leases shared by every worker through Redis.

A company's `limit` slots are `limit` redis-py locks (`slot:{company}:{i}`), each held under a
short lease that a daemon thread renews while the request runs. A holder killed with SIGKILL
stops renewing, so its slot comes back within one lease; counting semaphores leak such a slot
for good. A release pushes a token on the company's free list, which wakes one waiter (Redis
serves blocked clients first come, first served); waiters also look again at short intervals,
since a holder that died pushes nothing.

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
from contextlib import contextmanager
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

_FENCE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return false end
local clock = redis.call('time')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local fence = redis.call('incr', KEYS[2])
if fence < now then fence = redis.call('incrby', KEYS[2], now - fence) end
return fence
"""


class RedisCoordinator:
    """Per-company slots and single-flight leases across processes and hosts."""

    def __init__(self, client: redis.Redis, *, namespace: str = "connector") -> None:
        self._redis = client
        self._namespace = namespace
        self._renewer = Renewer()
        self._fence = client.register_script(_FENCE)

    @contextmanager
    def slot(self, company: str, limit: int, *, wait: float, lease: float) -> Iterator[None]:
        key = slot_key(company, limit, wait, lease)
        names = [self._key("slot", key, str(i)) for i in range(limit)]
        free = self._key("slot-free", key)

        def take_one() -> Lock | None:
            start = random.randrange(limit)  # spread the first attempts over the slots
            for name in names[start:] + names[:start]:
                lock = self._redis.lock(name, timeout=lease, thread_local=False)
                if lock.acquire(blocking=False, token=uuid.uuid4().hex):
                    return lock
            return None

        lock = self._wait_for(take_one, free, wait, min(RECHECK, lease / 4))
        if lock is None:
            raise slot_timeout(company, limit, wait)
        with self._held(lock, lease, threading.Event(), free, limit):
            yield

    @contextmanager
    def lease(self, name: str, ttl: float, *, wait: float = 0) -> Iterator[Lease]:
        lease_name(name, ttl, wait)
        lock_name, fence_key = self._key("lease", name), self._key("fence", name)
        free = self._key("lease-free", name)

        def take() -> tuple[Lock, int] | None:
            token = uuid.uuid4().hex
            lock = self._redis.lock(lock_name, timeout=ttl, thread_local=False)
            if not lock.acquire(blocking=False, token=token):
                return None
            fence = self._fence(keys=[lock_name, fence_key], args=[token])
            return None if fence is None else (lock, int(fence))

        taken = self._wait_for(take, free, wait, min(RECHECK, ttl / 4))
        if taken is None:
            raise LeaseBusy(name, wait)
        lock, fence = taken
        held = Lease(name, fence)
        with self._held(lock, ttl, held._lost, free, 1):
            yield held

    def close(self) -> None:
        self._renewer.close()
        self._redis.close()

    def _key(self, *parts: str) -> str:
        return ":".join((self._namespace, *parts))

    def _wait_for(self, take: Callable[[], T | None], free: str, wait: float,
                  recheck: float) -> T | None:
        deadline = time.monotonic() + wait
        with answering("no slot or lease was taken"):
            while True:
                taken = take()
                if taken is not None:
                    return taken
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                # BLPOP's timeout 0 means forever: never pass it.
                self._redis.blpop([free], timeout=max(0.01, min(remaining, recheck)))

    @contextmanager
    def _held(self, lock: Lock, lease: float, lost: threading.Event, free: str,
              tokens: int) -> Iterator[None]:
        number = self._renewer.hold(lock, lease, lost)
        try:
            yield
        finally:
            self._renewer.drop(number)
            self._release(lock, lost, free, tokens, lease)

    def _release(self, lock: Lock, lost: threading.Event, free: str, tokens: int,
                 lease: float) -> None:
        # The work is done: a failure here must not fail it. The lock lapses within its lease.
        try:
            if not lost.is_set():
                lock.release()
            with self._redis.pipeline(transaction=False) as wake:
                wake.lpush(free, 1).ltrim(free, 0, tokens - 1)
                wake.pexpire(free, int(lease * 1000) + 1000).execute()
        except LockNotOwnedError:
            log.warning("%s had lapsed before it was released", lock.name)
        except redis.RedisError as exc:
            log.warning("could not release %s (%s); it lapses within %g s", lock.name,
                        type(exc).__name__, lease)
