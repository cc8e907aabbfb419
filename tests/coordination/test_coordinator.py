"""The Coordinator contract, for the local coordinator and for Redis on a real redis-server;
then what only Redis must survive: other processes, a holder killed with SIGKILL, a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import redis
from children import DEADLINE, SPAWN, hammer_slots, hold_slots_forever, run_processes
from servers import RedisServer

from connector.coordination import LeaseBusy, LocalCoordinator, redis_coordinator
from connector.coordination.coordinator import Coordinator
from connector.coordination.redis_coordinator import RedisCoordinator
from connector.errors import SlotTimeout


@pytest.fixture(params=["local", "redis"])
def coordinator(request: pytest.FixtureRequest) -> Iterator[Coordinator]:
    if request.param == "local":
        made: Coordinator = LocalCoordinator()
    else:
        url = request.getfixturevalue("redis_url")
        made = RedisCoordinator(redis.Redis.from_url(url, socket_timeout=10))
    yield made
    made.close()


def most_at_once(coordinator: Coordinator, company: str, limit: int, threads: int,
                 rounds: int) -> tuple[int, int]:
    """(most holders seen at one instant, slots taken) over threads that each take a slot
    `rounds` times."""
    holders, most, taken = 0, 0, 0
    count = threading.Lock()

    def work() -> None:
        nonlocal holders, most, taken
        for _ in range(rounds):
            with coordinator.slot(company, limit, wait=DEADLINE, lease=2.0):
                with count:
                    holders += 1
                    most = max(most, holders)
                time.sleep(0.005)
                with count:
                    holders -= 1
                    taken += 1

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(DEADLINE)
    return most, taken


def test_slots_never_exceed_the_limit_and_are_all_used(coordinator: Coordinator) -> None:
    assert most_at_once(coordinator, "ACME", 2, threads=6, rounds=8) == (2, 48)


def test_a_company_is_the_same_whatever_its_case(coordinator: Coordinator) -> None:
    with coordinator.slot("Acme-Corp", 1, wait=0, lease=5):
        with pytest.raises(SlotTimeout), coordinator.slot(" acme-corp", 1, wait=0, lease=5):
            pass
        with coordinator.slot("other", 1, wait=0, lease=5):
            pass  # another company's slots are its own


def test_no_free_slot_within_the_wait_is_a_slot_timeout(coordinator: Coordinator) -> None:
    with coordinator.slot("acme", 1, wait=0, lease=5):
        asked = time.monotonic()
        with pytest.raises(SlotTimeout) as refused, \
                coordinator.slot("acme", 1, wait=0.3, lease=5):
            pytest.fail("the slot was held")
        waited = time.monotonic() - asked
    assert 0.3 <= waited < DEADLINE
    assert refused.value.retry_after > 0
    assert refused.value.to_dict()["transient"] is True
    assert "acme" in refused.value.message and "nothing was sent" in refused.value.message


def test_a_slot_freed_while_waiting_is_taken(coordinator: Coordinator) -> None:
    release = threading.Event()
    holding = threading.Event()

    def hold() -> None:
        with coordinator.slot("acme", 1, wait=0, lease=5):
            holding.set()
            release.wait(DEADLINE)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(DEADLINE)
    threading.Timer(0.2, release.set).start()
    with coordinator.slot("acme", 1, wait=DEADLINE, lease=5):
        assert release.is_set()
    holder.join(DEADLINE)


def test_a_freed_slot_goes_to_the_waiter_not_to_the_thread_that_freed_it(
        coordinator: Coordinator, monkeypatch: pytest.MonkeyPatch) -> None:
    # Waiters on Redis also look again every RECHECK s; make that rare so that the waiter is
    # surely blocked in line when the slot comes free.
    monkeypatch.setattr(redis_coordinator, "RECHECK", 5.0)
    order = []
    queued = threading.Event()

    def waiter() -> None:
        queued.set()
        with coordinator.slot("acme", 1, wait=DEADLINE, lease=20):
            order.append("waiter")
            time.sleep(0.1)

    with coordinator.slot("acme", 1, wait=0, lease=20):
        thread = threading.Thread(target=waiter)
        thread.start()
        queued.wait(DEADLINE)
        time.sleep(0.3)  # in line by now
    with coordinator.slot("acme", 1, wait=DEADLINE, lease=20):  # asks again at once
        order.append("releaser")
    thread.join(DEADLINE)
    assert order == ["waiter", "releaser"]


def test_a_slot_is_given_back_when_the_work_fails(coordinator: Coordinator) -> None:
    with pytest.raises(RuntimeError), coordinator.slot("acme", 1, wait=0, lease=5):
        raise RuntimeError("the request failed")
    with coordinator.slot("acme", 1, wait=0, lease=5):
        pass


@pytest.mark.parametrize(("args", "problem"), [
    (("", 2, 1.0, 5.0), "company must be a non-empty string"),
    (("acme", 0, 1.0, 5.0), "limit must be an integer of at least 1"),
    (("acme", True, 1.0, 5.0), "limit must be an integer"),
    (("acme", 2, -1.0, 5.0), "wait must be a finite number of seconds, at least 0"),
    (("acme", 2, float("nan"), 5.0), "wait must be"),
    (("acme", 2, 1.0, 0), "lease must be a finite number of seconds, more than 0"),
])
def test_bad_slot_arguments_are_named(coordinator: Coordinator, args: tuple,
                                      problem: str) -> None:
    company, limit, wait, lease = args
    with pytest.raises(ValueError, match=problem), \
            coordinator.slot(company, limit, wait=wait, lease=lease):
        pass


def test_a_lease_is_single_flight_and_its_fence_grows(coordinator: Coordinator) -> None:
    fences = []
    for _ in range(3):
        with coordinator.lease("poll:feed-1", ttl=5) as lease:
            fences.append(lease.fence)
            with pytest.raises(LeaseBusy, match="poll:feed-1"), \
                    coordinator.lease("poll:feed-1", ttl=5):
                pass
            with coordinator.lease("poll:feed-2", ttl=5):
                pass  # another name is another lease
            assert not lease.lost
    assert fences == sorted(set(fences))
    # Fences never fall below the clock in microseconds: they outgrow a lost counter.
    assert fences[0] >= (time.time_ns() // 1000) - 60_000_000


def test_a_lease_waits_for_its_holder(coordinator: Coordinator) -> None:
    inside = threading.Event()
    order = []

    def first() -> None:
        with coordinator.lease("sign-in:x", ttl=5) as lease:
            order.append(("first", lease.fence))
            inside.set()
            time.sleep(0.3)

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait(DEADLINE)
    with coordinator.lease("sign-in:x", ttl=5, wait=DEADLINE) as lease:
        order.append(("second", lease.fence))
    thread.join(DEADLINE)
    assert [who for who, _ in order] == ["first", "second"]
    assert order[0][1] < order[1][1]


def test_a_lease_not_free_within_the_wait_is_busy(coordinator: Coordinator) -> None:
    with coordinator.lease("poll:f", ttl=5):
        asked = time.monotonic()
        with pytest.raises(LeaseBusy) as busy, coordinator.lease("poll:f", ttl=5, wait=0.3):
            pass
        assert time.monotonic() - asked >= 0.3
    assert busy.value.to_dict()["transient"] is True


def test_bad_lease_arguments_are_named(coordinator: Coordinator) -> None:
    with pytest.raises(ValueError, match="ttl must be"), coordinator.lease("x", ttl=0):
        pass
    with pytest.raises(ValueError, match="lease name"), coordinator.lease("", ttl=1):
        pass


# -- Redis only -------------------------------------------------------------------------------


def test_four_processes_of_four_threads_never_hold_more_than_two(redis_url: str) -> None:
    start = SPAWN.Event()
    results = run_processes([(hammer_slots, (redis_url, "ACME", 2, 4, 12, 0.004, start))] * 4,
                            before_join=start.set)
    assert max(r["most"] for r in results) == 2
    assert sum(r["count"] for r in results) == 4 * 4 * 12
    client = redis.Redis.from_url(redis_url)
    assert client.get("probe:holders") == b"0"
    assert client.keys("connector:slot:acme:*") == []  # every slot was released


def test_a_newcomer_does_not_jump_the_line(redis_url: str, redis_client: redis.Redis,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_coordinator, "RECHECK", 5.0)  # the waiter stays blocked
    coordinator = RedisCoordinator(redis.Redis.from_url(redis_url, socket_timeout=10))
    served = []

    def waiter() -> None:
        with coordinator.slot("acme", 1, wait=DEADLINE, lease=20):
            served.append("waiter")

    try:
        with coordinator.slot("acme", 1, wait=0, lease=20):
            thread = threading.Thread(target=waiter)
            thread.start()
            time.sleep(0.3)  # in line by now
            redis_client.delete("connector:slot:acme:0")  # the slot lapses under its holder
            with pytest.raises(SlotTimeout), coordinator.slot("acme", 1, wait=0, lease=20):
                served.append("newcomer")
        thread.join(DEADLINE)  # woken when the holder leaves, lapsed or not
    finally:
        coordinator.close()
    assert served == ["waiter"]


def test_a_killed_holders_slot_comes_back_within_one_lease(
        redis_url: str, redis_client: redis.Redis, record_property) -> None:
    lease = 1.5
    held = SPAWN.Event()
    holder = SPAWN.Process(target=hold_slots_forever, args=(redis_url, "acme", 2, lease, held))
    holder.start()
    coordinator = RedisCoordinator(redis.Redis.from_url(redis_url, socket_timeout=10))
    try:
        assert held.wait(DEADLINE)
        time.sleep(lease * 2)  # renewed while the holder lives: still both held
        assert all(redis_client.pttl(f"connector:slot:acme:{i}") > 0 for i in range(2))
        with pytest.raises(SlotTimeout), coordinator.slot("acme", 2, wait=0, lease=lease):
            pass
        holder.kill()
        killed = time.monotonic()
        holder.join(DEADLINE)
        # Nobody renews them now: Redis drops both within one lease of the last renewal.
        ttls = [redis_client.pttl(f"connector:slot:acme:{i}") for i in range(2)]
        assert all(0 < ttl <= lease * 1000 for ttl in ttls), ttls
        with coordinator.slot("acme", 2, wait=DEADLINE, lease=lease):
            back_after = time.monotonic() - killed
        with coordinator.slot("acme", 2, wait=DEADLINE, lease=lease), \
                coordinator.slot("acme", 2, wait=DEADLINE, lease=lease):
            pass  # both slots came back
    finally:
        holder.kill()
        coordinator.close()
    record_property("slot_back_after_kill_s", round(back_after, 3))


def test_a_lease_that_could_not_be_renewed_is_reported_lost(redis_client: redis.Redis,
                                                           redis_url: str) -> None:
    coordinator = RedisCoordinator(redis.Redis.from_url(redis_url, socket_timeout=10))
    try:
        with coordinator.lease("poll:feed", ttl=0.6) as lease:
            redis_client.set("connector:lease:poll:feed", "someone else")
            end = time.monotonic() + DEADLINE
            while not lease.lost and time.monotonic() < end:
                time.sleep(0.05)
            assert lease.lost
        # The other holder's lock was left alone.
        assert redis_client.get("connector:lease:poll:feed") == b"someone else"
    finally:
        coordinator.close()


def test_fences_keep_growing_when_redis_restarts_empty(redis_server: RedisServer) -> None:
    server = RedisServer().start()  # its own: restarting it disturbs no other test
    coordinator = RedisCoordinator(redis.Redis.from_url(server.url, socket_timeout=10))
    try:
        with coordinator.lease("poll:feed", ttl=5) as before:
            pass
        server.restart()  # no persistence: the counter is gone
        assert redis.Redis.from_url(server.url).get("connector:fence:poll:feed") is None
        with coordinator.lease("poll:feed", ttl=5) as after:
            pass
    finally:
        coordinator.close()
        server.close()
    assert after.fence > before.fence
