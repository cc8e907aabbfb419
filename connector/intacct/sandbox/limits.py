"""Gateway limits: concurrent requests per company (with the 30-second hold) and an optional
requests-per-second rate limit."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager


class ConcurrencyLimiter:
    """At most a company's limit of requests in flight at once; the next waits up to
    ``hold_seconds`` for a slot, as the real gateway holds a third request for 30 seconds."""

    def __init__(self, hold_seconds: float) -> None:
        self.hold_seconds = hold_seconds
        self._cond = threading.Condition()
        self._in_flight: dict[str, int] = defaultdict(int)

    @contextmanager
    def slot(self, company: str, limit: int) -> Iterator[tuple[int, bool]]:
        """Yield how many of the company's requests are in flight with this one (0 when the
        hold expired without a slot), and whether it arrived over the limit (held)."""
        key = company.upper()
        deadline = time.monotonic() + self.hold_seconds
        with self._cond:
            held = self._in_flight[key] >= limit
            while self._in_flight[key] >= limit:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            in_flight = 0
            if self._in_flight[key] < limit:
                self._in_flight[key] += 1
                in_flight = self._in_flight[key]
        try:
            yield in_flight, held
        finally:
            if in_flight:
                with self._cond:
                    self._in_flight[key] -= 1
                    self._cond.notify_all()


class RateLimiter:
    """Sliding one-second window over all gateway POSTs."""

    def __init__(self, per_second: float | None) -> None:
        self.per_second = per_second
        self._lock = threading.Lock()
        self._stamps: list[float] = []

    def check(self) -> int | None:
        """None when the request may proceed, else seconds to put in Retry-After."""
        if not self.per_second:
            return None
        now = time.monotonic()
        with self._lock:
            self._stamps = [t for t in self._stamps if now - t < 1.0]
            if len(self._stamps) >= self.per_second:
                wait = 1.0 - (now - self._stamps[0])
                return max(1, math.ceil(wait))
            self._stamps.append(now)
        return None
