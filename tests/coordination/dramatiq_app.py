"""The worker the Dramatiq tests start with the `dramatiq` command: the connector's tuned broker
on the test's redis-server, and one actor whose effect is idempotent by job id, as bulk records
and trigger events are."""

from __future__ import annotations

import os
import time

import dramatiq
import redis

from connector.coordination.dispatch import redis_broker

URL = os.environ["CONNECTOR_TEST_REDIS"]
broker = redis_broker(URL, heartbeat_timeout=float(os.environ["CONNECTOR_TEST_HEARTBEAT"]))
dramatiq.set_broker(broker)
journal = redis.Redis.from_url(URL, socket_timeout=10)


@dramatiq.actor(max_retries=0)
def settle(job: str, seconds: float) -> None:
    """Record each start (pid, time), work for `seconds`, then apply the effect once per job."""
    journal.rpush(f"started:{job}", f"{os.getpid()} {time.time()}")
    time.sleep(seconds)
    if journal.set(f"done:{job}", os.getpid(), nx=True):
        journal.rpush("effects", job)
