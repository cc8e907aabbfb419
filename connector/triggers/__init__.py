"""Triggers: declared change feeds that deliver every change of an object exactly once.

A trigger is a manifest entry (connector.manifest.TriggerSpec); its protocol lists the
object's changes in order (connector.protocol.ChangeStream); this package turns them into
events with stable ids, keeps each instance's cursor and events in the state store under a
fenced lease, and delivers until acknowledged:

- `poller`: poll (one recurrence), ack, reset;
- `feed`: the recurrence itself (overlap window, de-duplication, cap, resume);
- `cursor`: where a feed stands, as the store keeps it;
- `events`: events and the component's output shapes;
- `leases`: one poller at a time per feed.

See docs/triggers.md.
"""

from connector.triggers.events import TriggerEvent
from connector.triggers.poller import PollResult, ack, poll, reset

__all__ = ["PollResult", "TriggerEvent", "ack", "poll", "reset"]
