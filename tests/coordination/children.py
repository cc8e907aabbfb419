"""What the coordination tests run in other processes (spawned: each is a fresh interpreter,
as a worker on another host would be), and how they open a state store."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from connector.coordination.encryption import Cipher
from connector.coordination.errors import StaleFence
from connector.coordination.postgres_state import PostgresStateStore
from connector.coordination.redis_coordinator import RedisCoordinator
from connector.coordination.redis_sessions import RedisSessionCache
from connector.coordination.sessions import CachedSession, get_or_sign_in
from connector.coordination.sqlite_state import SQLiteStateStore
from connector.coordination.state import Event, SQLStateStore

DEADLINE = 30.0


SPAWN = multiprocessing.get_context("spawn")


def run_processes(calls: list[tuple[Callable[..., Any], tuple]], *, before_join=None) -> list:
    """Run each call in its own spawned process; return their results in order. Events
    among the arguments are shared. `before_join` runs once they are all started."""
    results = SPAWN.Queue()
    processes = [SPAWN.Process(target=_report, args=(results, number, target, args))
                 for number, (target, args) in enumerate(calls)]
    for process in processes:
        process.start()
    try:
        if before_join is not None:
            before_join()
        gathered = dict(results.get(timeout=DEADLINE * 2) for _ in processes)
    finally:
        for process in processes:
            process.join(DEADLINE)
            if process.is_alive():
                process.kill()
    failed = [value for value in gathered.values() if isinstance(value, BaseException)]
    if failed:
        raise failed[0]
    return [gathered[number] for number in range(len(calls))]


def _report(results: Any, number: int, target: Callable[..., Any], args: tuple) -> None:
    try:
        results.put((number, target(*args)))
    except BaseException as exc:  # handed to the test, which raises it
        results.put((number, RuntimeError(f"{target.__name__} failed: {exc!r}")))


def open_store(location: str, cipher: Cipher | None = None) -> SQLStateStore:
    if location.startswith("postgresql://"):
        return PostgresStateStore(location, cipher)
    return SQLiteStateStore(location, cipher)


def hammer_slots(url: str, company: str, limit: int, threads: int, rounds: int,
                 hold: float, start: Any) -> dict[str, Any]:
    """Threads that each take a slot `rounds` times and count the holders at that instant in
    Redis (the probe is its own key, outside the coordinator). Returns the most holders one
    thread saw and every wait."""
    coordinator = RedisCoordinator(redis.Redis.from_url(url, socket_timeout=10))
    probe = redis.Redis.from_url(url, socket_timeout=10)
    seen, waits = [], []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(rounds):
            asked = time.monotonic()
            with coordinator.slot(company, limit, wait=DEADLINE, lease=2.0):
                waited = time.monotonic() - asked
                holders = probe.incr("probe:holders")
                time.sleep(hold)
                probe.decr("probe:holders")
            with lock:
                seen.append(holders)
                waits.append(waited)

    start.wait(DEADLINE)
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(DEADLINE)
    coordinator.close()
    return {"most": max(seen), "count": len(seen), "waits": waits}


def hold_slots_forever(url: str, company: str, limit: int, lease: float, held: Any) -> None:
    """Take every slot of the company, say so, and hold them until killed."""
    coordinator = RedisCoordinator(redis.Redis.from_url(url, socket_timeout=10))
    taken = threading.Barrier(limit + 1)

    def hold() -> None:
        with coordinator.slot(company, limit, wait=5, lease=lease):
            taken.wait(DEADLINE)
            time.sleep(3600)

    for _ in range(limit):
        threading.Thread(target=hold, daemon=True).start()
    taken.wait(DEADLINE)
    held.set()
    time.sleep(3600)


def cold_sign_in(url: str, key: str, session_key: str, together: Any) -> str:
    """Ask for the session of `key` at the same moment as the other processes (`together` is
    a barrier for all of them); the stand-in sign-in counts itself in Redis and takes as long
    as a gateway round trip."""
    client = redis.Redis.from_url(url, socket_timeout=10)
    coordinator = RedisCoordinator(redis.Redis.from_url(url, socket_timeout=10))
    cache = RedisSessionCache(redis.Redis.from_url(url, socket_timeout=10),
                              Cipher(session_key, "CONNECTOR_SESSION_KEY"))

    def sign_in() -> CachedSession:
        client.incr("count:sign-ins")
        time.sleep(0.3)
        expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30)
        return CachedSession(f"session-{secrets.token_hex(16)}", "https://gw.example/xml",
                             expires)

    together.wait(DEADLINE)
    session = get_or_sign_in(cache, coordinator, key, sign_in, margin=60, max_age=3600,
                             wait=10)
    coordinator.close()
    return session.id


def write_polls(location: str, feed: str, fence: int, writer: str, polls: int,
                go: Any, written_some: Any) -> dict[str, Any]:
    """Commit polls under one fence until `polls` are written or one is refused as stale;
    `written_some` is set after the fifth. Each poll carries the writer's own event and one
    that every writer sends."""
    store = open_store(location)
    go.wait(DEADLINE)
    written, refused = 0, None
    for number in range(polls):
        events = [Event(f"{writer}-{number}", f"{number:06d}", {"writer": writer}),
                  Event("shared", "000000", {"writer": writer})]
        try:
            store.commit_poll(feed, fence, {"writer": writer, "poll": number}, events)
        except StaleFence as exc:
            refused = exc.current
            break
        written += 1
        if written == 5:
            written_some.set()
        time.sleep(0.002)
    store.close()
    return {"written": written, "refused_by": refused}


def open_when_told(location: str, go: Any) -> str:
    """Open the state store the moment `go` is set (many processes at once), then close it."""
    go.wait(DEADLINE)
    open_store(location).close()
    return "opened"
