"""Grouped inputs: sections for forms, and the nested form some callers send.

A schema may gather its inputs into groups: `x-groups` at its root names each group (key ->
title, description) and `x-group` on a property puts that input in one. A form builder shows
a section per group; the inputs stay flat, which is the contract. A caller may instead send a
group as one object of its members, each named as the property or by its name inside the group
(`x-group-key`), which is how the component this connector re-implements sends them. That
form arrives with every member, "" where the form was left blank, so a blank member is not
given (even one this connector does not have, such as a member the component sends to no
effect). Each grouped value is read into its flat input here, before anything else looks at it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connector.errors import InputProblem

GROUPS = "x-groups"
GROUP = "x-group"
KEY_IN_GROUP = "x-group-key"


@dataclass
class Ungrouped:
    """The flat inputs, where each grouped one was given, and what was wrong."""

    values: dict[str, Any]
    given_at: dict[str, str] = field(default_factory=dict)  # flat name -> "group.member"
    problems: list[InputProblem] = field(default_factory=list)


def members(schema: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Group key -> {name a member may have inside the group -> its flat input}."""
    found: dict[str, dict[str, str]] = {key: {} for key in schema.get(GROUPS, {})}
    for name, prop in schema.get("properties", {}).items():
        group = prop.get(GROUP) if isinstance(prop, Mapping) else None
        if group in found:
            found[group][prop.get(KEY_IN_GROUP, name)] = name
            found[group][name] = name
    return found


def ungroup(schema: Mapping[str, Any], given: dict[str, Any]) -> Ungrouped:
    """The inputs with every group object read into its members' flat inputs."""
    groups = schema.get(GROUPS)
    properties = schema.get("properties", {})
    if not groups or all(k in properties for k in groups.keys() & given.keys()):
        return Ungrouped(given)
    by_group = members(schema)
    result = Ungrouped({k: v for k, v in given.items() if k not in groups or k in properties})
    for key, value in given.items():
        if key in groups and key not in properties:
            _read_group(key, value, groups[key], by_group[key], result)
    return result


def _read_group(key: str, value: Any, group: Mapping[str, Any], names: Mapping[str, str],
                result: Ungrouped) -> None:
    title = group.get("title", key)
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            result.problems.append(InputProblem(key, title,
                                                f"looks like JSON but is not valid: {exc.msg}"))
            return
    if value is None or value == "":
        return
    if not isinstance(value, Mapping):
        shown = ", ".join(_own_names(names))
        result.problems.append(InputProblem(key, title, "must be an object of its inputs "
                                                        f"({shown}), not {value!r}"))
        return
    for member, member_value in value.items():
        path = f"{key}.{member}"
        name = names.get(member)
        if member_value is None or member_value == "":
            continue  # left blank: nothing to send, whatever its name
        if name is None:
            result.problems.append(InputProblem(path, "", f"is not an input of {title} (it has "
                                                          f"{', '.join(_own_names(names))})"))
        elif name in result.values:
            shown = result.given_at.get(name, name)
            result.problems.append(InputProblem(path, "", f"is also given as {shown}; give one "
                                                          f"of {path} and {shown}"))
        else:
            result.values[name] = member_value
            result.given_at[name] = path


def _own_names(names: Mapping[str, str]) -> list[str]:
    """The names the group itself uses for its members (x-group-key where declared)."""
    shown: dict[str, str] = {}
    for member, name in names.items():
        shown.setdefault(name, member)
    return list(shown.values())
