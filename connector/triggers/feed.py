"""One recurrence of a feed: read each stream on from its cursor, keep what is new, move on.

The streams (changed records, deletions) come from the protocol in (time, key) order and are
merged by time, so a capped recurrence delivers the oldest changes first and the next one
resumes where it stopped. Nothing here reads this machine's clock:

- A first recurrence with a look-back date reads from that date. Without one it only takes a
  baseline: what the remote shows now (the last overlap window included) is marked seen.
- A recurrence reads from `settled` (the overlap window behind the watermark, where commits
  may still land late) and skips what it has seen; or, while a backlog drains, on from
  `resume`. Time moves `settled` only through stretches read once they could no longer change:
  stamped an overlap window before the newest time the remote has shown.
- An event's id is the record's key and the time of the version read (deletions: "/deleted"
  appended), so a later update is a new event and a re-read is not.

Whether a change is "created" is decided from the creation time against what the feed has
read; see `Reader.label`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from connector.coordination.state import Event
from connector.protocol import Change, ChangeStream, DeletionsHidden, Position, Read
from connector.triggers.cursor import FeedCursor, StreamCursor, stamp

CHANGES, DELETIONS = "changes", "deletions"
#: Which stream reports which kinds of change.
KINDS = {CHANGES: ("created", "updated"), DELETIONS: ("deleted",)}


@dataclass(frozen=True)
class Plan:
    """How much one recurrence may do, and what it reports."""

    overlap: timedelta
    budget: int  # new events at most
    max_reads: int  # records read at most (skipped ones included)
    page_size: int
    report: frozenset[str]  # created, updated, deleted
    lookback: datetime | None = None


@dataclass
class Recurrence:
    """What a recurrence found and where the feed stands after it."""

    events: list[Event]
    cursor: FeedCursor
    more: bool  # a stream stopped before its end: a backlog remains
    hidden: str | None  # why deletions could not be read, when they could not
    baseline: bool  # it only set the baseline


def event_id(stream: str, change: Change) -> str:
    suffix = "/deleted" if stream == DELETIONS else ""
    return f"{change.key}@{stamp(change.modified)}{suffix}"


def recur(streams: Mapping[str, ChangeStream], read: Read, cursor: FeedCursor | None,
          plan: Plan) -> Recurrence:
    """One recurrence over the streams the plan reports; `cursor` None: the first one."""
    state = cursor if cursor is not None else FeedCursor()
    active = {name: stream for name, stream in streams.items()
              if any(kind in plan.report for kind in KINDS[name])}
    hidden: list[str] = []
    if cursor is None and plan.lookback is not None:
        for name in active:
            state.streams[name] = StreamCursor(settled=plan.lookback, read_to=plan.lookback)
    fresh = [name for name in active if name not in state.streams]
    if fresh:
        _baseline({name: active[name] for name in fresh}, read, state, plan, hidden)
        if cursor is None:
            return Recurrence([], state, False, _reason(hidden), baseline=True)
    readers = [Reader(name, order, active[name], state.streams[name], read, plan)
               for order, name in enumerate(active) if name not in fresh]
    events = _merge(readers, plan, hidden)
    newest = [reader.newest for reader in readers]
    for reader in readers:
        if not reader.done and reader.active:  # stopped early: how far does it go?
            position = _latest(reader.source, read, hidden)
            newest.append(position[0] if position else None)
    state.advance_head(newest)
    limit = state.head - plan.overlap if state.head is not None else None
    for reader in readers:
        if reader.active:
            reader.finish(limit)
    more = any(reader.active and not reader.done for reader in readers)
    return Recurrence(events, state, more, _reason(hidden), baseline=False)


def _baseline(streams: Mapping[str, ChangeStream], read: Read, state: FeedCursor, plan: Plan,
              hidden: list[str]) -> None:
    """Mark what the streams show now as seen: the overlap window before the newest time
    (commits may still land there), read up to the plan's limit."""
    visible = {}
    for name, stream in streams.items():
        try:
            visible[name] = stream.latest(read)
        except DeletionsHidden as exc:
            hidden.append(exc.message)
    state.advance_head([position[0] for position in visible.values() if position])
    start = state.head - plan.overlap if state.head is not None else None
    for name in visible:
        cursor = StreamCursor(settled=start, read_to=state.head)
        # Only their positions are needed: "known" spares reading the records whole.
        changes = _shown(streams[name].read(read, start, None, plan.page_size,
                                            lambda position: True), hidden)
        for count, change in enumerate(changes, 1):
            cursor.see(change.modified, change.key)
            if count >= plan.max_reads:
                # A denser window than a recurrence may read: settle where reading stopped.
                cursor.settled = change.listed
                cursor.forget_before(cursor.settled)
                break
        state.streams[name] = cursor


