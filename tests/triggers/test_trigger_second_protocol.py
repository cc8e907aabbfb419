"""The feed logic is generic: the second protocol (tiny-json, times to the millisecond, no
deletions) runs a trigger through the same poll, and no trigger module knows a protocol."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
import tinyjson
from tinyjson.server import TOKEN, running_notes_api

from connector.core import load_connector

CONNECTOR = load_connector(plugins=[tinyjson], key="tiny-notes")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def notes_api():
    with running_notes_api() as (url, notes):
        yield {"baseUrl": url, "token": TOKEN}, notes


def test_no_trigger_module_imports_a_protocol():
    modules = [*(ROOT / "connector" / "triggers").glob("*.py"),
               ROOT / "connector" / "cli" / "triggers.py",
               ROOT / "connector" / "service" / "triggers.py"]
    for path in modules:
        imports = re.findall(r"^\s*(?:from|import) (\S+)", path.read_text(), re.MULTILINE)
        assert not [m for m in imports if m.startswith(("connector.intacct", "tinyjson"))], \
            path.name
        assert not re.search(r"RECORDNO|WHENMODIFIED|readByQuery|AUDITHISTORY",
                             path.read_text()), path.name


def test_a_second_protocol_polls_through_the_same_feed(notes_api, tmp_path):
    connection, notes = notes_api
    state = tmp_path / "state.sqlite3"
    moment = [datetime(2024, 5, 1, 9, 0, 0, tzinfo=timezone.utc).timestamp()]
    notes.clock = lambda: moment[0]

    def poll():
        return CONNECTOR.poll("changedNotes", {}, connection, state=state)

    first = poll()
    assert first.baseline and first.deletions == {
        "visible": False, "reason": "the remote does not show deletions"}
    note = CONNECTOR.invoke("createNote", {"title": "one"}, connection)["data"]["id"]
    moment[0] += 0.25  # the same second, a later millisecond: another version
    CONNECTOR.invoke("updateNote", {"id": note, "title": "one, edited"}, connection)
    created = poll()
    assert [(e.change_type, e.record["title"]) for e in created.events] == [
        ("created", "one, edited")]
    assert created.events[0].id == f"{note}@2024-05-01T09:00:00.250000"
    CONNECTOR.ack(created.ack_token, state=state)
    moment[0] += 0.25
    CONNECTOR.invoke("updateNote", {"id": note, "title": "one, again"}, connection)
    updated = poll()
    assert [(e.change_type, e.id) for e in updated.events] == [
        ("updated", f"{note}@2024-05-01T09:00:00.500000")]
    assert updated.outputs == [{"data": {"created": [], "updated": [updated.events[0].record],
                                         "deleted": []}}]


def test_a_look_back_backlog_drains_in_capped_polls(notes_api, tmp_path):
    connection, _ = notes_api
    state = tmp_path / "state.sqlite3"
    for n in range(45):
        CONNECTOR.invoke("createNote", {"title": f"n{n}"}, connection)
    seen = []
    for _ in range(4):
        result = CONNECTOR.poll("changedNotes", {"since": "2020-01-01"}, connection,
                                state=state)
        seen += [e.record["title"] for e in result.events]
        if result.ack_token:
            CONNECTOR.ack(result.ack_token, state=state)
    assert seen == [f"n{n}" for n in range(45)]  # 20 a poll (the trigger's cap), in order
