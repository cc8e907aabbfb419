"""newAndUpdatedRecords against the sandbox over HTTP: baseline and look-back, created, updated
and deleted events with stable ids, the overlap window (same second, late commits), the cap and
resume, acknowledgement, and input errors before any request."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from trigger_support import T0, TRIGGER, Writer

from connector.core import Connector
from connector.errors import InputError
from connector.intacct.sandbox import SandboxConfig, running_sandbox
from connector.intacct.sandbox.server import Sandbox
from connector.triggers import PollResult


def poll(connector: Connector, gateway: Sandbox, state: Path, **options: Any) -> PollResult:
    inputs = {"resourceType": "VENDOR", **options.pop("inputs", {})}
    return connector.poll(TRIGGER, inputs, options.pop("connection", gateway.connection),
                          state=state, **options)


def kinds(result: PollResult) -> list[tuple[str, str]]:
    return [(event.change_type, event.record["RECORDNO"]) for event in result.events]


def test_a_first_poll_sets_the_baseline_and_the_next_reports_only_what_changed_since(
        connector, gateway, state, writer: Writer):
    old = writer.at(T0).create("Before")
    first = poll(connector, gateway, state)
    assert first.baseline and first.events == () and first.ack_token is None
    assert first.outputs == [{"data": {"created": [], "updated": [], "deleted": []}}]

    new = writer.at(T0 + timedelta(seconds=30)).create("After")
    writer.update(old, "Before, renamed")
    second = poll(connector, gateway, state)
    assert not second.baseline
    assert sorted(kinds(second)) == [("created", new), ("updated", old)]
    assert {e.id for e in second.events} == {f"{new}@{writer.stamp(new)}",
                                             f"{old}@{writer.stamp(old)}"}
    document = second.outputs[0]["data"]
    assert [r["NAME"] for r in document["created"]] == ["After"]
    assert [r["NAME"] for r in document["updated"]] == ["Before, renamed"]
    # Whole records, as readByQuery lists them (the component's shape): nested fields dotted.
    assert "DISPLAYCONTACT.PRINTAS" in document["created"][0]


def test_a_look_back_date_backfills_exactly_what_was_modified_since_once(
        connector, gateway, state, writer: Writer):
    before = writer.at(T0).create("February")  # 2024-03-01 12:00 UTC
    touched = writer.create("Touched later")
    writer.at(T0 + timedelta(days=2)).update(touched, "Touched on March 3rd")
    since = [writer.create(f"March {n}") for n in range(3)]

    result = poll(connector, gateway, state, inputs={"lookbackDate": "2024-03-02"})
    assert not result.baseline
    assert sorted(kinds(result)) == sorted([("updated", touched)]
                                           + [("created", key) for key in since])
    assert before not in {key for _, key in kinds(result)}
    assert connector.ack(result.ack_token, state=state) == 4
    assert poll(connector, gateway, state, inputs={"lookbackDate": "2024-03-02"}).events == ()


def test_an_update_is_a_new_event_and_reading_a_version_again_is_not(
        connector, gateway, state, writer: Writer):
    poll(connector, gateway, state)
    key = writer.at(T0).create("V")
    created = poll(connector, gateway, state)
    assert kinds(created) == [("created", key)]
    connector.ack(created.ack_token, state=state)
    # Read again inside the overlap window: the same version is no new event.
    assert poll(connector, gateway, state).events == ()
    writer.at(T0 + timedelta(seconds=5)).update(key, "V2")
    updated = poll(connector, gateway, state)
    assert kinds(updated) == [("updated", key)]
    assert updated.events[0].id == f"{key}@{writer.stamp(key)}" != created.events[0].id


def test_a_record_created_and_updated_between_two_polls_is_reported_created(
        connector, gateway, state, writer: Writer):
    poll(connector, gateway, state)
    key = writer.at(T0).create("New")
    writer.at(T0 + timedelta(seconds=10)).update(key, "New, edited")
    assert kinds(poll(connector, gateway, state)) == [("created", key)]


def test_deletions_come_from_the_audit_trail(connector, gateway, state, writer: Writer):
    key = writer.at(T0).create("Doomed")
    poll(connector, gateway, state)
    writer.at(T0 + timedelta(seconds=3)).delete(key)
    result = poll(connector, gateway, state)
    assert result.deletions == {"visible": True}
    [event] = result.events
    assert event.change_type == "deleted" and event.id.endswith("/deleted")
    assert event.record["RECORDNO"] == key and event.record["DELETEDBY"] == "sandbox_user"
    assert result.outputs[0]["data"]["deleted"] == [event.record]


def test_a_company_that_hides_its_audit_trail_is_polled_for_changes_and_says_so(
        connector, state):
    with running_sandbox(seed=None, config=SandboxConfig(audit_trail=False)) as gateway:
        writer = Writer(connector, gateway)
        poll(connector, gateway, state)
        key = writer.at(T0).create("Visible")
        writer.at(T0 + timedelta(seconds=2)).delete(writer.create("Gone unseen"))
        result = poll(connector, gateway, state)
        assert kinds(result) == [("created", key)]
        assert result.deletions["visible"] is False
        assert "AUDITHISTORY refused" in result.deletions["reason"]


def test_changes_in_the_watermarks_second_and_late_commits_are_not_lost(
        connector, gateway, state, writer: Writer):
    poll(connector, gateway, state)
    first = writer.at(T0).create("First")
    seen = poll(connector, gateway, state)
    assert kinds(seen) == [("created", first)]
    connector.ack(seen.ack_token, state=state)
    # Same second as the watermark: a cursor "modified after the last one" would skip it.
    gateway.clock.set(T0)
    same_second = writer.create("Same second")
    assert writer.stamp(same_second) == writer.stamp(first)
    # A late commit: stamped now, visible only seconds later, after a poll has delivered a
    # later change.
    gateway.commit_late(2.0)
    late: list[str] = []
    thread = threading.Thread(target=lambda: late.append(writer.create("Late")))
    thread.start()
    deadline = time.monotonic() + 5
    while gateway.late_commits.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    gateway.clock.skew(3)
    later = writer.create("Later, at once")
    during = poll(connector, gateway, state)
    assert sorted(kinds(during)) == sorted([("created", same_second), ("created", later)])
    connector.ack(during.ack_token, state=state)
    thread.join(timeout=10)
    after = poll(connector, gateway, state)
    assert kinds(after) == [("created", late[0])]
    # Stamped before the watermark the last poll reached: "modified since" loses it.
    assert writer.stamp(late[0]) < writer.stamp(later)


def test_a_backlog_drains_over_capped_recurrences_without_loss_or_repeat(
        connector, gateway, state, writer: Writer):
    poll(connector, gateway, state)
    keys = [writer.at(T0 + timedelta(seconds=i // 4)).create(f"B{i:02d}") for i in range(25)]
    delivered: list[str] = []
    rounds = []
    for _ in range(5):
        result = poll(connector, gateway, state, max_events=10)
        rounds.append((len(result.events), result.more))
        delivered += [key for _, key in kinds(result)]
        if result.ack_token:
            connector.ack(result.ack_token, state=state)
    assert rounds[:3] == [(10, True), (10, True), (5, False)] and rounds[3:] == [(0, False)] * 2
    assert delivered == keys  # oldest first, each once


def test_unacknowledged_events_come_back_with_the_same_ids(
        connector, gateway, state, writer: Writer):
    poll(connector, gateway, state)
    writer.at(T0).create("A")
    first = poll(connector, gateway, state)
    writer.at(T0 + timedelta(seconds=1)).create("B")
    second = poll(connector, gateway, state)
    assert [e.id for e in second.events][:1] == [e.id for e in first.events]
    assert len(second.events) == 2
    assert connector.ack(first.ack_token, state=state) == 1
    third = poll(connector, gateway, state)
    assert [e.id for e in third.events] == [second.events[1].id]
    assert connector.ack(second.ack_token, state=state) == 1  # only B was still pending
    assert poll(connector, gateway, state).events == ()


def test_a_feed_is_kept_per_connection_entity_and_instance(
        connector, gateway, state, writer: Writer):
    e100 = {**gateway.connection, "entityId": "E100"}
    e200 = {**gateway.connection, "entityId": "E200"}
    poll(connector, gateway, state, connection=e100)
    key = writer.at(T0).create("Seen by E100's feed")
    assert kinds(poll(connector, gateway, state, connection=e100)) == [("created", key)]
    assert poll(connector, gateway, state, connection=e200).baseline
    assert poll(connector, gateway, state, connection=e100, instance="second").baseline
    assert not poll(connector, gateway, state, connection=e100).baseline


def test_the_toggles_choose_what_is_reported_and_all_off_sends_nothing(
        connector, gateway, state, writer: Writer):
    only_updates = {"showNewRecords": False, "showDeletedRecords": False}
    key = writer.at(T0).create("X")
    poll(connector, gateway, state, inputs=only_updates)
    other = writer.at(T0 + timedelta(seconds=1)).create("Y")
    writer.update(key, "X2")
    writer.update(other, "Y2")  # created since the last poll: reported as created, so not here
    writer.delete(other)
    assert kinds(poll(connector, gateway, state, inputs=only_updates)) == [("updated", key)]

    gateway.stats.reset()
    nothing = {"showNewRecords": False, "showUpdatedRecords": False,
               "showDeletedRecords": False}
    result = poll(connector, gateway, state, inputs=nothing)
    assert result.outputs == [{"data": {"created": [], "updated": [], "deleted": []}}]
    assert gateway.stats.snapshot()["requests"] == 0


def test_batching_delivers_changes_singly_or_in_batches(
        connector, gateway, state, writer: Writer):
    batched = {"batching": True, "batchSize": 2}
    poll(connector, gateway, state, inputs=batched)
    keys = [writer.at(T0 + timedelta(seconds=i)).create(f"N{i}") for i in range(3)]
    result = poll(connector, gateway, state, inputs=batched)
    assert [[item["record"]["RECORDNO"] for item in output["data"]]
            for output in result.outputs] == [keys[:2], keys[2:]]
    assert {item["changeType"] for output in result.outputs for item in output["data"]} == {
        "created"}
    # Batch size is how events are delivered, not which: the feed (and its cursor) is the same.
    singly = poll(connector, gateway, state, inputs={"batching": True, "batchSize": 1})
    assert [output["data"]["record"]["RECORDNO"] for output in singly.outputs] == keys


@pytest.mark.parametrize(("inputs", "path", "problem"), [
    ({"lookbackDate": "2999-01-01"}, "lookbackDate", "is in the future"),
    ({"lookbackDate": "yesterday"}, "lookbackDate", "date"),
    ({"resourceType": "VEN DOR"}, "resourceType", "does not match"),
    ({"batchSize": 0}, "batchSize", "minimum"),
    ({"resourceType": None}, "resourceType", ""),
])
def test_bad_inputs_are_named_before_any_request(connector, gateway, state, inputs, path,
                                                 problem):
    gateway.stats.reset()
    with pytest.raises(InputError) as caught:
        poll(connector, gateway, state, inputs=inputs)
    assert any(p.path == path and problem in p.problem for p in caught.value.problems), \
        caught.value.message
    assert gateway.stats.snapshot()["requests"] == 0
    assert not state.exists()


def test_a_token_from_another_trigger_or_a_forged_one_is_refused(connector, gateway, state,
                                                                 writer: Writer):
    poll(connector, gateway, state)
    writer.at(T0).create("A")
    token = poll(connector, gateway, state).ack_token
    with pytest.raises(InputError, match="issued by trigger"):
        connector.ack(token, state=state, trigger="otherTrigger")
    with pytest.raises(InputError, match="not a token a poll returned"):
        connector.ack(token[:-6] + "AAAAAA", state=state)
    assert len(poll(connector, gateway, state).events) == 1


def test_the_look_back_date_is_midnight_in_the_companys_own_time(connector, state):
    """Intacct's times carry no zone: a company in Los Angeles writes its local time, and the
    look-back date is compared with that, as the gateway compares it."""
    config = SandboxConfig(timezone="America/Los_Angeles")
    with running_sandbox(seed=None, config=config) as gateway:
        writer = Writer(connector, gateway)
        # 2024-03-02 06:00 UTC is 22:00 on March 1st in Los Angeles: before the date there.
        writer.at(datetime(2024, 3, 2, 6, 0, tzinfo=timezone.utc)).create("March 1st, local")
        later = writer.at(datetime(2024, 3, 2, 9, 0, tzinfo=timezone.utc)).create("March 2nd")
        result = poll(connector, gateway, state, inputs={"lookbackDate": "2024-03-02"})
        assert kinds(result) == [("created", later)]
        assert result.events[0].id == f"{later}@2024-03-02T01:00:00"
