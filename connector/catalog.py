"""The catalog: one JSON document with everything a workflow platform needs to offer a connector.

For each action, data source and trigger: key, label, description, the input schema (a form
can be rendered from it alone, in the sections its groups declare), the output mode, the JSON
Schema of the output, the example output, and which inputs a data source can fill.
"""

from __future__ import annotations

from typing import Any

from connector.core import Connector
from connector.manifest import ActionSpec, DataSourceSpec, TriggerSpec

CONNECTION_INPUT = "connection"


def export_catalog(connector: Connector) -> dict[str, Any]:
    manifest = connector.manifest
    return {
        "connector": dict(manifest.connector),
        "connection": {"schema": manifest.connection_schema},
        "actions": [describe_action(a) for a in connector.actions.values()],
        "datasources": [describe_datasource(d) for d in connector.datasources.values()],
        "triggers": [describe_trigger(t) for t in connector.triggers.values()],
    }


def describe_action(action: ActionSpec) -> dict[str, Any]:
    return {
        "key": action.key,
        "label": action.label,
        "description": action.description,
        "inputs": input_list(action.schema),
        "schema": action.schema,
        "datasources": datasource_refs(action.schema),
        "output": action.output,
        "output_schema": action.output_schema,
        "ui_callable": action.ui_callable,
        "example_output": action.example_output,
    }


def describe_datasource(source: DataSourceSpec) -> dict[str, Any]:
    return {
        "key": source.key,
        "label": source.label,
        "description": source.description,
        "inputs": input_list(source.schema),
        "schema": source.schema,
        "object": source.object,
        "output": {"items": [{"key": "string", "label": "string"}]},
        "output_schema": source.output_schema,
    }


def describe_trigger(trigger: TriggerSpec) -> dict[str, Any]:
    """A trigger as a platform offers it: a form for its inputs, and what each poll delivers
    (`output.schema` is the `data` of one delivery)."""
    return {
        "key": trigger.key,
        "label": trigger.label,
        "description": trigger.description,
        "inputs": input_list(trigger.schema),
        "schema": trigger.schema,
        "datasources": datasource_refs(trigger.schema),
        "output": {"schema": trigger.output_schema},
        "example_output": trigger.example_output,
        "polling": {"max_events": trigger.max_events,
                    "overlap_seconds": trigger.overlap_seconds,
                    "lookback_input": trigger.lookback_input},
    }


def input_list(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs in form order, the connection first (as the reference lists it)."""
    required = set(schema.get("required", []))
    rows = [{"key": CONNECTION_INPUT, "label": "Connection", "type": "connection",
             "required": True, "notes": "The connection to use."}]
    for name, prop in schema.get("properties", {}).items():
        rows.append({
            "key": name,
            "label": prop.get("title", name),
            "type": prop.get("type", "string"),
            "required": name in required,
            "notes": prop.get("description", ""),
            "example": (prop.get("examples") or [None])[0],
            **({"datasource": prop["x-datasource"]} if "x-datasource" in prop else {}),
            **({"group": prop["x-group"]} if "x-group" in prop else {}),
        })
    return rows


def datasource_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Input name -> {datasource, inputs} for every input a picklist can fill."""
    refs = {}
    for name, prop in schema.get("properties", {}).items():
        if "x-datasource" in prop:
            refs[name] = {"datasource": prop["x-datasource"],
                          "inputs": prop.get("x-datasource-inputs", {})}
    return refs
