"""Scaled out, a trigger runs the same way: its state in PostgreSQL and its lease in Redis when
CONNECTOR_STATE and CONNECTOR_COORDINATOR say so (real servers on loopback); one poller at a
time per feed."""

from __future__ import annotations

import threading

import pytest
import redis
from cryptography.fernet import Fernet
from trigger_support import T0, TRIGGER

from connector.coordination.config import Settings, build
from connector.coordination.errors import LeaseBusy
from connector.coordination.redis_coordinator import RedisCoordinator
from connector.core import load_connector
from connector.triggers.poller import connection_identity, resolve

VENDOR = {"resourceType": "VENDOR"}


@pytest.fixture
def scaled_out(redis_url, postgres_url):
    """A connector whose coordination is Redis and PostgreSQL, as CONNECTOR_* would make it."""
    coordination = build(Settings(coordinator=redis_url, state=postgres_url,
                                  session_key=Fernet.generate_key().decode()))
    connector = load_connector(coordination=coordination)
    yield connector, redis_url
    connector.close()
    coordination.close()


def test_a_feed_in_postgresql_with_its_lease_in_redis(gateway, writer, scaled_out):
    connector, _ = scaled_out
    assert connector.poll(TRIGGER, VENDOR, gateway.connection).baseline
    key = writer.at(T0).create("Scaled out")
    result = connector.poll(TRIGGER, VENDOR, gateway.connection)
    assert [e.record["RECORDNO"] for e in result.events] == [key]
    assert connector.ack(result.ack_token) == 1
    assert connector.poll(TRIGGER, VENDOR, gateway.connection).events == ()


def test_a_feed_another_poller_holds_is_not_polled_twice(gateway, scaled_out):
    connector, redis_url = scaled_out
    connector.poll(TRIGGER, VENDOR, gateway.connection)
    feed = resolve(connector, TRIGGER, VENDOR).feed(
        connection_identity(connector, gateway.connection), "default")
    coordinator = RedisCoordinator(redis.Redis.from_url(redis_url, socket_timeout=10))
    held, release = threading.Event(), threading.Event()

    def other_poller() -> None:
        with coordinator.lease(f"trigger:{feed}", 30):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=other_poller)
    thread.start()
    try:
        assert held.wait(10)
        gateway.stats.reset()
        with pytest.raises(LeaseBusy):
            connector.poll(TRIGGER, VENDOR, gateway.connection, wait=0.3)
        assert gateway.stats.snapshot()["requests"] == 0
    finally:
        release.set()
        thread.join(timeout=10)
        coordinator.close()
    assert not connector.poll(TRIGGER, VENDOR, gateway.connection).baseline
