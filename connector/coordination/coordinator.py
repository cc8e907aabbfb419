"""Who may talk to a company now, and who does a piece of single-flight work.

Intacct runs at most `limit` requests per company at once (2 by default), holds one more for
30 s and refuses the rest, so every worker that talks to a company takes one of its slots
first. A lease makes work single-flight across workers (one sign-in per connection, one poller
per trigger); its fence lets a store refuse the writes of a holder that lost it.

`LocalCoordinator` is the default: threads of one process, nothing to set up.
`RedisCoordinator` (connector.coordination.redis_coordinator) shares both across processes and
hosts.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from connector.coordination.errors import LeaseBusy
from connector.errors import SlotTimeout

#: What a caller refused a slot is told to wait before trying again: slots turn over at the
#: pace of single requests, so a short pause is enough.
SLOT_RETRY_AFTER = 1.0


@dataclass(frozen=True)
class Lease:
    """A held single-flight lease. `fence` is larger than every fence issued before it for
    the same name; `lost` turns true if the lease could not be renewed and someone else may
    hold it now."""

    name: str
    fence: int
    _lost: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    @property
    def lost(self) -> bool:
        return self._lost.is_set()


class Coordinator(Protocol):
    """Per-company request slots and single-flight leases."""

    def slot(self, company: str, limit: int, *, wait: float,
             lease: float) -> AbstractContextManager[None]:
        """Hold one of the company's `limit` slots; SlotTimeout if none is free within
        `wait` s. `lease` bounds how long the slot outlives a holder that died."""
        ...

    def lease(self, name: str, ttl: float, *, wait: float = 0) -> AbstractContextManager[Lease]:
        """Hold the lease `name`, renewed while held; LeaseBusy if not free within `wait` s.
        `ttl` bounds how long it outlives a holder that died."""
        ...

    def close(self) -> None: ...


def slot_key(company: str, limit: int, wait: float, lease: float) -> str:
    """The company's key (case-insensitive), once the arguments are checked."""
    if not isinstance(company, str) or not company.strip():
        raise ValueError(f"company must be a non-empty string, not {company!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be an integer of at least 1, not {limit!r}")
    check_seconds("wait", wait, zero=True)
    check_seconds("lease", lease)
    return company.strip().lower()


def lease_name(name: str, ttl: float, wait: float) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"a lease name must be a non-empty string, not {name!r}")
    check_seconds("ttl", ttl)
    check_seconds("wait", wait, zero=True)
    return name


def check_seconds(what: str, value: float, *, zero: bool = False) -> None:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or value != value or value in (float("inf"), float("-inf")) \
            or value < 0 or (value == 0 and not zero):
        bound = "at least 0" if zero else "more than 0"
        raise ValueError(f"{what} must be a finite number of seconds, {bound}, not {value!r}")


def slot_timeout(company: str, limit: int, wait: float) -> SlotTimeout:
    return SlotTimeout(f"all {limit} request slots for company {company!r} stayed busy for "
                       f"{wait:g} s; nothing was sent", retry_after=SLOT_RETRY_AFTER)


def fence_after(previous: int, now_us: int) -> int:
    """The next fence: one more than the last, and never below the clock in microseconds, so
    that fences keep growing when the counter is lost (a restart without persistence) while
    the fences it issued are still stored."""
    return max(previous + 1, now_us)


class _CompanySlots:
    """A company's holders and its line of waiters: a slot that comes free goes to the first
    in line, not to whoever asks next (a thread that just released one would always win)."""

    def __init__(self) -> None:
        self.held = 0
        self.line: deque[object] = deque()
        self.changed = threading.Condition(threading.Lock())

    def take(self, limit: int, wait: float) -> bool:
        with self.changed:
            if self.held < limit and not self.line:
                self.held += 1
                return True
            me = object()
            self.line.append(me)
            try:
                if not self.changed.wait_for(lambda: self.held < limit and self.line[0] is me,
                                             timeout=wait):
                    return False
                self.held += 1
                return True
            finally:
                self.line.remove(me)
                self.changed.notify_all()  # the next in line may be first now

    def give_back(self) -> None:
        with self.changed:
            self.held -= 1
            if self.line:  # only those in line wait
                self.changed.notify_all()


class _Hold:
    """One slot of a company, taken on entering and given back on leaving (a plain class:
    every request goes through it, and a generator's context manager costs more)."""

    __slots__ = ("company", "limit", "slots", "wait")

    def __init__(self, slots: _CompanySlots, company: str, limit: int, wait: float) -> None:
        self.slots, self.company, self.limit, self.wait = slots, company, limit, wait

    def __enter__(self) -> None:
        if not self.slots.take(self.limit, self.wait):
            raise slot_timeout(self.company, self.limit, self.wait)

    def __exit__(self, *exc_info: object) -> None:
        self.slots.give_back()


class LocalCoordinator:
    """Slots and leases among the threads of this process (the zero-setup default).

    A thread cannot die while it holds a slot or lease without leaving its `with` block, so
    here `lease` and `ttl` need no timer: a hold lasts exactly as long as the block.
    """

    def __init__(self) -> None:
        self._companies: dict[str, _CompanySlots] = {}
        self._leases: dict[str, threading.Lock] = {}
        self._fences: dict[str, int] = {}
        self._lock = threading.Lock()

    def slot(self, company: str, limit: int, *, wait: float, lease: float
             ) -> AbstractContextManager[None]:
        key = slot_key(company, limit, wait, lease)
        slots = self._companies.get(key)
        if slots is None:
            with self._lock:
                slots = self._companies.setdefault(key, _CompanySlots())
        return _Hold(slots, company, limit, wait)

    @contextmanager
    def lease(self, name: str, ttl: float, *, wait: float = 0) -> Iterator[Lease]:
        lease_name(name, ttl, wait)
        with self._lock:
            lock = self._leases.setdefault(name, threading.Lock())
        if not lock.acquire(timeout=wait):
            raise LeaseBusy(name, wait)
        try:
            with self._lock:
                fence = self._fences[name] = fence_after(self._fences.get(name, 0),
                                                         time.time_ns() // 1000)
            yield Lease(name, fence)
        finally:
            lock.release()

    def close(self) -> None:
        """Nothing to release: holds end with their blocks."""
