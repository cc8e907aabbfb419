"""Unit tests of the parts that need no real server: lease renewal and Redis outages (on
fakeredis, whose server can be switched off), URLs in messages, and keys."""

from __future__ import annotations

import logging
import threading
import time

import fakeredis
import pytest
import servers
from cryptography.fernet import Fernet

from connector.coordination import BackendUnavailable, CachedSession, ConfigurationError
from connector.coordination.encryption import Cipher, DecryptionFailed
from connector.coordination.redis_coordinator import RedisCoordinator
from connector.coordination.redis_sessions import RedisSessionCache
from connector.coordination.renewal import Renewer
from connector.coordination.urls import scrub, shown


@pytest.fixture()
def server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


def client(server: fakeredis.FakeServer) -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis(server=server)


def wait_until(condition, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def test_a_held_lock_is_extended_before_its_lease_ends(server: fakeredis.FakeServer) -> None:
    renewer = Renewer()
    lock = client(server).lock("l", timeout=1.0, thread_local=False)
    assert lock.acquire(blocking=False)
    lost = threading.Event()
    number = renewer.hold(lock, 1.0, lost)
    time.sleep(2.5)  # two and a half leases
    assert client(server).get("l") is not None, "lapsed while held"
    assert not lost.is_set()
    renewer.drop(number)
    assert wait_until(lambda: client(server).get("l") is None), "still extended once dropped"
    renewer.close()


def test_a_lock_taken_over_is_lost(server: fakeredis.FakeServer,
                                   caplog: pytest.LogCaptureFixture) -> None:
    renewer = Renewer()
    lock = client(server).lock("l", timeout=0.3, thread_local=False)
    lock.acquire(blocking=False)
    lost = threading.Event()
    renewer.hold(lock, 0.3, lost)
    client(server).set("l", "another holder")
    assert wait_until(lost.is_set)
    assert "lost l: another holder has it" in caplog.text
    renewer.close()


def test_redis_down_for_less_than_the_lease_loses_nothing(server: fakeredis.FakeServer) -> None:
    renewer = Renewer()
    lock = client(server).lock("l", timeout=1.5, thread_local=False)
    lock.acquire(blocking=False)
    lost = threading.Event()
    renewer.hold(lock, 1.5, lost)
    server.connected = False
    time.sleep(0.8)  # a renewal fails in between
    server.connected = True
    time.sleep(0.8)
    assert not lost.is_set()
    renewer.close()


def test_redis_down_past_the_lease_loses_the_hold(server: fakeredis.FakeServer,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    renewer = Renewer()
    lock = client(server).lock("l", timeout=0.3, thread_local=False)
    lock.acquire(blocking=False)
    lost = threading.Event()
    renewer.hold(lock, 0.3, lost)
    server.connected = False
    assert wait_until(lost.is_set)
    assert "Redis did not answer" in caplog.text
    renewer.close()


def test_redis_down_before_a_slot_means_nothing_is_sent(server: fakeredis.FakeServer) -> None:
    coordinator = RedisCoordinator(client(server))
    server.connected = False
    with pytest.raises(BackendUnavailable, match="no slot or lease was taken"), \
            coordinator.slot("acme", 2, wait=1, lease=5):
        pytest.fail("a slot was taken without Redis")
    coordinator.close()


def test_redis_down_after_the_work_does_not_fail_it(server: fakeredis.FakeServer,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    coordinator = RedisCoordinator(client(server))
    with caplog.at_level(logging.WARNING), coordinator.slot("acme", 2, wait=1, lease=5):
        server.connected = False
    assert "could not release connector:slot:acme:" in caplog.text
    server.connected = True
    coordinator.close()


def test_invalidation_loses_the_race_to_a_new_session(server: fakeredis.FakeServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker replaces the session between another's read and its delete: the new one
    stays."""
    cipher = Cipher(Fernet.generate_key().decode(), "K")
    cache = RedisSessionCache(client(server), cipher)
    old = CachedSession("old-id", "https://x", None)
    new = CachedSession("new-id", "https://x", None)
    cache.put("c", old, 60)
    other = RedisSessionCache(client(server), cipher)
    real_open = cache._open
    raced = []

    def open_then_race(key, token):
        found = real_open(key, token)
        if not raced:
            raced.append(True)
            other.put("c", new, 60)
        return found

    monkeypatch.setattr(cache, "_open", open_then_race)
    assert cache.invalidate("c", "old-id") is False
    assert other.get("c") == new


def test_redis_down_for_the_session_cache_is_reported(server: fakeredis.FakeServer) -> None:
    cache = RedisSessionCache(client(server), Cipher(Fernet.generate_key().decode(), "K"))
    server.connected = False
    with pytest.raises(BackendUnavailable, match="no session was read"):
        cache.get("c")


def test_urls_are_shown_without_their_password() -> None:
    assert shown("redis://:hunter2@host:6379/0") == "redis://:***@host:6379/0"
    assert shown("postgresql://u:p%40ss@[::1]:5432/db") == "postgresql://u:***@[::1]:5432/db"
    assert shown("redis://host:6379/0") == "redis://host:6379/0"
    assert shown("redis://u:pw@host:notaport/0") == "<unparsable URL>"
    url = "postgresql://u:s3cret@db/x"
    assert scrub(f"cannot connect to {url}: s3cret refused", url) == \
        "cannot connect to postgresql://u:***@db/x: *** refused"


def test_a_cipher_decrypts_with_any_of_its_keys_and_names_its_setting() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = Cipher(old, "K").encrypt(b"data")
    assert Cipher(f"{new}, {old}", "K").decrypt(token) == b"data"
    with pytest.raises(DecryptionFailed):
        Cipher(new, "K").decrypt(token)
    with pytest.raises(ConfigurationError, match="CONNECTOR_X is empty"):
        Cipher(" , ", "CONNECTOR_X")
    assert old not in repr(Cipher(old, "K"))


def test_a_missing_server_binary_skips_unless_servers_are_required(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONNECTOR_REQUIRE_SERVERS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install redis-server"):
        servers.require("/nonexistent/redis-server", "redis-server")
    monkeypatch.setenv("CONNECTOR_REQUIRE_SERVERS", "1")
    with pytest.raises(pytest.fail.Exception, match="CONNECTOR_REQUIRE_SERVERS=1 but"):
        servers.require("/nonexistent/redis-server", "redis-server")
