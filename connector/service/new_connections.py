"""Adding a named connection through the API: `POST /connections {"name", "connection"}`.

The playground's connection form posts here. The connection is checked against the connection
schema, field by field, before it is kept; its secret fields are read once and never sent back
(the answer is its name). It is kept in the service's memory, owner-only by nature, until the
service stops: lasting connections belong in the connections file. A process keeps its own, so
only `connector serve` (one process) accepts new connections; the multi-worker factory does not.

A URI field (`format: uri`, such as a gateway endpoint) may only name a host the service already
trusts: one a configured connection names in that field, or the schema's default. So holding
the token does not let a caller make the server send requests to any address it likes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import jsonschema

from connector.errors import InputError, InputProblem
from connector.service.connections import NAME
from connector.service.envelope import is_object, is_string, parse_body

FIELDS = {"name": is_string, "connection": is_object}
KEY = "connection"  # what an InputError here is about


def read_new_connection(raw: bytes, schema: Mapping[str, Any],
                        existing: Mapping[str, Mapping[str, Any]],
                        body_fields: set[str]) -> tuple[str, dict[str, Any]]:
    """The name and connection of a request body, or one InputError with every problem: at
    `name`, `connection` or another field of the body (those paths are added to
    `body_fields`), or at a field of the connection. Messages never repeat a value."""
    body, problems = parse_body(KEY, {}, raw, FIELDS)
    name = body.get("name")
    if "name" not in body and not any(p.path == "name" for p in problems):
        problems.append(InputProblem("name", "Name", "is required"))
    elif isinstance(name, str) and not NAME.match(name):
        problems.append(InputProblem("name", "Name", "use letters, digits, _, . and - (at most "
                                     "64), starting with a letter or digit"))
    elif isinstance(name, str) and name in existing:
        problems.append(InputProblem("name", "Name", "the service already has a connection of "
                                     "this name; choose another"))
    values = body.get("connection")
    if "connection" not in body and not any(p.path == "connection" for p in problems):
        problems.append(InputProblem("connection", "Connection", "is required"))
    body_fields |= set(FIELDS) | {p.path for p in problems}
    if isinstance(values, dict):
        problems += field_problems(schema, values)
        problems += untrusted_hosts(schema, values, existing.values())
    if problems:
        raise InputError(KEY, problems)
    return name, values


def field_problems(schema: Mapping[str, Any], values: Mapping[str, Any]) -> list[InputProblem]:
    """The connection schema's refusals, at the field they concern, without its value."""
    properties = schema.get("properties", {})
    problems = [InputProblem(name, _title(properties, name), "is required")
                for name in schema.get("required", []) if name not in values]
    for error in jsonschema.Draft202012Validator(schema).iter_errors(dict(values)):
        if error.validator == "required":
            continue  # each missing field is listed once, above
        if error.validator == "additionalProperties":
            problems += [InputProblem(name, name, "is not a field of this connection")
                         for name in error.instance if name not in properties]
        else:
            path = ".".join(str(part) for part in error.absolute_path)
            field = str(error.absolute_path[0]) if error.absolute_path else ""
            problems.append(InputProblem(path, _title(properties, field), _wording(error)))
    return problems


def untrusted_hosts(schema: Mapping[str, Any], values: Mapping[str, Any],
                    configured: Iterable[Mapping[str, Any]]) -> list[InputProblem]:
    """URI fields naming a host no configured connection (nor the schema's default) names."""
    configured = list(configured)
    problems = []
    for name, prop in schema.get("properties", {}).items():
        if prop.get("format") != "uri" or not isinstance(values.get(name), str):
            continue
        trusted = {_host(c.get(name)) for c in configured} | {_host(prop.get("default"))}
        if _host(values[name]) not in trusted - {None}:
            hosts = ", ".join(sorted(h for h in trusted if h)) or "none"
            problems.append(InputProblem(name, _title(schema.get("properties", {}), name),
                                         f"must name a host this service already uses ({hosts})"))
    return problems


def _host(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def _title(properties: Mapping[str, Any], name: str) -> str:
    return properties.get(name, {}).get("title", name)


TYPE_WORDS = {"string": "text", "array": "a list", "object": "an object", "number": "a number",
              "integer": "a whole number", "boolean": "true or false", "null": "empty"}


def _wording(error: jsonschema.ValidationError) -> str:
    """What is wrong, in words that never include the value (it may be a password)."""
    if error.validator == "type":
        types = [error.validator_value] if isinstance(error.validator_value, str) \
            else error.validator_value
        return "must be " + " or ".join(TYPE_WORDS.get(t, t) for t in types)
    if error.validator == "minLength":
        return "must not be blank" if error.validator_value == 1 else (
            f"must be at least {error.validator_value} characters")
    return f"is not valid ({error.validator})"
