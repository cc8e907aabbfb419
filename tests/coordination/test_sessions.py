"""The SessionCache contract, in memory and on a real redis-server; one sign-in for many workers
from cold; and no session id readable anywhere in Redis."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
import redis
from children import DEADLINE, SPAWN, cold_sign_in, run_processes
from cryptography.fernet import Fernet

from connector.coordination import (
    CachedSession,
    ConfigurationError,
    LocalCoordinator,
    LocalSessionCache,
    SessionCache,
    get_or_sign_in,
)
from connector.coordination.encryption import Cipher
from connector.coordination.redis_coordinator import RedisCoordinator
from connector.coordination.redis_sessions import RedisSessionCache

KEY = Fernet.generate_key().decode()
SOON = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30)


def session(name: str = "s1", expires: dt.datetime = SOON) -> CachedSession:
    return CachedSession(f"session-id-{name}-7f3a9c", "https://na.intacct.com/ia/xml", expires)


def expiring_in(seconds: float, name: str = "s1") -> CachedSession:
    return session(name, dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds))


@pytest.fixture(params=["local", "redis"])
def cache(request: pytest.FixtureRequest) -> Iterator[SessionCache]:
    if request.param == "local":
        made: SessionCache = LocalSessionCache()
    else:
        url = request.getfixturevalue("redis_url")
        made = RedisSessionCache(redis.Redis.from_url(url, socket_timeout=10),
                                 Cipher(KEY, "CONNECTOR_SESSION_KEY"))
    yield made
    made.close()


def test_a_session_put_is_got_back_whole(cache: SessionCache) -> None:
    kept = session()
    assert cache.get("conn-1") is None
    cache.put("conn-1", kept, ttl=60)
    assert cache.get("conn-1") == kept
    assert cache.get("conn-2") is None


def test_a_session_is_dropped_at_its_ttl_and_never_kept_past_its_expiry(
        cache: SessionCache) -> None:
    cache.put("by-ttl", session(), ttl=1.0)
    cache.put("by-expiry", expiring_in(1.0), ttl=3600)
    assert cache.get("by-ttl") is not None and cache.get("by-expiry") is not None
    time.sleep(1.2)
    assert cache.get("by-ttl") is None and cache.get("by-expiry") is None
    cache.put("expired", expiring_in(-60), ttl=3600)  # expired already: not kept at all
    assert cache.get("expired") is None


def test_invalidation_drops_only_the_session_that_failed(cache: SessionCache) -> None:
    cache.put("conn-1", session("old"), ttl=60)
    cache.put("conn-1", session("new"), ttl=60)  # a faster worker signed in again
    assert cache.invalidate("conn-1", session("old").id) is False
    assert cache.get("conn-1") == session("new")
    assert cache.invalidate("conn-1", session("new").id) is True
    assert cache.get("conn-1") is None
    assert cache.invalidate("conn-1", session("new").id) is False


def test_a_session_id_is_kept_out_of_repr() -> None:
    assert "session-id" not in repr(session())


def test_bad_keys_and_expiries_are_refused(cache: SessionCache) -> None:
    with pytest.raises(ValueError, match="session key must be a non-empty string"):
        cache.get("")
    naive = CachedSession("id", "https://x", dt.datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        cache.put("conn-1", naive, ttl=60)


@pytest.fixture(params=["local", "redis"])
def shared(request: pytest.FixtureRequest) -> Iterator[tuple]:
    """A session cache and the coordinator that makes its sign-ins single-flight."""
    if request.param == "local":
        yield LocalSessionCache(), LocalCoordinator()
        return
    url = request.getfixturevalue("redis_url")
    cache = RedisSessionCache(redis.Redis.from_url(url), Cipher(KEY, "CONNECTOR_SESSION_KEY"))
    coordinator = RedisCoordinator(redis.Redis.from_url(url, socket_timeout=10))
    yield cache, coordinator
    cache.close()
    coordinator.close()


def test_threads_from_cold_sign_in_once(shared: tuple) -> None:
    cache, coordinator = shared
    sign_ins = []

    def sign_in() -> CachedSession:
        sign_ins.append(1)
        time.sleep(0.2)
        return session(f"n{len(sign_ins)}")

    got = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait(DEADLINE)
        got.append(get_or_sign_in(cache, coordinator, "conn-1", sign_in, margin=60,
                                  max_age=3600, wait=DEADLINE))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert len(sign_ins) == 1
    assert got == [session("n1")] * 8


def test_a_session_is_kept_until_the_margin_before_its_expiry(shared: tuple) -> None:
    cache, coordinator = shared
    made = expiring_in(61.0)  # margin 60 s
    assert get_or_sign_in(cache, coordinator, "conn-1", lambda: made, margin=60,
                          max_age=3600, wait=1) == made
    assert cache.get("conn-1") == made
    time.sleep(1.2)
    assert cache.get("conn-1") is None
    # Within the margin already: used once, not kept.
    short = expiring_in(30, "short")
    assert get_or_sign_in(cache, coordinator, "conn-2", lambda: short, margin=60,
                          max_age=3600, wait=1) == short
    assert cache.get("conn-2") is None


def test_a_waiter_signs_in_itself_when_the_signer_hangs(shared: tuple) -> None:
    cache, coordinator = shared
    with coordinator.lease("sign-in:conn-1", ttl=5):  # a signer that never finishes
        asked = time.monotonic()
        got = get_or_sign_in(cache, coordinator, "conn-1", lambda: session("own"),
                             margin=60, max_age=3600, wait=0.3)
        assert time.monotonic() - asked >= 0.3
    assert got == session("own")
    assert cache.get("conn-1") == session("own")


def test_four_processes_from_cold_sign_in_once(redis_url: str,
                                                redis_client: redis.Redis) -> None:
    together = SPAWN.Barrier(4)
    ids = run_processes([(cold_sign_in, (redis_url, "conn-1", KEY, together))] * 4)
    assert redis_client.get("count:sign-ins") == b"1"
    assert len(set(ids)) == 1
    assert_nowhere_in_redis(redis_client, ids[0])


def assert_nowhere_in_redis(client: redis.Redis, secret: str) -> None:
    """Every key and every value of every type holds no trace of the secret."""
    needle = secret.encode()
    keys = list(client.scan_iter(count=1000))
    assert keys
    for key in keys:
        assert needle not in key
        for value in values_of(client, key):
            assert needle not in value, key


def values_of(client: redis.Redis, key: bytes) -> list[bytes]:
    kind = client.type(key).decode()
    if kind == "string":
        return [client.get(key)]
    if kind == "list":
        return client.lrange(key, 0, -1)
    if kind == "set":
        return list(client.smembers(key))
    if kind == "zset":
        return client.zrange(key, 0, -1)
    if kind == "hash":
        return [part for pair in client.hgetall(key).items() for part in pair]
    raise AssertionError(f"{key!r} is a {kind}, which this check cannot read")


def test_a_redis_session_cache_needs_a_key(redis_url: str) -> None:
    with pytest.raises(ConfigurationError, match="CONNECTOR_SESSION_KEY"):
        RedisSessionCache(redis.Redis.from_url(redis_url), None)  # type: ignore[arg-type]


def test_a_session_sealed_with_another_key_is_a_miss(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    writer = RedisSessionCache(client, Cipher(KEY, "CONNECTOR_SESSION_KEY"))
    writer.put("conn-1", session(), ttl=60)
    reader = RedisSessionCache(client, Cipher(Fernet.generate_key().decode(), "K"))
    assert reader.get("conn-1") is None
    assert reader.invalidate("conn-1", session().id) is False
    rotated = RedisSessionCache(client, Cipher(f"{Fernet.generate_key().decode()},{KEY}", "K"))
    assert rotated.get("conn-1") == session()
