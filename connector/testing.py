"""The standard checks every declared action and data source must pass, for any manifest.

Plugin authors call these from their own tests (see tests/test_standard_suite.py): the schema is
valid and form-ready (its groups declared), the example inputs render to request bodies, a
missing required input is named in the error, the declared output mode agrees with the example
output, and outputs (the example, and real ones the author's tests produce) conform to the
declared output schema. Nothing here knows a protocol: what a body or an output mode looks
like is the protocol's to say.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from connector.core import Connector
from connector.errors import InputError
from connector.groups import GROUP, GROUPS
from connector.manifest import ActionSpec, DataSourceSpec


def example_inputs(schema: dict[str, Any], *, required_only: bool = False) -> dict[str, Any]:
    """Inputs built from each property's first example (only the required ones if asked)."""
    required = set(schema.get("required", []))
    values = {}
    for name, prop in schema.get("properties", {}).items():
        if required_only and name not in required:
            continue
        if prop.get("examples"):
            values[name] = prop["examples"][0]
    return values


def schema_problems(connector: Connector, spec: ActionSpec | DataSourceSpec) -> list[str]:
    """Why a form could not be rendered from this schema alone; empty when it can."""
    schema = spec.schema
    problems = []
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        problems.append(f"not a valid JSON Schema: {exc.message}")
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in properties:
            problems.append(f"required input {name!r} is not a property")
        elif not properties[name].get("examples") and "default" not in properties[name]:
            problems.append(f"required input {name!r} has no example")
    for name, prop in properties.items():
        if not prop.get("title"):
            problems.append(f"input {name!r} has no title")
        source = prop.get("x-datasource")
        if source is not None and source not in connector.datasources:
            problems.append(f"input {name!r} names an unknown data source {source!r}")
    return problems + _group_problems(schema)


def _group_problems(schema: dict[str, Any]) -> list[str]:
    """Groups that a form could not show: undeclared, empty, or named like an input."""
    groups = schema.get(GROUPS, {})
    properties = schema.get("properties", {})
    problems = [f"group {key!r} is also the name of an input" for key in groups
                if key in properties]
    problems += [f"group {key!r} has no title" for key, group in groups.items()
                 if not group.get("title")]
    used = {prop[GROUP] for prop in properties.values() if GROUP in prop}
    problems += [f"input {name!r} is in an undeclared group {prop[GROUP]!r}"
                 for name, prop in properties.items()
                 if GROUP in prop and prop[GROUP] not in groups]
    problems += [f"group {key!r} has no inputs" for key in groups if key not in used]
    return problems


def render_examples(connector: Connector, action: ActionSpec) -> list[Any]:
    """Render the full and the minimal example; returns the request bodies."""
    bodies: list[Any] = []
    for required_only in (False, True):
        inputs = example_inputs(action.schema, required_only=required_only)
        bodies.extend(connector.prepare(action.key, inputs).bodies)
    return bodies


def missing_input_problems(connector: Connector, action: ActionSpec) -> list[str]:
    """For each required input: leaving it out must raise InputError naming it."""
    problems = []
    full = example_inputs(action.schema)
    for name in action.schema.get("required", []):
        inputs = {k: v for k, v in full.items() if k != name}
        try:
            connector.prepare(action.key, inputs)
        except InputError as exc:
            if not any(p.path == name and "required" in p.problem for p in exc.problems):
                problems.append(f"leaving out {name!r} gave: {exc.message}")
        else:
            problems.append(f"leaving out required {name!r} was accepted")
    return problems


def output_mode_problems(connector: Connector, action: ActionSpec) -> list[str]:
    """Whether the example output has the structure the declared output mode produces."""
    example = action.example_output
    if example is None:
        return []
    if not isinstance(example, dict) or "data" not in example:
        return ["example output must be an object with a 'data' key"]
    mode = action.output["mode"]
    modes = set(mode["values"].values()) if isinstance(mode, dict) else {mode}
    if not any(connector.protocol.example_matches(m, example["data"]) for m in modes):
        return [f"example output does not look like output mode {'/'.join(sorted(modes))}"]
    return []


def output_problems(spec: ActionSpec | DataSourceSpec, output: Any) -> list[str]:
    """Where an output (an action's `data`, a data source's items) departs from the declared
    output schema; empty when it conforms."""
    if spec.output_schema is None:
        return [f"{spec.key} declares no output schema"]
    validator = jsonschema.Draft202012Validator(spec.output_schema)
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(output)]


def example_output_problems(action: ActionSpec) -> list[str]:
    """Whether the example output conforms to the declared output schema."""
    if action.example_output is None:
        return [f"{action.key} has no example output"]
    return output_problems(action, action.example_output.get("data"))
