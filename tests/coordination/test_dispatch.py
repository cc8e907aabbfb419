"""Dramatiq on a real redis-server with the connector's tuned broker: a worker killed with
SIGKILL mid-message loses nothing, another worker runs the message again within seconds, and
the application sees it completed once; a live worker's long message is not handed out twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from children import DEADLINE
from dramatiq import Message
from servers import kill

from connector.coordination import ConfigurationError
from connector.coordination.dispatch import redis_broker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HEARTBEAT = 2.0


@pytest.fixture()
def start_worker(redis_url: str) -> Iterator[Callable[[], subprocess.Popen]]:
    """Starts `dramatiq dramatiq_app` processes (one process, two threads each)."""
    started: list[subprocess.Popen] = []
    env = {**os.environ, "CONNECTOR_TEST_REDIS": redis_url,
           "CONNECTOR_TEST_HEARTBEAT": str(HEARTBEAT),
           "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}

    def start() -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-m", "dramatiq", "dramatiq_app", "--processes", "1",
             "--threads", "2"], env=env, cwd=HERE, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        kill(worker)


def wait_for(what: str, ready: Callable[[], bool]) -> None:
    end = time.monotonic() + DEADLINE
    while not ready():
        if time.monotonic() > end:
            pytest.fail(f"{what} did not happen within {DEADLINE:g} s")
        time.sleep(0.05)


def enqueue(redis_url: str, job: str, seconds: float) -> None:
    """Send `settle(job, seconds)` as a producer would, without the worker's module."""
    broker = redis_broker(redis_url, heartbeat_timeout=HEARTBEAT)
    broker.enqueue(Message(queue_name="default", actor_name="settle", args=(job, seconds),
                           kwargs={}, options={}, message_id=job,
                           message_timestamp=int(time.time() * 1000)))
    broker.client.close()


def test_a_message_whose_worker_was_killed_runs_again_and_completes_once(
        redis_url: str, redis_client: redis.Redis, start_worker, record_property) -> None:
    first = start_worker()
    enqueue(redis_url, "job-1", 1.5)
    wait_for("the first start", lambda: redis_client.llen("started:job-1") == 1)
    kill(first)  # mid-message: it works 1.5 s before its effect
    killed = time.time()
    start_worker()
    wait_for("the effect", lambda: redis_client.get("done:job-1") is not None)
    starts = [entry.decode().split() for entry in redis_client.lrange("started:job-1", 0, -1)]
    assert len(starts) == 2 and starts[0][0] != starts[1][0]  # two processes ran it
    assert redis_client.lrange("effects", 0, -1) == [b"job-1"]
    record_property("redelivered_after_kill_s", round(float(starts[1][1]) - killed, 2))
    # Acknowledged: the message is gone, and maintenance only requeues messages it holds.
    wait_for("the ack", lambda: redis_client.hlen("connector-dramatiq:default.msgs") == 0)


def test_a_live_workers_long_message_is_not_handed_out_again(
        redis_url: str, redis_client: redis.Redis, start_worker) -> None:
    start_worker()
    enqueue(redis_url, "job-long", HEARTBEAT * 2 + 0.5)
    wait_for("the start", lambda: redis_client.llen("started:job-long") == 1)
    start_worker()  # polls the queue and runs maintenance the whole time
    wait_for("the effect", lambda: redis_client.get("done:job-long") is not None)
    assert redis_client.llen("started:job-long") == 1
    assert redis_client.lrange("effects", 0, -1) == [b"job-long"]


def test_broker_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="heartbeat_timeout must be"):
        redis_broker("redis://127.0.0.1:1/0", heartbeat_timeout=0)
    with pytest.raises(ValueError, match="maintenance must be a fraction"):
        redis_broker("redis://127.0.0.1:1/0", maintenance=2)
    with pytest.raises(ConfigurationError, match="is not a Redis URL") as wrong:
        redis_broker("http://user:hunter2@example.com/")
    assert "hunter2" not in wrong.value.message
