"""Connecting to Redis with deadlines, and reporting its failures as data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis

from connector.coordination.errors import BackendUnavailable, ConfigurationError

#: Deadlines for connecting and for each answer. Blocking waits (BLPOP) stay well below.
CONNECT_TIMEOUT = 5.0
ANSWER_TIMEOUT = 10.0


def connect(url: str, setting: str, shown: str) -> redis.Redis:
    """A client for `url` that answered PING; errors name the setting and the URL as shown
    (without its password)."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT,
                                      socket_timeout=ANSWER_TIMEOUT, health_check_interval=30)
    except ValueError as exc:
        raise ConfigurationError(f"{setting}: {shown} is not a Redis URL ({exc})") from None
    try:
        client.ping()
    except redis.AuthenticationError:
        client.close()
        raise ConfigurationError(f"{setting}: Redis at {shown} refused the credentials") \
            from None
    except redis.RedisError as exc:
        client.close()
        raise ConfigurationError(
            f"{setting}: cannot reach Redis at {shown} ({type(exc).__name__})") from None
    return client


@contextmanager
def answering(what: str) -> Iterator[None]:
    """Turns a Redis failure into BackendUnavailable naming what could not be done."""
    try:
        yield
    except redis.RedisError as exc:
        raise BackendUnavailable(f"Redis did not answer ({type(exc).__name__}): "
                                 f"{what}") from None
