"""A Dramatiq broker on Redis, tuned to hand a killed worker's message to another within
seconds.

Dramatiq's Redis broker keeps each fetched message in its worker's ack set until it is acked,
and records a heartbeat per worker process on every command that process sends (its consumers
poll at least every `dramatiq_worker_timeout`, 1 s by default, even while busy: the delay-queue
consumer never fills its prefetch). Maintenance, run by a live worker's command on a queue, puts
the unacked messages of workers silent for longer than `heartbeat_timeout` back on that queue.
Out of the box that is a 60 s silence and maintenance on 0.1 % of commands: a killed worker's
message waited minutes. Here a worker is dead after `heartbeat_timeout` (default 5 s) and every
command runs maintenance, so the message runs again about a poll interval after that.

Maintenance is cheap (two sorted-set range reads) except while a dead worker still has unacked
messages: it then lists its keys with KEYS. Give the broker a Redis database of its own (the
`/1` of `redis://host:6379/1`) so that such a scan never walks the coordinator's keys.

A message can still run twice (a worker silent for longer than the timeout yet alive), so the
work must be idempotent by its own id, as bulk records and trigger events are.
"""

from __future__ import annotations

from typing import Any

from connector.coordination.coordinator import check_seconds
from connector.coordination.errors import ConfigurationError
from connector.coordination.urls import shown

#: Dramatiq counts maintenance chances per million commands.
_PER_MILLION = 1_000_000


def redis_broker(url: str, *, heartbeat_timeout: float = 5.0, maintenance: float = 1.0,
                 namespace: str = "connector-dramatiq") -> Any:
    """A dramatiq RedisBroker for `url`: a worker silent for `heartbeat_timeout` seconds is
    dead, and a `maintenance` fraction of commands (all, by default) requeues dead workers'
    messages.

    Keep `heartbeat_timeout` several times the workers' poll interval (1 s): below that, a
    live but busy worker's messages would be handed out again.
    """
    check_seconds("heartbeat_timeout", heartbeat_timeout)
    if not isinstance(maintenance, (int, float)) or not 0 < maintenance <= 1:
        raise ValueError(f"maintenance must be a fraction in (0, 1], not {maintenance!r}")
    try:
        import redis
        from dramatiq.brokers.redis import RedisBroker

        from connector.coordination.redis_client import ANSWER_TIMEOUT, CONNECT_TIMEOUT
    except ImportError:
        raise ConfigurationError("the Dramatiq broker needs its extra: "
                                 "pip install 'lowcode-connector[dramatiq]'") from None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT,
                                      socket_timeout=ANSWER_TIMEOUT)
    except ValueError as exc:
        raise ConfigurationError(f"{shown(url)} is not a Redis URL ({exc})") from None
    return RedisBroker(client=client, namespace=namespace,
                       heartbeat_timeout=int(heartbeat_timeout * 1000),
                       maintenance_chance=max(1, int(maintenance * _PER_MILLION)))
