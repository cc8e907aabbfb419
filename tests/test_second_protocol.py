"""A second protocol proves the seam: tiny-json (tests/plugins/tinyjson) runs a notes API over
JSON with the same engine, the same declarations and the same standard suite as Intacct, and
nothing in the generic core knows it exists."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import tinyjson
from tinyjson.server import TOKEN, running_notes_api

from connector.bulk import run_bulk
from connector.core import load_connector
from connector.errors import FunctionError, InputError
from connector.hookspecs import hookimpl
from connector.testing import (
    example_inputs,
    missing_input_problems,
    output_mode_problems,
    render_examples,
    schema_problems,
)

CONNECTOR = load_connector(plugins=[tinyjson], key="tiny-notes")
ACTIONS = sorted(CONNECTOR.actions)


@pytest.fixture()
def api():
    with running_notes_api() as (url, notes):
        yield {"baseUrl": url, "token": TOKEN}, notes


def test_the_generic_core_does_not_import_a_protocol():
    core = Path(__file__).resolve().parents[1] / "connector"
    generic = [p for p in core.glob("*.py")] + list((core / "service").glob("*.py"))
    for path in generic:
        imports = re.findall(r"^\s*(?:from|import) (\S+)", path.read_text(), re.MULTILINE)
        assert not [m for m in imports if m.startswith(("connector.intacct", "tinyjson"))], \
            path.name


@pytest.mark.parametrize("key", [*ACTIONS, "selectNote"])
def test_standard_suite_schema(key):
    spec = CONNECTOR.actions.get(key) or CONNECTOR.datasources[key]
    assert schema_problems(CONNECTOR, spec) == []


@pytest.mark.parametrize("key", ACTIONS)
def test_standard_suite_rendering_inputs_and_output(key):
    action = CONNECTOR.action(key)
    assert all(isinstance(body, dict) for body in render_examples(CONNECTOR, action))
    assert missing_input_problems(CONNECTOR, action) == []
    assert output_mode_problems(CONNECTOR, action) == []


def test_values_stay_data_and_omitted_inputs_send_nothing():
    call = CONNECTOR.prepare("createNote", {"title": 'a"}, "x": {"', "due": "2026-12-24"})
    assert call.bodies[0]["params"]["fields"] == {"title": 'a"}, "x": {"', "due": "2026-12-24"}


def test_actions_run_against_the_notes_api(api):
    connection, notes = api
    created = CONNECTOR.invoke("createNote", example_inputs(CONNECTOR.action("createNote")
                                                            .schema), connection)
    assert created["data"]["title"] == "Groceries" and notes.records["1"]["body"] == (
        "Milk & <eggs>")
    assert CONNECTOR.invoke("getNote", {"id": "1"}, connection)["data"]["author"] == "ada"
    echoed = CONNECTOR.invoke("updateNote", {"id": "1", "title": "Shopping"}, connection)
    assert echoed["data"]["title"] == "Shopping" and echoed["data"]["_controlId"]
    assert notes.records["1"]["title"] == "Shopping"
    with pytest.raises(FunctionError, match="not_found"):
        CONNECTOR.invoke("getNote", {"id": "99"}, connection)
    with pytest.raises(InputError, match="is required"):
        CONNECTOR.invoke("createNote", {}, connection)


def test_lists_page_by_cursor_and_picklists_use_the_same_engine(api):
    connection, notes = api
    for i in range(25):
        CONNECTOR.invoke("createNote", {"title": f"n{i:02d}", "author": "ada" if i % 5
                                        else "bob"}, connection)
    before = notes.requests
    listed = list(CONNECTOR.iter_records("listNotes", {"author": "ada"}, connection))
    assert len(listed) == 20 and notes.requests - before == 2  # pages of 10
    items = CONNECTOR.picklist("selectNote", {}, connection)
    assert [i["label"] for i in items] == [f"n{i:02d}" for i in range(25)]
    assert all(set(i) == {"key", "label"} for i in items)


def test_bulk_and_middleware_run_through_the_same_engine(api, tmp_path):
    connection, notes = api
    seen = []

    @hookimpl
    def register_middleware(register):
        def count(execution, proceed):
            seen.append(len(execution.calls))
            return proceed(execution)
        register(count)

    plugin = type(sys)("counting")
    plugin.register_middleware = register_middleware
    connector = load_connector(plugins=[tinyjson, plugin], key="tiny-notes")
    records = [{"title": f"bulk {i}"} for i in range(23)]
    journal = tmp_path / "run.journal"
    results = list(run_bulk(connector, "createNote", records, connection, journal=journal))
    assert [r["status"] for r in results] == ["success"] * 23
    assert seen == [10, 10, 3]  # the protocol's batch limit, through the middleware
    again = list(run_bulk(connector, "createNote", records, connection, journal=journal,
                          retry_failed=True))
    assert again == results and sorted(n["title"] for n in notes.records.values()) == sorted(
        r["title"] for r in records)


def test_a_replayed_call_is_reported_as_already_applied_by_the_shaper(api):
    connection, notes = api
    call = CONNECTOR.prepare("createNote", {"title": "once"}, controlids=["fixed-id"])
    first = CONNECTOR.run(call, connection)
    second = CONNECTOR.run(replace(call), connection)
    assert first == second and len(notes.records) == 1


def test_the_sandbox_seam_gives_a_connection(api):
    with CONNECTOR.protocol.sandbox(":memory:", None) as connection:
        assert CONNECTOR.invoke("createNote", {"title": "x"}, connection)["data"]["id"] == "1"
