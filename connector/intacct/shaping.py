"""Intacct's output modes, in the JSON shapes the existing Sage Intacct component produces.

- response: the whole response as xml2js JSON (arrays on or off)
- result:   a summary of the first result: _status, _functionName, _controlId, _listType,
            _count, _data (its records)
- xml:      the response text as received
- record, records, inputs: the generic modes (connector.shaping)

A call's results may be a part of a response (a bulk request carries many calls); each mode
then shows only that call's results. Facts derived from a result are written into the output
here, never into the parsed response: a function that had already run shows as a success with
<alreadyapplied>, and `key_from_record` gives a result without <key> its record's RECORDNO.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any

from lxml import etree

from connector import shaping
from connector.calls import Call
from connector.intacct.response import Response, Result
from connector.xmlkit.templates import xml_text
from connector.xmlkit.xml2js import document_to_json, element_to_json

MODES = frozenset({"response", "result", "xml"}) | shaping.GENERIC_MODES


def shape(call: Call, response: Response, results: Sequence[Result]) -> Any:
    mode, arrays = call.output.mode, call.output.arrays
    keys = _derived_keys(results) if call.output.key_from_record else {}
    if mode == "response":
        return _document(response, results, arrays, keys)
    if mode == "xml":
        if len(results) == len(response.results):
            return response.raw.decode("utf-8")
        return "".join(etree.tostring(_patched(r, keys.get(id(r))), encoding="unicode")
                       for r in results)
    if mode == "result":
        return summary(results[0]) if results else None
    if mode == "record":
        return shaping.first_record(results)
    if mode == "inputs":
        return shaping.echoed_inputs(call, results, _as_text)
    raise ValueError(f"unknown output mode {mode!r}")


def summary(result: Result) -> dict[str, Any]:
    data = result.data
    records = result.records
    shaped = {
        "_status": "success" if result.already_applied else result.status,
        "_functionName": result.function,
        "_controlId": result.controlid,
        "_listType": result.attribute("listtype"),
        "_count": result.count if data is not None else len(records),
        "_data": records,
    }
    if result.already_applied:
        shaped["_alreadyApplied"] = True  # ran on an earlier attempt; its data was lost
    return shaped


def example_matches(mode: str, data: Any) -> bool:
    """Whether an example output has the structure a mode produces (the standard suite)."""
    expected = {
        "result": lambda d: isinstance(d, dict) and {"_status", "_data"} <= set(d),
        "response": lambda d: isinstance(d, dict) and "response" in d,
        "record": lambda d: isinstance(d, dict) and "RECORDNO" in d,
        "records": lambda d: isinstance(d, list),
        "xml": lambda d: isinstance(d, str),
        "inputs": lambda d: isinstance(d, dict) and "_controlId" in d,
    }
    return expected[mode](data)


def _document(response: Response, results: Sequence[Result], arrays: bool,
              keys: dict[int, str]) -> dict[str, Any]:
    """The response as JSON, with only these results, each as it is to be reported."""
    shaped = document_to_json(response.root, arrays=arrays)
    operation = shaped["response"].get("operation")
    untouched = not keys and not any(r.already_applied for r in results)
    if operation is None or (untouched and len(results) == len(response.results)):
        return shaped
    operation = operation[0] if arrays else operation
    wanted = [element_to_json(_patched(r, keys.get(id(r))), arrays=arrays) for r in results]
    if arrays or len(wanted) > 1:
        operation["result"] = wanted
    elif wanted:
        operation["result"] = wanted[0]
    else:
        operation.pop("result", None)
    return shaped


def _patched(result: Result, key: str | None) -> etree._Element:
    """The result element as reported: the parsed one, or a copy with the derived facts."""
    if not result.already_applied and key is None:
        return result.element
    element = copy.deepcopy(result.element)
    if result.already_applied:
        element.find("status").text = "success"
        errormessage = element.find("errormessage")
        if errormessage is not None:
            element.remove(errormessage)
        etree.SubElement(element, "alreadyapplied").text = "true"
    if key is not None:
        key_element = etree.Element("key")
        key_element.text = key
        element.find("controlid").addnext(key_element)
    return element


def _derived_keys(results: Sequence[Result]) -> dict[int, str]:
    """RECORDNO as the key of each successful result that has no <key> of its own."""
    keys = {}
    for result in results:
        if result.status != "success" or result.element.find("key") is not None:
            continue
        records = result.record_elements
        recordno = records[0].findtext("RECORDNO") if records else None
        if recordno:
            keys[id(result)] = recordno
    return keys


def _as_text(value: Any) -> Any:
    """Dates as the gateway writes them; everything else as it was given."""
    return xml_text(value) if isinstance(value, dt.date) else value
