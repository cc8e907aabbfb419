"""Polling registered trigger instances on their intervals, inside a long-running process.

An instance names a trigger, a connection (by the name the process knows it by), its inputs,
its interval and optionally a webhook. Without a webhook its events wait, pending, for a
caller to poll and acknowledge them; with one they are delivered there and acknowledged once
the target took them. Registrations live in memory (a restarted process registers its
instances again); cursors and events live in the state store, so removing an instance and
registering it again goes on where it stopped. One thread polls the due instances one after
another; every poll has its own deadlines.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from connector.coordination.state import StateStore
from connector.errors import ConnectorError, UnknownKey
from connector.triggers import poller
from connector.triggers.webhook import Webhook, shown

if TYPE_CHECKING:
    from connector.core import Connector

log = logging.getLogger(__name__)

#: How often the thread looks for due instances (seconds).
TICK = 0.5


@dataclass
class Instance:
    """A registered instance and how its polls went."""

    trigger: str
    instance: str
    connection: str
    inputs: dict[str, Any]
    every: float
    webhook: Webhook | None = None
    polls: int = 0
    delivered: int = 0
    pending: int = 0
    last_poll: float | None = None  # epoch seconds of the last poll that finished
    last_error: str | None = None
    due: float = field(default_factory=time.monotonic)

    def to_dict(self) -> dict[str, Any]:
        return {"trigger": self.trigger, "instance": self.instance,
                "connection": self.connection, "inputs": self.inputs, "every": self.every,
                "webhook": shown(self.webhook.url) if self.webhook else None,
                "polls": self.polls, "delivered": self.delivered, "pending": self.pending,
                "lastPoll": self.last_poll, "lastError": self.last_error}


class Scheduler:
    """Registered instances and the thread that polls them (started by the first one)."""

    def __init__(self, connector: Connector, connections: Mapping[str, Mapping[str, Any]], *,
                 state: StateStore | str | Path | None = None, tick: float = TICK,
                 send: Callable[[str, str], None] | None = None) -> None:
        """`send(trigger, instance)`, when given, puts each due poll on a work queue instead
        of polling here (the registration goes to the state store, the message names it)."""
        self.connector, self.connections, self.state = connector, connections, state
        self.send = send
        self._tick = tick
        self._instances: dict[tuple[str, str], Instance] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._http = requests.Session()

    def put(self, instance: Instance) -> Instance:
        """Register (or replace) an instance, after checking its trigger, inputs and
        connection; it is due at once."""
        poller.resolve(self.connector, instance.trigger, instance.inputs)
        if instance.connection not in self.connections:
            raise UnknownKey(f"no connection named {instance.connection!r}")
        with self._lock:
            self._instances[(instance.trigger, instance.instance)] = instance
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="trigger-scheduler",
                                                daemon=True)
                self._thread.start()
        return instance

    def remove(self, trigger: str, instance: str) -> bool:
        """Stop polling an instance; its cursor and pending events stay in the state."""
        with self._lock:
            return self._instances.pop((trigger, instance), None) is not None

    def instances(self, trigger: str | None = None) -> list[Instance]:
        with self._lock:
            return [i for i in self._instances.values() if trigger in (None, i.trigger)]

    def run_due(self) -> int:
        """Poll every instance that is due; how many were polled."""
        now = time.monotonic()
        due = [i for i in self.instances() if i.due <= now]
        for instance in due:
            if self._stop.is_set():
                break
            self._poll(instance)
        return len(due)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._http.close()

    def _run(self) -> None:
        while not self._stop.wait(self._tick):
            self.run_due()

    def _poll(self, instance: Instance) -> None:
        try:
            if self.send is not None:  # on a work queue: a worker polls (connector.worker)
                store_registration(self.connector.coordination.state, instance)
                self.send(instance.trigger, instance.instance)
                more = False
            else:
                delivered, pending, more = poll_and_deliver(
                    self.connector, instance, self.connections[instance.connection],
                    self._http, self.state)
                instance.delivered += delivered
                instance.pending = pending
            instance.last_error = None
        except ConnectorError as exc:
            instance.last_error = self.connector.redact(exc.message)
            log.warning("trigger %s instance %s: %s", instance.trigger, instance.instance,
                        instance.last_error)
            more = False
        instance.polls += 1
        instance.last_poll = time.time()
        # A backlog that is being delivered drains at once; otherwise wait the interval.
        instance.due = time.monotonic() + (0 if more else instance.every)


def poll_and_deliver(connector: Connector, instance: Instance,
                     connection: Mapping[str, Any], http: requests.Session,
                     state: StateStore | str | Path | None = None,
                     wait: float = poller.LEASE_WAIT) -> tuple[int, int, bool]:
    """One recurrence of an instance, its events delivered to its webhook (if any) and those
    delivered acknowledged: (delivered, still pending, more to drain now). Idempotent: a
    poll is fenced and single-flight, and an event is delivered until acknowledged, always
    with the same id as its Idempotency-Key."""
    result = connector.poll(instance.trigger, instance.inputs, connection,
                            instance=instance.instance, wait=wait,
                            **({"state": state} if state is not None else {}))
    delivered: list[str] = []
    if instance.webhook is not None and result.events:
        delivered = instance.webhook.deliver(instance.trigger, instance.instance,
                                             result.events, http)
        if delivered:
            _, feed, _ = poller.decode_token(result.ack_token or "")
            connector.ack(poller.encode_token(instance.trigger, feed, delivered),
                          **({"state": state} if state is not None else {}))
    more = result.more and len(delivered) == len(result.events)
    return len(delivered), len(result.events) - len(delivered), more


def registration_key(trigger: str, instance: str) -> str:
    return f"trigger-instance:{trigger}:{instance}"


def store_registration(state: StateStore, instance: Instance) -> None:
    """An instance as a worker needs it, in the state store (encrypted with the state key):
    the work queue's message names it, never carries its inputs or webhook."""
    key = registration_key(instance.trigger, instance.instance)
    state.open_run(key, {"trigger": instance.trigger})
    state.record(key, 0, {"instance": instance.instance, "connection": instance.connection,
                          "inputs": instance.inputs, "every": instance.every,
                          "webhook": instance.webhook.url if instance.webhook else None})


def load_registration(state: StateStore, trigger: str, instance: str) -> Instance:
    entries = dict(state.entries(registration_key(trigger, instance)))
    if 0 not in entries:
        raise UnknownKey(f"no registered instance {instance!r} of trigger {trigger!r}")
    stored = entries[0]
    return Instance(trigger, stored["instance"], stored["connection"], stored["inputs"],
                    stored["every"], Webhook(stored["webhook"]) if stored["webhook"] else None)
