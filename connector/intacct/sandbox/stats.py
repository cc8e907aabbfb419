"""Counters a test or a benchmark reads: requests and their HTTP statuses, functions run,
sessions made, and per company the peak of requests in flight, the requests that arrived over
the limit (held for a slot, as the real gateway holds them) and those refused because the
company's slots stayed full."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Thread-safe counters; `snapshot` is a copy, `reset` starts over."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.http_status: Counter[int] = Counter()
            self.functions: Counter[str] = Counter()
            self.sessions_created = 0
            self._peaks: dict[str, int] = {}
            self._refused: Counter[str] = Counter()
            self._held: Counter[str] = Counter()

    def count_request(self, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.http_status[status] += 1

    def count_function(self, name: str) -> None:
        with self._lock:
            self.functions[name] += 1

    def count_session(self) -> None:
        with self._lock:
            self.sessions_created += 1

    def count_in_flight(self, company: str, in_flight: int) -> None:
        """A request of the company got a slot, with `in_flight` requests running."""
        with self._lock:
            self._peaks[company] = max(self._peaks.get(company, 0), in_flight)

    def count_held(self, company: str) -> None:
        """A request of the company arrived while all its slots were taken."""
        with self._lock:
            self._held[company] += 1
            self._peaks.setdefault(company, 0)

    def count_refusal(self, company: str) -> None:
        """A request of the company waited its hold out without a slot."""
        with self._lock:
            self._refused[company] += 1
            self._peaks.setdefault(company, 0)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "http_status": dict(self.http_status),
                "functions": dict(self.functions),
                "sessions_created": self.sessions_created,
                "companies": {
                    company: {"peak_in_flight": peak, "held": self._held[company],
                              "refused": self._refused[company]}
                    for company, peak in sorted(self._peaks.items())
                },
            }
