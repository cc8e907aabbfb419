"""The standard suite, generated for every action and data source: ours and a plugin's."""

import pytest
import vendor_lookup
from lxml import etree
from shape import assert_same_shape

from connector.core import load_connector
from connector.testing import (
    example_inputs,
    example_output_problems,
    missing_input_problems,
    output_mode_problems,
    output_problems,
    render_examples,
    schema_problems,
)

CONNECTOR = load_connector(plugins=[vendor_lookup])
ACTIONS = sorted(CONNECTOR.actions)
DATASOURCES = sorted(CONNECTOR.datasources)
# Ours declare an output schema each; the plugin's action is checked where it declares one.
DECLARED = [k for k in ACTIONS if CONNECTOR.action(k).output_schema is not None]


def test_the_plugin_action_is_covered():
    assert "listVendorNames" in ACTIONS and "createVendor" in ACTIONS


@pytest.mark.parametrize("key", ACTIONS + DATASOURCES)
def test_schema_is_valid_and_form_ready(key):
    spec = CONNECTOR.actions.get(key) or CONNECTOR.datasources[key]
    assert schema_problems(CONNECTOR, spec) == []


@pytest.mark.parametrize("key", ACTIONS)
def test_example_inputs_render_to_well_formed_xml(key):
    bodies = render_examples(CONNECTOR, CONNECTOR.action(key))
    assert bodies and all(isinstance(b.tag, str) for b in bodies)
    for body in bodies:
        etree.fromstring(etree.tostring(body))


@pytest.mark.parametrize("key", ACTIONS)
def test_a_missing_required_input_is_named(key):
    assert missing_input_problems(CONNECTOR, CONNECTOR.action(key)) == []


@pytest.mark.parametrize("key", ACTIONS)
def test_declared_output_mode_agrees_with_the_example(key):
    assert output_mode_problems(CONNECTOR, CONNECTOR.action(key)) == []


def test_every_action_and_data_source_of_ours_declares_an_output_schema():
    ours = load_connector()
    assert [k for k, a in ours.actions.items() if a.output_schema is None] == []
    assert [k for k, d in ours.datasources.items() if d.output_schema is None] == []


@pytest.mark.parametrize("key", DECLARED)
def test_the_example_output_conforms_to_the_output_schema(key):
    assert example_output_problems(CONNECTOR.action(key)) == []


READ_ONLY = [k for k in ACTIONS if CONNECTOR.action(k).ui_callable]


@pytest.mark.parametrize("key", READ_ONLY)
def test_read_only_actions_run_on_their_examples_with_the_declared_shape(key, connection):
    action = CONNECTOR.action(key)
    output = CONNECTOR.invoke(key, example_inputs(action.schema), connection)
    if output["data"] is None:
        # A record-mode read whose example key is not in the demo company finds nothing.
        assert action.output["mode"] == "record"
    elif action.example_output is not None:
        assert_same_shape(output, action.example_output)
    if action.output_schema is not None:
        assert output_problems(action, output["data"]) == []


@pytest.mark.parametrize("key", DATASOURCES)
def test_datasources_return_sorted_key_label_items(key, connection):
    items = CONNECTOR.picklist(key, {}, connection)
    assert items, f"the demo company should have records for {key}"
    assert all(set(item) == {"key", "label"} for item in items)
    assert output_problems(CONNECTOR.datasource(key), items) == []
    labels = [item["label"].casefold() for item in items]
    assert labels == sorted(labels)
