"""Turning a response into the output an action declares (`output.mode` in the manifest).

- response: the whole response as xml2js JSON (arrays on or off)
- result:   a summary of the first result: _status, _functionName, _controlId, _listType,
            _count, _data (its records)
- record:   the first record of the first result, as a dict (None when there is none)
- records:  every record across pages (the runtime follows pagination)
- xml:      the response text as received
- inputs:   the inputs that were sent, with the function's _controlId
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from lxml import etree

from connector.protocol import Response, Result
from connector.xmljson import document_to_json, record_to_dict

MODES = ("response", "result", "record", "records", "xml", "inputs")


def resolve_option(option: Any, inputs: Mapping[str, Any], default: Any = None) -> Any:
    """An output option is a constant or {input: name, values: {...}} read from the inputs."""
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


def add_keys(response: Response) -> None:
    """Give each successful result without a <key> one from its first record's RECORDNO."""
    for result in response.results:
        if result.status != "success" or result.element.find("key") is not None:
            continue
        recordno = result.records[0].findtext("RECORDNO") if result.records else None
        if recordno:
            key = etree.Element("key")
            key.text = recordno
            result.element.find("controlid").addnext(key)
            result.key = recordno


def shape(mode: str, response: Response, *, arrays: bool = True,
          inputs: Mapping[str, Any] | None = None) -> Any:
    """Shape a single response; `records` is handled by the runtime, which pages."""
    if mode == "response":
        return document_to_json(response.root, arrays=arrays)
    if mode == "xml":
        return response.raw.decode("utf-8")
    first = response.results[0] if response.results else None
    if mode == "result":
        return summary(first) if first is not None else None
    if mode == "record":
        records = first.records if first is not None else []
        return record_to_dict(records[0]) if records else None
    if mode == "inputs":
        return {"_controlId": first.controlid if first else None, **(inputs or {})}
    raise ValueError(f"unknown output mode {mode!r}")


def summary(result: Result) -> dict[str, Any]:
    records = [record_to_dict(r) for r in result.records]
    shaped = {
        "_status": result.status,
        "_functionName": result.function,
        "_controlId": result.controlid,
        "_listType": result.listtype,
        "_count": result.count if result.data is not None else len(records),
        "_data": records,
    }
    if result.already_applied:
        shaped["_alreadyApplied"] = True  # ran on an earlier attempt; its data was lost
    return shaped


def shape_result(mode: str, response: Response, index: int, *, arrays: bool = True,
                 inputs: Mapping[str, Any] | None = None) -> Any:
    """Shape one function's result out of a many-function response (bulk)."""
    if mode == "response":
        single = copy.deepcopy(response.root)
        operation = single.find("operation")
        for i, element in enumerate(operation.findall("result")):
            if i != index:
                operation.remove(element)
        return document_to_json(single, arrays=arrays)
    if mode == "xml":
        return etree.tostring(response.results[index].element, encoding="unicode")
    one = Response(root=response.root, raw=b"", results=[response.results[index]])
    return shape(mode, one, arrays=arrays, inputs=inputs)
