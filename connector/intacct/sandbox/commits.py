"""Late commits: a write whose WHENMODIFIED is stamped when its request starts, but which other
readers see only when it commits, some seconds later.

Real gateways show this: a poller that asks "what changed since my last run" by comparing
WHENMODIFIED with its own clock misses a write stamped before the poll and committed after it.
Tests make the next writes late (`pending`), or a share of them (`rate`, drawn with a seeded
generator so a run is reproducible). Readers never see a late write before it commits.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


@dataclass
class LateCommits:
    """Mutable while the sandbox serves; `pending` and `rate` apply to requests that write."""

    seconds: float = 0.0  # how long a late write waits between its stamp and its commit
    rate: float = 0.0  # share of writing requests that commit late
    pending: int = 0  # the next N writing requests commit late, whatever the rate
    seed: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.seed)

    def next_writes(self, seconds: float, writes: int = 1) -> None:
        """Make the next `writes` writing requests commit `seconds` late."""
        with self._lock:
            self.seconds = seconds
            self.pending += writes

    def draw(self) -> float:
        """Seconds the next writing request waits before it commits (0: at once)."""
        with self._lock:
            if self.seconds <= 0:
                return 0.0
            if self.pending > 0:
                self.pending -= 1
                return self.seconds
            if self.rate and self._rng.random() < self.rate:
                return self.seconds
            return 0.0
