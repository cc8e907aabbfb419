"""JSON responses: never cached, and exact for the numbers inputs carried as Decimals."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from starlette.responses import JSONResponse


class APIResponse(JSONResponse):
    """JSON that is never cached: API answers carry business data."""

    def __init__(self, content: Any, status_code: int = 200,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(content, status_code, {"Cache-Control": "no-store", **(headers or {})})

    def render(self, content: Any) -> bytes:
        try:
            text = _dumps(content, default=_plain)
        except _Exact:
            text = exact_json(content)
        return text.encode("utf-8")


def exact_json(value: Any) -> str:
    """JSON text in which every Decimal is the number it holds, digit for digit.

    Inputs keep the digits of a fraction a float would round as a Decimal (connector.jsontext),
    and actions that echo their inputs must give them back unchanged; `json` can only write a
    Decimal as a string or a rounded float.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_dumps(str(key))}:{exact_json(item)}"
                              for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(exact_json(item) for item in value) + "]"
    return _dumps(value)


class _Exact(Exception):
    """The value holds a Decimal: it needs exact_json."""


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        raise _Exact
    return str(value)


_dumps = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False, default=str,
                           separators=(",", ":"))
