"""Triggers are declared like actions: a manifest section checked when it loads (file, path and
problem named), registered by plugins through the same hooks, and held to the standard checks:
a form-ready schema, and outputs (every shape) that match the declared output schema."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from yaml_edit import edit

from connector.catalog import export_catalog
from connector.cli import main
from connector.core import load_connector
from connector.errors import ManifestError, PluginConflict
from connector.hookspecs import hookimpl
from connector.intacct.filters import FILTERS
from connector.intacct.protocol import IntacctProtocol
from connector.manifest import load_manifest, load_triggers
from connector.testing import schema_problems
from connector.triggers.events import TriggerEvent, outputs

ROOT = Path(__file__).resolve().parents[2]
TRIGGER = "newAndUpdatedRecords"





def load(path: Path, protocols=None):
    return load_manifest(path, protocols or {"intacct-xml": IntacctProtocol}, FILTERS)


@pytest.mark.parametrize(("change", "where", "problem"), [
    (lambda t: t.update(object={"input": "objectName"}), "triggers[0].object",
     "reads input 'objectName', which schemas/newAndUpdatedRecords.json does not declare"),
    (lambda t: t.update(lookback_input="resourceType"), "triggers[0].lookback_input",
     "must be a date"),
    (lambda t: t["report"].update(created={"input": "showNew"}), "triggers[0].report.created",
     "reads input 'showNew'"),
    (lambda t: t.pop("modified_field"), "triggers[0]", "'modified_field' is a required"),
    (lambda t: t.update(max_events=0), "triggers[0].max_events", "less than the minimum"),
    (lambda t: t.update(key="createVendor", schema="schemas/newAndUpdatedRecords.json"),
     "triggers[0].key", "duplicate key 'createVendor'"),
    (lambda t: t.update(output_schema="schemas/missing.json"), "triggers[0].output_schema",
     "does not exist"),
])
def test_a_broken_trigger_declaration_is_named(copy, change, where, problem):
    edit(copy / "manifest.yaml", lambda d: change(d["triggers"][0]))
    with pytest.raises(ManifestError) as caught:
        load(copy / "manifest.yaml")
    assert caught.value.path == where and problem in caught.value.problem, str(caught.value)
    assert caught.value.line is not None


def test_a_protocol_that_cannot_poll_refuses_triggers(copy):
    class NoPolling(IntacctProtocol):
        change_streams = None

    with pytest.raises(ManifestError, match="cannot poll for changes"):
        load(copy / "manifest.yaml", {"intacct-xml": NoPolling})


def test_validate_checks_the_triggers(copy):
    edit(copy / "manifest.yaml", lambda d: d["triggers"][0].update(lookback_input="batching"))
    result = CliRunner().invoke(main, ["validate", str(copy / "manifest.yaml")])
    assert result.exit_code == 2 and "triggers[0].lookback_input" in result.output


def test_a_plugin_registers_a_trigger_through_the_hooks(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "customerChanges.json").write_text(
        '{"type": "object", "properties": {}}')
    (tmp_path / "triggers.yaml").write_text(textwrap.dedent("""\
        triggers:
          - key: customerChanges
            label: Customer Changes
            description: Customers created or changed.
            object: CUSTOMER
            modified_field: WHENMODIFIED
            created_field: WHENCREATED
        """))
    [spec] = load_triggers(tmp_path / "triggers.yaml")

    @hookimpl
    def register_triggers(register):
        register(spec)

    plugin = type(sys)("customer_changes")
    plugin.register_triggers = register_triggers
    connector = load_connector(plugins=[plugin])
    assert connector.trigger("customerChanges").object == "CUSTOMER"
    assert "customerChanges" in {t["key"] for t in export_catalog(connector)["triggers"]}
    row = next(r for r in connector.registry.summary() if r["plugin"] == "customer_changes")
    assert row["triggers"] == ["customerChanges"]
    twice = type(sys)("twice")
    twice.register_triggers = register_triggers
    with pytest.raises(PluginConflict, match="trigger 'customerChanges' is registered twice"):
        load_connector(plugins=[plugin, twice])


def test_the_trigger_passes_the_standard_schema_checks(connector):
    for trigger in connector.triggers.values():
        assert schema_problems(connector, trigger) == []


def test_every_output_shape_matches_the_declared_output_schema(connector):
    schema = connector.trigger(TRIGGER).output_schema
    events = [TriggerEvent("1@2024-01-01T00:00:00", "created", {"RECORDNO": "1", "NAME": "a"}),
              TriggerEvent("2@2024-01-01T00:00:00", "updated", {"RECORDNO": "2"}),
              TriggerEvent("3@2024-01-01T00:00:01/deleted", "deleted",
                           {"RECORDNO": "3", "ID": "V-3", "DELETEDAT": "01/01/2024 00:00:01"})]
    for size in (None, 1, 2):
        for delivery in outputs(events, size):
            jsonschema.validate(delivery["data"], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"created": [{"NAME": "no key"}], "updated": [], "deleted": []},
                            schema)


def test_real_polled_outputs_match_the_output_schema(connector, tmp_path):
    from connector.intacct.sandbox import running_sandbox

    schema = connector.trigger(TRIGGER).output_schema
    with running_sandbox(seed="demo") as sandbox:
        for n, inputs in enumerate(({}, {"batching": True, "batchSize": 1},
                                    {"batching": True, "batchSize": 3})):
            result = connector.poll(TRIGGER, {"resourceType": "APBILL",
                                              "lookbackDate": "2020-01-01", **inputs},
                                    sandbox.connection, state=tmp_path / f"{n}.sqlite3")
            assert result.events
            for delivery in result.outputs:
                jsonschema.validate(delivery["data"], schema)


def test_a_feed_is_keyed_by_the_connection_without_its_secrets(connector):
    from connector.triggers.poller import connection_identity, resolve

    run = resolve(connector, TRIGGER, {"resourceType": "VENDOR", "batchSize": 5})
    base = {"senderId": "s", "senderPassword": "p1", "companyId": "C", "userId": "u",
            "userPassword": "p2"}

    def feed(connection, instance="default", run=run):
        return run.feed(connection_identity(connector, connection), instance)

    assert feed(base) == feed({**base, "senderPassword": "rotated", "userPassword": "new"})
    assert feed(base) != feed({**base, "entityId": "E200"}) != feed(base, "other")
    # Batching changes how events are delivered, not which: the same feed.
    assert feed(base) == feed(base, run=resolve(connector, TRIGGER, {"resourceType": "VENDOR"}))
    assert feed(base) != feed(base, run=resolve(connector, TRIGGER, {"resourceType": "APBILL"}))
    assert "p1" not in feed(base) and feed(base).startswith(f"{TRIGGER}:")
