"""The sandbox's clock, and timestamps as a company shows them.

Tests of change feeds need to control time: the clock can be set to an instant (from which it
keeps running) or skewed by a number of seconds, while the sandbox serves. Every timestamp the
sandbox writes (WHENCREATED, WHENMODIFIED, AUDITHISTORY's ACCESSTIME, sessions) comes from it.
Timestamps have second resolution and are written in the company's time zone, as ISO 8601 with
the zone's offset ("Z" for UTC, the form of the reference read examples).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo


class Clock:
    """Wall-clock time for the sandbox: real time, moved by `set` and `skew`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    def now(self) -> float:
        """Seconds since the epoch, as the sandbox sees them."""
        with self._lock:
            return time.time() + self._offset

    def set(self, when: datetime) -> None:
        """Make it `when` now; the clock keeps running from there. A naive `when` is UTC."""
        target = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
        with self._lock:
            self._offset = target.timestamp() - time.time()

    def skew(self, seconds: float) -> None:
        """Move the clock by `seconds` (negative: back)."""
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        """Back to the real time."""
        with self._lock:
            self._offset = 0.0


def zone(name: str) -> tzinfo:
    """A time zone by IANA name ("UTC", "America/Los_Angeles"); ValueError names a bad one."""
    if name.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def stamp(epoch: float, tz: tzinfo) -> str:
    """A timestamp to the second in the company's zone: 2024-01-11T00:48:17Z, or with the
    zone's offset (2024-01-10T16:48:17-08:00)."""
    local = datetime.fromtimestamp(int(epoch), tz=tz)
    text = local.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
