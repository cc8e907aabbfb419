"""The StateStore contract, run against a SQLite file and a real PostgreSQL server: trigger feeds
(fenced commits, exactly-once events, acknowledgements) and bulk runs; encryption at rest; and
two writers with different fences on one feed from two processes."""

from __future__ import annotations

import os
import sqlite3
import stat
import uuid
from pathlib import Path

import psycopg
import pytest
from children import SPAWN, open_store, open_when_told, run_processes, write_polls
from cryptography.fernet import Fernet
from servers import PostgresServer

from connector.coordination import ConfigurationError, Cursor, Event, StaleFence, feed_key
from connector.coordination import state as state_module
from connector.coordination.encryption import Cipher
from connector.coordination.sqlite_state import SQLiteStateStore, default_state_path
from connector.coordination.state import TABLES, SQLStateStore

FEED = feed_key("vendorChanged", "company-1/user-1", {"since": "2024-01-01"})


def event(number: int, position: str | None = None) -> Event:
    return Event(f"VENDOR-{number}", position or f"2024-01-01T00:00:{number:02d}",
                 {"RECORDNO": str(number), "NAME": f"Vendor {number}"})


def stored_rows(location: str) -> list[tuple]:
    """Every row of every table, read straight from the database."""
    if location.startswith("postgresql://"):
        with psycopg.connect(location) as db:
            return [row for table in TABLES for row in db.execute(f"SELECT * FROM {table}")]
    with sqlite3.connect(location) as db:
        return [row for table in TABLES for row in db.execute(f"SELECT * FROM {table}")]


# -- feeds ------------------------------------------------------------------------------------


def test_a_poll_stores_its_cursor_and_only_unseen_events(store: SQLStateStore) -> None:
    assert store.load_cursor(FEED) is None
    first = store.commit_poll(FEED, 5, {"since": "00:02"}, [event(1), event(2)])
    assert first == [event(1), event(2)]
    assert store.load_cursor(FEED) == Cursor({"since": "00:02"}, 5)
    # The next poll overlaps the last one: the events seen already are not inserted again,
    # and an id repeated within one poll counts once.
    second = store.commit_poll(FEED, 5, {"since": "00:03"}, [event(2), event(3), event(3)])
    assert second == [event(3)]
    assert store.pending(FEED, 10) == [event(1), event(2), event(3)]
    assert store.load_cursor(FEED) == Cursor({"since": "00:03"}, 5)


def test_feeds_are_separate(store: SQLStateStore) -> None:
    other = feed_key("vendorChanged", "company-2/user-1", {"since": "2024-01-01"})
    store.commit_poll(FEED, 1, "a", [event(1)])
    assert store.commit_poll(other, 1, "b", [event(1)]) == [event(1)]
    assert store.load_cursor(other) == Cursor("b", 1)
    assert store.pending(FEED, 10) == [event(1)]


def test_a_stale_fence_changes_nothing(store: SQLStateStore) -> None:
    store.commit_poll(FEED, 7, {"since": "00:01"}, [event(1)])
    with pytest.raises(StaleFence) as refused:
        store.commit_poll(FEED, 6, {"since": "99:99"}, [event(2)])
    assert refused.value.fence == 6 and refused.value.current == 7
    assert store.load_cursor(FEED) == Cursor({"since": "00:01"}, 7)
    assert store.pending(FEED, 10) == [event(1)]
    # A newer holder takes over; the one before it is refused from then on.
    store.commit_poll(FEED, 8, {"since": "00:02"}, [event(2)])
    with pytest.raises(StaleFence):
        store.commit_poll(FEED, 7, {"since": "00:03"}, [])
    assert store.load_cursor(FEED) == Cursor({"since": "00:02"}, 8)


