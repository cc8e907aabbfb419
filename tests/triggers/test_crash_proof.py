"""The exactly-once proof: 500 modifications (creates, updates, deletes), some in the same second
as the watermark and some committed late, polled by pollers in their own processes, SIGKILLed
between fetch and commit, between commit and return, and between delivery and acknowledgement,
each with its clock skewed by minutes. Every modification yields exactly one event id, none is
missed, and none is delivered again once acknowledged."""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from trigger_support import Writer

from connector.intacct.sandbox import SandboxConfig, running_sandbox

CHILD = Path(__file__).with_name("poller_child.py")
ROUNDS = 5
CREATES, UPDATES, DELETES = 40, 35, 25  # per round after the first, which only creates
LATE_SECONDS = 2.0
CHILD_DEADLINE = 60.0


class Pollers:
    """Runs poller processes and keeps the record of what each one printed."""

    def __init__(self, connection_file: Path, state: Path) -> None:
        self.connection_file, self.state = connection_file, state
        self.delivered: list[list[str]] = []  # each poll's events, in the order printed
        self.acked: set[str] = set()
        self.redelivered_after_ack: list[str] = []
        self.stops: list[str] = []

    def run(self, stop_at: str | None, skew: float) -> bool:
        """One poller; True when it ran to the end (acknowledged what it printed)."""
        command = [sys.executable, str(CHILD), "--connection", str(self.connection_file),
                   "--state", str(self.state), "--skew", str(skew)]
        if stop_at:
            command += ["--stop-at", stop_at]
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(line) for line in child.stdout]
                                  + [lines.put("")], daemon=True)
        reader.start()
        deadline = time.monotonic() + CHILD_DEADLINE
        try:
            while True:
                try:
                    line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise AssertionError(f"poller gave no sign within {CHILD_DEADLINE} s") \
                        from None
                if not line:
                    assert child.wait(timeout=10) == 0, child.stderr.read()
                    return True
                message = json.loads(line)
                if "at" in message:
                    os.kill(child.pid, signal.SIGKILL)
                    child.wait(timeout=10)
                    self.stops.append(message["at"])
                    return False
                if "events" in message:
                    self.redelivered_after_ack += [i for i in message["events"]
                                                   if i in self.acked]
                    self.delivered.append(message["events"])
                if "acked" in message:
                    self.acked.update(message["acked"])
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=10)
            reader.join(timeout=10)
            child.stdout.close()
            child.stderr.close()

    def run_here(self, connector) -> None:
        """A poller in this process (quick to start, for a poll while a write is in flight)."""
        result = connector.poll("newAndUpdatedRecords", {"resourceType": "VENDOR"},
                                json.loads(self.connection_file.read_text()), state=self.state)
        ids = [event.id for event in result.events]
        self.redelivered_after_ack += [i for i in ids if i in self.acked]
        self.delivered.append(ids)
        if result.ack_token:
            connector.ack(result.ack_token, state=self.state)
        self.acked.update(ids)

    def until_one_completes(self, rng: random.Random) -> None:
        kills = ["fetched", "committed", "delivered"]
        rng.shuffle(kills)
        for mode in [*kills[:rng.randint(1, 3)], None]:
            self.run(mode, skew=rng.choice([-1, 1]) * rng.uniform(60, 600))


def expected_ids(gateway) -> set[str]:
    """One id per version the company's audit trail shows (deletions apart)."""
    ids = set()
    for row in gateway.store.all("AUDITHISTORY"):
        when = datetime.strptime(row["ACCESSTIME"], "%m/%d/%Y %H:%M:%S").isoformat()
        suffix = "/deleted" if row["ACCESSMODE"] == "Deleted" else ""
        ids.add(f"{row['OBJECTKEY']}@{when}{suffix}")
    return ids