def _merge(readers: list[Reader], plan: Plan, hidden: list[str]) -> list[Event]:
    """Take the oldest head among the streams until the budget or the read limit is spent."""
    events: list[Event] = []
    reads = 0
    while len(events) < plan.budget and reads < plan.max_reads:
        live = [reader for reader in readers if reader.peek(hidden) is not None]
        if not live:
            break
        reader = min(live, key=lambda r: (r.peek(hidden).listed, r.order))
        reads += 1
        event = reader.take()
        if event is not None:
            events.append(event)
    return events


class Reader:
    """One stream, read for one recurrence from its cursor."""

    def __init__(self, name: str, order: int, source: ChangeStream, cursor: StreamCursor,
                 read: Read, plan: Plan) -> None:
        self.name, self.order, self.source, self.cursor = name, order, source, cursor
        self.plan = plan
        self.resumed = cursor.resume is not None
        start, after = cursor.resume if cursor.resume is not None else (cursor.settled, None)
        self._start = start  # everything before it was read (when this recurrence took none)
        page = max(1, min(plan.page_size, plan.budget + len(cursor.seen) + 1))
        self._changes: Iterator[Change] = source.read(
            read, start, after, page, lambda position: cursor.has_seen(*position))
        self._head: Change | None = None
        self.done = False  # the stream ended: nothing more after the last change taken
        self.active = True  # False once the remote refused the stream (hidden deletions)
        self.last: Position | None = None
        self.max_listed: datetime | None = None  # the latest position time taken
        self.newest: datetime | None = None  # the latest time taken: the remote's clock
        # What the feed knew before this recurrence: a change's label depends on it.
        self.read_to, self.settled = cursor.read_to, cursor.settled
        self.keys = cursor.keys()

    def peek(self, hidden: list[str]) -> Change | None:
        if self._head is None and not self.done and self.active:
            try:
                self._head = next(self._changes)
            except StopIteration:
                self.done = True
            except DeletionsHidden as exc:
                self.active = False
                hidden.append(exc.message)
        return self._head

    def take(self) -> Event | None:
        """Consume the head: an event when it is new and of a kind the plan reports."""
        change, self._head = self._head, None
        assert change is not None
        self.last = change.position
        self.max_listed = max(filter(None, (self.max_listed, change.listed)))
        self.newest = max(filter(None, (self.newest, change.modified, change.listed)))
        if change.record is None or self.cursor.has_seen(change.modified, change.key):
            return None
        self.cursor.see(change.modified, change.key)
        kind = "deleted" if self.name == DELETIONS else self.label(change)
        self.keys.add(change.key)
        if kind not in self.plan.report:
            return None
        return Event(event_id(self.name, change), stamp(change.modified),
                     {"changeType": kind, "record": change.record})

    def label(self, change: Change) -> str:
        """"created" when no earlier version of the record can have reached the feed: it is
        the version the record was created with, or it was created after the latest time
        read, or inside the window the feed still tracks by key and its key was not read
        there. A record created in a stretch a drain had passed, first read at a later
        change, counts as updated (its creation time is in the record)."""
        created = change.created
        if created is None:
            return "updated"
        if created >= change.modified or self.read_to is None or created > self.read_to:
            return "created"
        tracked = self.settled is None or created >= self.settled
        return "created" if tracked and change.key not in self.keys else "updated"

    def finish(self, limit: datetime | None) -> None:
        """Move the cursor: resume after the last change when stopped early; settle what was
        read once no late commit can land there any more (stamped before `limit`)."""
        cursor = self.cursor
        if self.max_listed is not None and (cursor.read_to is None
                                            or self.max_listed > cursor.read_to):
            cursor.read_to = self.max_listed
        contiguous = not self.resumed or (cursor.resume is not None
                                          and cursor.resume[0] == cursor.settled)
        if self.done:
            cursor.resume = None
        elif self.last is not None:
            cursor.resume = self.last
        reached = self.last[0] if self.last is not None else self._start
        end = limit if self.done or limit is None or reached is None else min(limit, reached)
        if contiguous and end is not None and (cursor.settled is None or end > cursor.settled):
            cursor.settled = end
        cursor.forget_before(cursor.settled)


def _latest(stream: ChangeStream, read: Read, hidden: list[str]) -> Position | None:
    try:
        return stream.latest(read)
    except DeletionsHidden as exc:
        hidden.append(exc.message)
        return None


def _shown(changes: Iterator[Change], hidden: list[str]) -> Iterator[Change]:
    """The changes until the remote refuses to show more."""
    try:
        yield from changes
    except DeletionsHidden as exc:
        hidden.append(exc.message)


def _reason(hidden: list[str]) -> str | None:
    return hidden[0] if hidden else None