def test_events_stay_pending_until_acknowledged(store: SQLStateStore) -> None:
    store.commit_poll(FEED, 1, "c", [event(n) for n in range(1, 6)])
    assert store.pending(FEED, 2) == [event(1), event(2)]
    assert store.ack(FEED, ["VENDOR-1", "VENDOR-2", "VENDOR-2", "unknown"]) == 2
    assert store.ack(FEED, ["VENDOR-1"]) == 0  # acknowledging twice is harmless
    assert store.pending(FEED, 10) == [event(3), event(4), event(5)]
    # An acknowledged event is still seen: polled again, it is not delivered again.
    assert store.commit_poll(FEED, 1, "c", [event(1), event(6)]) == [event(6)]


def test_many_acknowledgements_at_once(store: SQLStateStore) -> None:
    events = [event(n, f"p{n:05d}") for n in range(1200)]
    store.commit_poll(FEED, 1, "c", events)
    assert store.ack(FEED, (e.id for e in events[:1100])) == 1100
    assert store.pending(FEED, 1000) == events[1100:]


def test_prune_forgets_only_acknowledged_events_before_the_window(store: SQLStateStore) -> None:
    store.commit_poll(FEED, 1, "c", [event(1, "2024-01-01T10:00"), event(2, "2024-01-01T11:00"),
                                    event(3, "2024-01-01T09:00")])
    store.ack(FEED, ["VENDOR-1", "VENDOR-2"])
    assert store.prune(FEED, "2024-01-01T10:30") == 1  # VENDOR-1; VENDOR-3 is not acked
    assert store.pending(FEED, 10) == [event(3, "2024-01-01T09:00")]
    # Forgotten, VENDOR-1 would be new again; VENDOR-2 (inside the window) is still seen.
    assert store.commit_poll(FEED, 1, "c", [event(1, "2024-01-01T10:00"),
                                           event(2, "2024-01-01T11:00")]) == \
        [event(1, "2024-01-01T10:00")]


def test_positions_sort_as_text_by_code_point(store: SQLStateStore) -> None:
    # Under a language collation "a-2" and "a2" could sort either way; here they sort by code.
    store.commit_poll(FEED, 1, "c", [Event("x", "a-2", {}), Event("y", "a2", {})])
    store.ack(FEED, ["x", "y"])
    assert store.prune(FEED, "a0") == 1  # "a-2" < "a0" < "a2"


def test_reset_forgets_the_feed_but_keeps_its_fence(store: SQLStateStore) -> None:
    store.commit_poll(FEED, 9, "c", [event(1)])
    store.reset(FEED)
    assert store.load_cursor(FEED) is None
    assert store.pending(FEED, 10) == []
    with pytest.raises(StaleFence):
        store.commit_poll(FEED, 8, "old holder", [event(1)])
    assert store.commit_poll(FEED, 9, "c", [event(1)]) == [event(1)]


@pytest.mark.parametrize(("call", "problem"), [
    (lambda s: s.commit_poll("", 1, "c", []), "feed must be a non-empty string"),
    (lambda s: s.commit_poll(FEED, 0, "c", []), "fence must be an integer of at least 1"),
    (lambda s: s.commit_poll(FEED, True, "c", []), "fence must be an integer"),
    (lambda s: s.commit_poll(FEED, 1, {"at": float("nan")}, []), "cursor is not JSON"),
    (lambda s: s.commit_poll(FEED, 1, "c", [Event("", "p", {})]), "event 0 id must be"),
    (lambda s: s.commit_poll(FEED, 1, "c", [event(1), {"id": "x"}]), "event 1 must be an Event"),
    (lambda s: s.commit_poll(FEED, 1, "c", [Event("a", "p", {1, 2})]),
     "event 'a' payload is not JSON"),
    (lambda s: s.pending(FEED, 0), "limit must be an integer of at least 1"),
    (lambda s: s.ack(FEED, [1]), "event id must be a non-empty string"),
    (lambda s: s.open_run("r", ["not", "an object"]), "run header must be a JSON object"),
    (lambda s: s.record("never-opened", 0, {}), "run 'never-opened' was not opened"),
    (lambda s: s.record("r", -1, {}), "index must be an integer of at least 0"),
])
def test_bad_arguments_are_refused_before_anything_is_written(store: SQLStateStore, call,
                                                              problem: str) -> None:
    store.commit_poll(FEED, 1, "kept", [event(1)])
    with pytest.raises(ValueError, match=problem):
        call(store)
    assert store.load_cursor(FEED) == Cursor("kept", 1)
    assert store.pending(FEED, 10) == [event(1)]


