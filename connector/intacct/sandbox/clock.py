"""The sandbox's clock, and timestamps as a company shows them.

Tests of change feeds need to control time: the clock can be set to an instant (from which it
keeps running) or skewed by a number of seconds, while the sandbox serves. Every timestamp the
sandbox writes (WHENCREATED, WHENMODIFIED, AUDITHISTORY's ACCESSTIME, sessions) comes from it.
Timestamps have second resolution and are written as the real gateway writes them: MM/DD/YYYY
HH:MM:SS in the company's time zone, with no offset (Intacct's dates carry no time zone).
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


#: How the gateway writes a timestamp (SDK fixtures: <WHENMODIFIED>05/20/2021 17:15:03<...>).
STAMP_FORMAT = "%m/%d/%Y %H:%M:%S"


def stamp(epoch: float, tz: tzinfo) -> str:
    """A timestamp to the second in the company's zone, as the gateway writes it:
    01/10/2024 16:48:17 (no offset: the company's own time)."""
    return datetime.fromtimestamp(int(epoch), tz=tz).strftime(STAMP_FORMAT)
