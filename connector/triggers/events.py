"""Events as a trigger delivers them, and its outputs in the component's shapes.

Without batching a recurrence's events make one document, `{"data": {"created": [...],
"updated": [...], "deleted": [...]}}` (the component's, plus deletions). With batching each
event is `{"changeType": ..., "record": {...}}`, delivered one at a time (`{"data": event}`,
batch size 1) or in lists of the batch size (`{"data": [event, ...]}`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connector.coordination.state import Event

CHANGE_TYPES = ("created", "updated", "deleted")


@dataclass(frozen=True)
class TriggerEvent:
    """One change: its id (the record's key and the time of the version; stable across
    polls until acknowledged), its kind and the record."""

    id: str
    change_type: str
    record: dict[str, Any]

    @classmethod
    def stored(cls, event: Event) -> TriggerEvent:
        return cls(event.id, event.payload["changeType"], event.payload["record"])

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "changeType": self.change_type, "record": self.record}


def outputs(events: Sequence[TriggerEvent], batch_size: int | None) -> list[dict[str, Any]]:
    """The deliveries a workflow reads: one document (batch_size None), or events singly or
    in batches."""
    if batch_size is None:
        document: dict[str, list[Any]] = {kind: [] for kind in CHANGE_TYPES}
        for event in events:
            document[event.change_type].append(event.record)
        return [{"data": document}]
    items = [{"changeType": e.change_type, "record": e.record} for e in events]
    if batch_size == 1:
        return [{"data": item} for item in items]
    return [{"data": items[start:start + batch_size]}
            for start in range(0, len(items), batch_size)]