def test_two_processes_with_different_fences_on_one_feed(state_location: str,
                                                        record_property) -> None:
    open_store(state_location).close()  # the tables exist before the race
    go, older_wrote, newer_wrote = SPAWN.Event(), SPAWN.Event(), SPAWN.Event()
    older, newer = run_processes([
        (write_polls, (state_location, FEED, 10, "older", 100_000, go, older_wrote)),
        (write_polls, (state_location, FEED, 20, "newer", 30, older_wrote, newer_wrote)),
    ], before_join=go.set)
    record_property("older_polls_kept", older["written"])
    assert older["written"] >= 5 and older["refused_by"] == 20
    assert newer == {"written": 30, "refused_by": None}
    store = open_store(state_location)
    try:
        assert store.load_cursor(FEED) == Cursor({"writer": "newer", "poll": 29}, 20)
        delivered = [e.id for e in store.pending(FEED, 100_000)]
    finally:
        store.close()
    # Nothing the older writer sent after the newer one's first commit was kept, nothing was
    # lost, and the id both sent was inserted once.
    shared_by = [e for e in delivered if e == "shared"]
    older_ids = [f"older-{n}" for n in range(older["written"])]
    newer_ids = [f"newer-{n}" for n in range(30)]
    assert len(shared_by) == 1
    assert [e for e in delivered if e != "shared"] == older_ids + newer_ids


# -- bulk runs --------------------------------------------------------------------------------


def test_a_run_keeps_its_header_and_its_entries_by_index(store: SQLStateStore) -> None:
    header = {"action": "createVendor", "records": 3}
    assert store.open_run("run-1", header) == header
    # Opened again (a resume), it is the stored header that comes back.
    assert store.open_run("run-1", {"action": "somethingElse"}) == header
    store.record("run-1", 2, {"index": 2, "status": "success", "data": {"RECORDNO": "12"}})
    store.record("run-1", 0, {"index": 0, "status": "error", "error": {"message": "dup"}})
    store.record("run-1", 0, {"index": 0, "status": "success", "data": {}})  # replaces
    assert list(store.entries("run-1")) == [
        (0, {"index": 0, "status": "success", "data": {}}),
        (2, {"index": 2, "status": "success", "data": {"RECORDNO": "12"}}),
    ]
    assert list(store.entries("run-2")) == []


def test_entries_are_read_a_page_at_a_time(store: SQLStateStore,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "_ENTRY_PAGE", 3)
    store.open_run("run-1", {})
    for index in range(8):
        store.record("run-1", index, {"n": index})
    assert list(store.entries("run-1")) == [(n, {"n": n}) for n in range(8)]


# -- encryption and the file ------------------------------------------------------------------


def test_with_a_state_key_no_payload_is_readable_at_rest(state_location: str) -> None:
    cipher = Cipher(Fernet.generate_key().decode(), "CONNECTOR_STATE_KEY")
    store = open_store(state_location, cipher)
    try:
        store.commit_poll(FEED, 1, {"since": "cursor-secret"}, [
            Event("VENDOR-1", "p1", {"TAXID": "tax-secret-123"})])
        store.open_run("run-1", {"action": "header-secret"})
        store.record("run-1", 0, {"data": "entry-secret"})
        assert store.pending(FEED, 1)[0].payload == {"TAXID": "tax-secret-123"}
        assert store.load_cursor(FEED) == Cursor({"since": "cursor-secret"}, 1)
        assert list(store.entries("run-1")) == [(0, {"data": "entry-secret"})]
    finally:
        store.close()
    raw = repr(stored_rows(state_location))
    for secret in ("cursor-secret", "tax-secret-123", "header-secret", "entry-secret"):
        assert secret not in raw
    assert "VENDOR-1" in raw  # ids and positions stay plain: they are what is compared


