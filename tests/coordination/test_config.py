"""Building the coordination layer from CONNECTOR_* settings: the zero-setup default, the shared
servers, and errors that name the setting without showing a password or a key."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from servers import free_port

from connector.coordination import (
    ConfigurationError,
    LocalCoordinator,
    LocalSessionCache,
    Settings,
    build,
)
from connector.coordination.postgres_state import PostgresStateStore
from connector.coordination.redis_coordinator import RedisCoordinator
from connector.coordination.redis_sessions import RedisSessionCache
from connector.coordination.sqlite_state import SQLiteStateStore

KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_with_nothing_set_everything_is_local_and_no_file_is_made(cache_home: Path) -> None:
    built = build(Settings.from_env({}))
    try:
        assert isinstance(built.coordinator, LocalCoordinator)
        assert isinstance(built.sessions, LocalSessionCache)
        assert not cache_home.exists()
        assert isinstance(built.state, SQLiteStateStore)  # made on first use
        assert (cache_home / "lowcode-connector" / "state.sqlite3").is_file()
        assert built.state is built.state
    finally:
        built.close()


def test_settings_come_from_the_environment_and_flags_win() -> None:
    env = {"CONNECTOR_COORDINATOR": "redis://a:6379/0", "CONNECTOR_STATE": "/tmp/s.sqlite3",
           "CONNECTOR_STATE_KEY": KEY, "CONNECTOR_SESSION_KEY": KEY}
    settings = Settings.from_env(env, state="postgresql://db/x", sessions=None)
    assert settings == Settings(coordinator="redis://a:6379/0", sessions=None,
                                session_key=KEY, state="postgresql://db/x", state_key=KEY)
    with pytest.raises(TypeError, match="unknown coordination settings: redis"):
        Settings.from_env({}, redis="x")


def test_settings_show_no_key_and_no_password() -> None:
    shown = repr(Settings(coordinator="redis://:hunter2@host:6379/0", session_key=KEY,
                          state="postgresql://u:pg-secret@db:5432/x", state_key=KEY))
    for secret in ("hunter2", "pg-secret", KEY):
        assert secret not in shown
    assert "redis://:***@host:6379/0" in shown and "<set>" in shown


def test_redis_for_everything(redis_url: str, tmp_path: Path) -> None:
    built = build(Settings(coordinator=redis_url, session_key=KEY,
                           state=str(tmp_path / "s.sqlite3")))
    try:
        assert isinstance(built.coordinator, RedisCoordinator)
        assert isinstance(built.sessions, RedisSessionCache)  # as the coordinator, by default
        assert isinstance(built.state, SQLiteStateStore)
        with built.coordinator.slot("acme", 2, wait=1, lease=5):
            pass
    finally:
        built.close()


def test_redis_slots_with_local_sessions_need_no_key(redis_url: str) -> None:
    built = build(Settings(coordinator=redis_url, sessions="local"))
    try:
        assert isinstance(built.sessions, LocalSessionCache)
    finally:
        built.close()


def test_redis_sessions_without_a_key_are_refused(redis_url: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        build(Settings(coordinator=redis_url))
    assert "CONNECTOR_COORDINATOR" in refused.value.message
    assert "CONNECTOR_SESSION_KEY" in refused.value.message
    with pytest.raises(ConfigurationError, match="CONNECTOR_SESSIONS puts sessions in Redis"):
        build(Settings(sessions=redis_url))


def test_a_key_that_is_not_a_fernet_key_is_named_not_shown(redis_url: str) -> None:
    wrong = "not-a-key-but-a-secret"
    with pytest.raises(ConfigurationError) as refused:
        build(Settings(sessions=redis_url, session_key=wrong))
    assert "CONNECTOR_SESSION_KEY is not a Fernet key" in refused.value.message
    assert wrong not in refused.value.message
    with pytest.raises(ConfigurationError, match="key 2 of CONNECTOR_STATE_KEY"):
        build(Settings(state_key=f"{KEY},{wrong}"))


def test_an_unreachable_redis_is_named_without_its_password() -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    with pytest.raises(ConfigurationError) as refused:
        build(Settings(coordinator=url))
    message = refused.value.message
    assert message.startswith("CONNECTOR_COORDINATOR: cannot reach Redis at")
    assert "hunter2" not in message and ":***@" in message


@pytest.mark.parametrize(("settings", "problem"), [
    (Settings(coordinator="memcached://x"), "CONNECTOR_COORDINATOR: expected 'local' or a "),
    (Settings(sessions="http://u:hunter2@x", session_key=KEY), "CONNECTOR_SESSIONS: expected"),
    (Settings(state="mysql://u:hunter2@db/x"), "CONNECTOR_STATE: expected a path, sqlite:///"),
])
def test_an_unknown_kind_of_url_is_named(settings: Settings, problem: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        build(settings)
    assert refused.value.message.startswith(problem)
    assert "hunter2" not in refused.value.message


def test_state_locations(tmp_path: Path, postgres_url: str) -> None:
    for location in (str(tmp_path / "a.sqlite3"), f"sqlite://{tmp_path / 'b.sqlite3'}"):
        built = build(Settings(state=location))
        assert isinstance(built.state, SQLiteStateStore)
        built.close()
    assert {p.name for p in tmp_path.iterdir()} >= {"a.sqlite3", "b.sqlite3"}
    built = build(Settings(state=postgres_url, state_key=KEY))
    try:
        assert isinstance(built.state, PostgresStateStore)
    finally:
        built.close()


def test_a_state_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, " * 100)
    with pytest.raises(ConfigurationError, match=f"CONNECTOR_STATE: cannot open the state at "
                                                 f"{path}: file is not a database"):
        build(Settings(state=str(path)))


def test_an_unreachable_postgres_is_named_without_its_password() -> None:
    url = f"postgresql://user:pg-secret@127.0.0.1:{free_port()}/x"
    with pytest.raises(ConfigurationError) as refused:
        build(Settings(state=url))
    message = refused.value.message
    assert message.startswith("CONNECTOR_STATE: cannot connect to the state at "
                              "postgresql://user:***@127.0.0.1:")
    assert "pg-secret" not in message


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "connector.coordination.redis_client", None)
    with pytest.raises(ConfigurationError, match=r"redis package is not installed: "
                                                 r"pip install 'lowcode-connector\[redis\]'"):
        build(Settings(coordinator="redis://127.0.0.1:6379/0"))
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(ConfigurationError, match=r"psycopg is not installed: "
                                                 r"pip install 'lowcode-connector\[postgres\]'"):
        build(Settings(state="postgresql://db/x"))
