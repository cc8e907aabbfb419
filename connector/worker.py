"""The Dramatiq worker: `connector worker` runs it; producers send it messages.

Messages name work, they never carry it: a bulk batch is (run id, first, last) of a run kept in
the state store, a trigger poll is (trigger, instance) of a registration kept there
(connector.dispatch). The broker is Redis at `CONNECTOR_BROKER`, tuned so that a
killed worker's messages run again within seconds (connector.coordination.dispatch); the worker
shares slots, sessions and state with every other process through the CONNECTOR_* settings.
"""

from __future__ import annotations

import functools
import os

import dramatiq

from connector import dispatch
from connector.coordination.dispatch import redis_broker
from connector.coordination.errors import ConfigurationError
from connector.core import Connector, load_connector
from connector.dispatch import BROKER_VARIABLE

QUEUE = "connector"


def broker_url() -> str:
    url = os.environ.get(BROKER_VARIABLE, "").strip()
    if not url:
        raise ConfigurationError(f"{BROKER_VARIABLE} is not set: name the Redis the workers "
                                 "take their messages from (a database of its own, e.g. "
                                 "redis://host:6379/1)")
    return url


dramatiq.set_broker(redis_broker(broker_url()))


@functools.cache
def worker_connector() -> Connector:
    """The connector a worker process runs (its plugins from entry points)."""
    return load_connector()


@dramatiq.actor(queue_name=QUEUE, max_retries=3, min_backoff=1000, time_limit=3_600_000)
def bulk_batch(run_id: str, first: int, last: int) -> None:
    """Records [first, last) of a stored bulk run (idempotent: see connector.dispatch)."""
    dispatch.run_batch(worker_connector(), run_id, first, last)


def send_bulk_batch(run_id: str, first: int, last: int) -> None:
    bulk_batch.send(run_id, first, last)


@dramatiq.actor(queue_name=QUEUE, max_retries=3, min_backoff=1000, time_limit=600_000)
def trigger_poll(trigger: str, instance: str) -> None:
    """One recurrence of a registered trigger instance, delivered to its webhook (idempotent:
    the poll is fenced and single-flight, events keep their ids until acknowledged)."""
    dispatch.poll_instance(worker_connector(), trigger, instance)


def send_trigger_poll(trigger: str, instance: str) -> None:
    trigger_poll.send(trigger, instance)