def test_the_state_key_must_match_the_state(state_location: str) -> None:
    key = Fernet.generate_key().decode()
    open_store(state_location, Cipher(key, "CONNECTOR_STATE_KEY")).close()
    with pytest.raises(ConfigurationError, match="is encrypted: set CONNECTOR_STATE_KEY"):
        open_store(state_location)
    other = Cipher(Fernet.generate_key().decode(), "CONNECTOR_STATE_KEY")
    with pytest.raises(ConfigurationError, match="CONNECTOR_STATE_KEY does not decrypt"):
        open_store(state_location, other)
    # A rotated key list that still holds the old key opens it.
    rotated = Cipher(f"{Fernet.generate_key().decode()},{key}", "CONNECTOR_STATE_KEY")
    open_store(state_location, rotated).close()


def test_a_plain_state_refuses_a_key(state_location: str) -> None:
    open_store(state_location).close()
    with pytest.raises(ConfigurationError, match="created without CONNECTOR_STATE_KEY"):
        open_store(state_location, Cipher(Fernet.generate_key().decode(), "K"))


def test_a_worker_that_may_not_create_tables_uses_those_made_for_it(
        postgres_server: PostgresServer, postgres_url: str) -> None:
    open_store(postgres_url).close()  # as the owner: the tables are made
    role = f"worker_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_url, autocommit=True) as owner:
        owner.execute(f"CREATE ROLE {role} LOGIN")
        owner.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                      f"TO {role}")
        owner.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
        assert not owner.execute(
            f"SELECT has_schema_privilege('{role}', 'public', 'CREATE')").fetchone()[0]
    as_worker = postgres_url.replace(f"{postgres_server.superuser}@", f"{role}@")
    store = open_store(as_worker)
    try:
        assert store.commit_poll(FEED, 1, "c", [event(1)]) == [event(1)]
    finally:
        store.close()


def test_the_sqlite_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite3"
    store = SQLiteStateStore(path)
    try:
        store.commit_poll(FEED, 1, "c", [event(1)])
        created = [p for p in path.parent.iterdir()]
        assert {p.name for p in created} >= {"state.sqlite3", "state.sqlite3-wal"}
        for file in created:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        store.close()


def test_an_existing_sqlite_file_open_to_others_is_made_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    SQLiteStateStore(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_default_file_is_in_the_cache_directory(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_state_path() == tmp_path / "lowcode-connector" / "state.sqlite3"
    SQLiteStateStore().close()
    assert (tmp_path / "lowcode-connector" / "state.sqlite3").is_file()


def test_a_feed_key_reveals_neither_identity_nor_inputs() -> None:
    key = feed_key("vendorChanged", "company-1/user-1", {"query": "NAME = 'secret'"})
    assert key.startswith("vendorChanged:")
    assert "company-1" not in key and "secret" not in key
    assert key == feed_key("vendorChanged", "company-1/user-1", {"query": "NAME = 'secret'"})
    assert key != feed_key("vendorChanged", "company-1/user-1", {"query": "NAME = 'other'"})


@pytest.mark.parametrize("attempt", range(3))
def test_processes_opening_a_new_state_file_at_once_all_open_it(tmp_path, attempt) -> None:
    location = str(tmp_path / "state.sqlite3")
    go = SPAWN.Event()
    opened = run_processes([(open_when_told, (location, go))] * 8, before_join=go.set)
    assert opened == ["opened"] * 8
