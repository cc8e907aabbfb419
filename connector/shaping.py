"""The output modes every protocol can offer, from neutral results.

- record:  the first record of the first result, as a dict (None when there is none)
- records: every record across pages (the runtime follows pagination and streams them)
- inputs:  the inputs that were given, with the call's id (`_controlId`)

A protocol adds its own modes (Intacct: response, result, xml) and delegates these here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from connector.calls import Call

GENERIC_MODES = frozenset({"record", "records", "inputs"})


def resolve_option(option: Any, inputs: Mapping[str, Any], default: Any = None) -> Any:
    """A declared option is a constant or {input: name, values: {...}} read from the inputs."""
    if not isinstance(option, Mapping):
        return default if option is None else option
    value = inputs.get(option["input"])
    if value is None:
        return default
    mapping = option.get("values")
    if mapping is None:
        return value
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return mapping.get(text, default)


def first_record(results: Sequence[Any]) -> Any:
    records = results[0].records if results else []
    return records[0] if records else None


def echoed_inputs(call: Call, results: Sequence[Any],
                  text: Callable[[Any], Any] = lambda value: value) -> dict[str, Any]:
    """The given inputs (each passed through `text`, e.g. dates in the protocol's format)."""
    controlid = results[0].controlid if results else None
    return {"_controlId": controlid,
            **{name: _map(value, text) for name, value in call.given_values().items()}}


def _map(value: Any, text: Callable[[Any], Any]) -> Any:
    if isinstance(value, dict):
        return {k: _map(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_map(v, text) for v in value]
    return text(value)
