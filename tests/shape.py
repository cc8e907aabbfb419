"""Comparing an action's output with the reference example: same keys and nesting.

The envelope must match key for key (what workflows read: data._data[0].RECORDNO,
data.response.operation[0].result[0].key[0]). Inside a record only the kind of value is
compared, because a record's fields are whatever the company holds.
"""

from __future__ import annotations

from typing import Any

_RECORD_CONTAINERS = ("_data",)


def shape_differences(actual: Any, example: Any, path: str = "data", *,
                      in_record: bool = False) -> list[str]:
    """Human-readable differences in structure; empty when the shapes agree."""
    if example is None:
        return []
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {type(actual).__name__}"]
        if in_record:
            return []
        problems = []
        for key, value in example.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
                continue
            record = key in _RECORD_CONTAINERS or _is_response_data(path, key)
            problems += shape_differences(actual[key], value, f"{path}.{key}", in_record=record)
        return problems
    if isinstance(example, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {type(actual).__name__}"]
        if not example or not actual:
            return []
        return shape_differences(actual[0], example[0], f"{path}[0]", in_record=in_record)
    if isinstance(actual, (dict, list)):
        return [f"{path}: expected a value, got {type(actual).__name__}"]
    return []


def _is_response_data(path: str, key: str) -> bool:
    # In response mode, the records inside result[].data[] vary with the company.
    return key == "data" and path.endswith("result[0]")


def record_shaped(example: Any) -> bool:
    """True for outputs that are a bare record or list of records (record/records modes)."""
    data = example.get("data") if isinstance(example, dict) else None
    return isinstance(data, list) or (isinstance(data, dict) and "RECORDNO" in data)


def assert_same_shape(actual: Any, example: Any) -> None:
    if record_shaped(example):
        data, want = actual["data"], example["data"]
        assert type(data) is type(want), f"data: expected {type(want).__name__}"
        first = data[0] if isinstance(data, list) and data else data
        assert not first or "RECORDNO" in first or isinstance(first, dict)
        return
    problems = shape_differences(actual, example, "")
    assert not problems, "output shape differs from the reference example:\n" + "\n".join(
        problems)
