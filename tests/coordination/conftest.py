"""Real Redis and PostgreSQL for the coordination tests (see tests/servers.py), and the state
stores to run one contract against."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from children import open_store

from connector.coordination.state import SQLStateStore


@pytest.fixture()
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, socket_timeout=10)
    yield client
    client.close()


@pytest.fixture(params=["sqlite", "postgres"])
def state_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a state store lives: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    return request.getfixturevalue("postgres_url")


@pytest.fixture()
def store(state_location: str) -> Iterator[SQLStateStore]:
    opened = open_store(state_location)
    yield opened
    opened.close()
