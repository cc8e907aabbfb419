"""One poller at a time per feed: a lease, and the fence number its commits carry.

`FileLeases` is the zero-setup default: an advisory lock (flock) on a file per feed, shared by
every thread and process of the host that uses the same directory, released by the kernel
when its holder dies (a SIGKILLed poller holds nothing). `CoordinatorLeases` uses a
coordinator's fenced leases (connector.coordination: Redis when scaled out over hosts).
The state store refuses a commit whose fence is older than one already written.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from connector.coordination.coordinator import Coordinator, check_seconds
from connector.coordination.errors import LeaseBusy

#: How often a waiting poller tries a held file lock again.
RETRY_SECONDS = 0.05


class Leases(Protocol):
    #: Whether fences come from a counter that only grows (a coordinator's). File leases'
    #: come from the clock, so the poller lifts them above the fence its feed holds: safe,
    #: as a file lease cannot be lost while its holder lives.
    counted: bool

    def hold(self, name: str, *, wait: float) -> AbstractContextManager[int]:
        """Hold the lease `name` for the block, yielding a fence number; LeaseBusy when it
        is not free within `wait` seconds."""
        ...


class FileLeases:
    """Leases as locked files in a directory (created owner-only)."""

    counted = False

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    @contextmanager
    def hold(self, name: str, *, wait: float) -> Iterator[int]:
        check_seconds("wait", wait, zero=True)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.directory / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LeaseBusy(name, wait) from None
                    time.sleep(RETRY_SECONDS)
            try:
                # Microseconds: fences outgrow the last holder's on any host clock; the
                # poller also keeps them above the fence the store holds.
                yield time.time_ns() // 1000
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class CoordinatorLeases:
    """A coordinator's fenced leases (renewed while held; `ttl` bounds a dead holder's)."""

    counted = True

    def __init__(self, coordinator: Coordinator, ttl: float = 60.0) -> None:
        self.coordinator = coordinator
        self.ttl = ttl

    @contextmanager
    def hold(self, name: str, *, wait: float) -> Iterator[int]:
        with self.coordinator.lease(name, self.ttl, wait=wait) as lease:
            yield lease.fence
