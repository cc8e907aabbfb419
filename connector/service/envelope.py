"""Reading a call's JSON body: {"connection", "inputs", ...} with every field checked.

Problems with the request's own fields are InputProblems with the field as path, so a client
shows them exactly like problems with the inputs (and `connection` is the catalog's first form
field).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from connector.errors import InputProblem
from connector.service.errors import BadRequest

Check = Callable[[Any], str | None]


def is_string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def is_object(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a JSON object"


def is_positive_int(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return None
    return "must be an integer of at least 1"


TITLES = {"connection": "Connection", "inputs": "Inputs", "search": "Search", "limit": "Limit"}


def parse_body(raw: bytes, fields: Mapping[str, Check]) -> tuple[dict[str, Any],
                                                                  list[InputProblem]]:
    """The body's known fields and the problems of the rest; an empty body is {}.

    Raises BadRequest when the body is not a JSON object at all.
    """
    if not raw.strip():
        return {}, []
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    problems = []
    for name, value in body.items():
        check = fields.get(name)
        problem = (f"unknown field; expected {', '.join(fields)}" if check is None
                   else check(value))
        if problem:
            problems.append(InputProblem(name, TITLES.get(name, name), problem))
    return {k: v for k, v in body.items() if k in fields}, problems
