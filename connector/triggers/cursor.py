"""Where a feed stands, as JSON the state store keeps (connector.coordination.state).

Every time here comes from the records (the remote's own clock), never from this machine's:
a feed keeps, per stream (changed records; deletions),

- `settled`: every version stamped before it has been read, and no late commit can still
  land there. A recurrence reads again from it (the overlap window) unless it drains;
- `resume`: a backlog drain in progress continues strictly after this position;
- `read_to`: the latest time read; a record created after it is new to the feed;
- `seen`: what was read at or after `settled` (event ids by time), skipped when read again.

`head` is the newest time any stream showed: the remote's clock has passed it, so whatever
was stamped an overlap window before it is visible now. Times are naive ISO 8601 (the remote's
own time, at its resolution), which sorts as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.protocol import Position

VERSION = 1


def stamp(when: datetime) -> str:
    """A time as text that sorts as the times do (to the second, or finer where the remote's
    times are: 2024-01-10T16:48:17, 2024-01-10T16:48:17.250000)."""
    return when.isoformat()


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@dataclass
class StreamCursor:
    """One stream's place in a feed (see the module docstring)."""

    settled: datetime | None = None
    resume: Position | None = None
    read_to: datetime | None = None
    seen: dict[str, set[str]] = field(default_factory=dict)  # time -> keys

    def has_seen(self, when: datetime, key: str) -> bool:
        return key in self.seen.get(stamp(when), ())

    def see(self, when: datetime, key: str) -> None:
        self.seen.setdefault(stamp(when), set()).add(key)

    def keys(self) -> set[str]:
        return {key for keys in self.seen.values() for key in keys}

    def forget_before(self, when: datetime | None) -> None:
        """Drop what was seen before `when`: no read starts there again."""
        if when is not None:
            cut = stamp(when)
            self.seen = {t: keys for t, keys in self.seen.items() if t >= cut}

    def to_json(self) -> dict[str, Any]:
        return {
            "settled": None if self.settled is None else stamp(self.settled),
            "resume": None if self.resume is None else [stamp(self.resume[0]), self.resume[1]],
            "read_to": None if self.read_to is None else stamp(self.read_to),
            "seen": {t: sorted(keys) for t, keys in sorted(self.seen.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StreamCursor:
        resume = data.get("resume")
        return cls(settled=_time(data.get("settled")),
                   resume=None if resume is None else (datetime.fromisoformat(resume[0]),
                                                       str(resume[1])),
                   read_to=_time(data.get("read_to")),
                   seen={t: set(keys) for t, keys in data.get("seen", {}).items()})


@dataclass
class FeedCursor:
    """Every stream's cursor, and the newest time the remote showed."""

    head: datetime | None = None
    streams: dict[str, StreamCursor] = field(default_factory=dict)

    def advance_head(self, times: Iterable[datetime | None]) -> None:
        known = [t for t in (self.head, *times) if t is not None]
        self.head = max(known) if known else None

    def to_json(self) -> dict[str, Any]:
        return {"version": VERSION, "head": None if self.head is None else stamp(self.head),
                "streams": {name: cursor.to_json() for name, cursor in self.streams.items()}}

    @classmethod
    def from_json(cls, data: Any) -> FeedCursor:
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError(f"not a version {VERSION} trigger cursor")
        return cls(head=_time(data.get("head")),
                   streams={name: StreamCursor.from_json(value)
                            for name, value in data.get("streams", {}).items()})