@pytest.mark.slow
def test_every_modification_is_delivered_exactly_once_through_kills_skew_and_late_commits(
        connector, tmp_path):
    rng = random.Random(13)
    config = SandboxConfig(max_concurrent=4, hold_seconds=30)
    with running_sandbox(db=":memory:", seed=None, config=config) as gateway:
        connection_file = tmp_path / "connection.json"
        connection_file.write_text(json.dumps(gateway.connection))
        pollers = Pollers(connection_file, tmp_path / "state.sqlite3")
        writer = Writer(connector, gateway)
        assert pollers.run(None, skew=-300)  # the baseline
        alive: list[str] = []
        late: list[str] = []
        modifications = 0
        for round_number in range(ROUNDS):
            # Same second as the watermark: the newest time the last poll delivered.
            newest = max((_time(i) for batch in pollers.delivered for i in batch), default=None)
            if newest:
                gateway.clock.set(datetime.fromisoformat(newest).replace(tzinfo=timezone.utc))
            # Only versions a completed poll has seen are changed again: a version overwritten
            # before any poll could read it is gone, and no feed can report it.
            polled = list(alive)
            creates = 100 if round_number == 0 else CREATES
            alive += [writer.create(f"R{round_number}-{n}") for n in range(creates - 2)]
            modifications += creates - 2
            gateway.clock.skew(1)  # updates and deletes never share a second with a version
            if round_number:
                chosen = rng.sample(polled, UPDATES + DELETES)
                for key in chosen[:UPDATES]:
                    writer.update(key, f"R{round_number} edit")
                for key in chosen[UPDATES:]:
                    writer.delete(key)
                    alive.remove(key)
                modifications += UPDATES + DELETES
            # A create that commits late, then one a second later that commits at once: a
            # poller run meanwhile delivers the later one, so the late one lands behind the
            # watermark.
            gateway.commit_late(LATE_SECONDS)
            thread = threading.Thread(target=lambda name=f"R{round_number}-late": late.append(
                writer.create(name)))
            thread.start()
            deadline = time.monotonic() + 10
            while gateway.late_commits.pending and time.monotonic() < deadline:
                time.sleep(0.01)
            gateway.clock.skew(1)
            alive.append(writer.create(f"R{round_number}-after"))
            pollers.run_here(connector)
            thread.join(timeout=30)
            alive.append(late[-1])
            modifications += 2
            pollers.until_one_completes(rng)
        for _ in range(2):  # drain what remains
            pollers.run(None, skew=rng.uniform(-600, 600))

        expected = expected_ids(gateway)
    delivered = [i for batch in pollers.delivered for i in batch]
    assert modifications == 500 and len(expected) == 500
    assert set(delivered) == expected  # nothing missed, nothing invented
    assert set(pollers.acked) == expected
    assert pollers.redelivered_after_ack == []
    assert {"fetched", "committed", "delivered"} <= set(pollers.stops)
    # Unacknowledged deliveries came back with the same ids (the "delivered" kills).
    assert len(delivered) > len(set(delivered))
    # Some writes did land in the watermark's second, and some late ones behind a poll that
    # had already delivered a later time: the cases a clock-based cursor gets wrong.
    assert _shares_watermark_second(pollers.delivered)
    assert _delivered_behind_the_watermark(pollers.delivered, late)


def _time(event: str) -> str:
    return event.split("@")[1].removesuffix("/deleted")


def _shares_watermark_second(batches: list[list[str]]) -> bool:
    """Some poll first delivered a change stamped in the second of the newest time an earlier
    poll had delivered."""
    newest, seen = "", set()
    for batch in batches:
        if any(e not in seen and _time(e) == newest for e in batch):
            return True
        seen.update(batch)
        newest = max([newest, *map(_time, batch)])
    return False


def _delivered_behind_the_watermark(batches: list[list[str]], late: list[str]) -> bool:
    """Some late create was first delivered after a poll had delivered a later time."""
    newest, first_seen = "", set()
    for batch in batches:
        for event in batch:
            key, when = event.split("@")
            if key in late and event not in first_seen and when < newest:
                return True
            first_seen.add(event)
        newest = max([newest, *map(_time, batch)])
    return False
