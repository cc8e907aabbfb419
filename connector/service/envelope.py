"""Reading a call's JSON body: {"connection", "inputs", ...} with every field checked.

The body is read with `connector.jsontext`, so what no gateway request can carry (text that is
not UTF-8, NaN, Infinity, lone surrogates, nesting deeper than any input needs) is refused here,
with the path of the value, and a fraction a float would round keeps its digits as a Decimal.

Problems with the request's own fields are InputProblems with the field as path; problems
inside `inputs` have the input's path (`vendorName`, `lines[0].amount`), as the connector's
validation reports them, so a client shows every problem against its form field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from connector import jsontext
from connector.errors import InputError, InputProblem

Check = Callable[[Any], str | None]
INPUTS = "inputs"


def is_string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def is_object(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a JSON object"


def is_boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def is_positive_int(value: Any) -> str | None:
    """An integer of at least 1; as in JSON Schema, 2.0 is the integer 2."""
    if (isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            and _integral(value) and value >= 1):
        return None
    return "must be an integer of at least 1"


def _integral(number: float | Decimal) -> bool:
    exact = Decimal(number)
    return exact == exact.to_integral_value()


TITLES = {"connection": "Connection", INPUTS: "Inputs", "search": "Search", "limit": "Limit",
          "cursor": "Cursor", "page": "Page"}


def parse_body(key: str, schema: Mapping[str, Any], raw: bytes, fields: Mapping[str, Check]
               ) -> tuple[dict[str, Any], list[InputProblem]]:
    """The body's known fields and the problems of the rest; an empty body is {}.

    Raises InputError when the body cannot be read as a JSON object: then nothing else about
    the call can be said. `schema` (the action's or data source's inputs) gives titles.
    """
    if not raw.strip():
        return {}, []
    try:
        body = jsontext.loads(raw)
    except jsontext.JSONTextError as exc:
        raise InputError(key, [_unreadable(exc, schema)]) from None
    if not isinstance(body, dict):
        raise InputError(key, [InputProblem("", "", "the request body must be a JSON object")])
    problems = []
    for name, value in body.items():
        check = fields.get(name)
        problem = (f"unknown field; expected {', '.join(fields)}" if check is None
                   else check(value))
        if problem:
            problems.append(InputProblem(name, TITLES.get(name, name), problem))
    return {k: v for k, v in body.items() if k in fields}, problems


def _unreadable(exc: jsontext.JSONTextError, schema: Mapping[str, Any]) -> InputProblem:
    """The problem at the path jsontext found: the body, a request field or an input."""
    if not exc.path:
        return InputProblem("", "", f"the request body {exc.problem}")
    if exc.path.startswith(INPUTS + "."):
        path = exc.path.removeprefix(INPUTS + ".")
        return InputProblem(path, _input_title(schema, path), exc.problem)
    field = exc.path.split(".")[0].split("[")[0]
    return InputProblem(exc.path, TITLES.get(field, field), exc.problem)


def _input_title(schema: Mapping[str, Any], path: str) -> str:
    """The titles of the properties along an input path, as the connector's validation gives
    them ("Invoice Line Items > Amount"); "" where the schema has none."""
    titles = []
    node: Any = schema
    for name in path.replace("[", ".[").split("."):
        if not isinstance(node, Mapping):
            break
        if name.startswith("["):
            node = node.get("items", {})
            continue
        node = node.get("properties", {}).get(name)
        if isinstance(node, Mapping) and node.get("title"):
            titles.append(node["title"])
    return " > ".join(titles)
