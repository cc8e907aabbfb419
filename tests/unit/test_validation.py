"""The compiled fast check accepts only what jsonschema accepts, and jsonschema explains."""

import jsonschema
import pytest

from connector.validation import _portable, schema_errors


def format_checker() -> jsonschema.FormatChecker:
    return jsonschema.FormatChecker()


def test_every_bundled_schema_gets_the_compiled_check(connector):
    schemas = [a.schema for a in connector.actions.values()]
    schemas += [d.schema for d in connector.datasources.values()]
    assert all(_portable(schema) for schema in schemas)


@pytest.mark.parametrize("schema, instance", [
    ({"type": "object", "properties": {"n": {"type": "integer"}}}, {"n": "1"}),
    ({"type": "object", "required": ["a"]}, {}),
    ({"type": "object", "properties": {"e": {"type": "string", "format": "email"}}},
     {"e": "no-at-sign"}),
    ({"type": "object", "properties": {"s": {"type": "string", "pattern": "^[A-Z]+$"}}},
     {"s": "abc"}),
    ({"type": "object", "additionalProperties": False}, {"x": 1}),
])
def test_invalid_instances_are_explained_by_jsonschema(schema, instance):
    errors = schema_errors(schema, instance, format_checker)
    assert errors and all(isinstance(e, jsonschema.ValidationError) for e in errors)


def test_unknown_formats_are_not_checked_by_either():
    schema = {"type": "object", "properties": {"p": {"type": "string", "format": "password"}}}
    assert schema_errors(schema, {"p": "anything"}, format_checker) == []


def test_keywords_only_2020_12_has_fall_back_to_jsonschema():
    schema = {"type": "array", "prefixItems": [{"type": "integer"}]}
    assert not _portable(schema)
    assert schema_errors(schema, ["not a number"], format_checker)
    assert schema_errors(schema, [1, "rest"], format_checker) == []


def test_a_schema_without_formats_never_makes_the_format_checker():
    made = []
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    assert schema_errors(schema, {"n": 1}, lambda: made.append(1) or format_checker()) == []
    assert made == []
