"""Placing raw-XML inputs (Additional XML Tags, line items given as XML) into a rendered body.

They never pass through a template as text: each is parsed with the hardened parser and its
elements are appended where the manifest declares, so markup in an ordinary input can never
become structure, and markup in a raw-XML input must be well-formed and entity-free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from connector.errors import InputError, InputProblem, XMLInputError
from connector.xmlkit.parse import parse_fragment

MAX_XML_INPUT_BYTES = 1024 * 1024


def inject(action: str, declarations: Sequence[Mapping[str, Any]], body: etree._Element,
           inputs: Mapping[str, Any], titles: Mapping[str, str]) -> etree._Element:
    """The rendered body with each raw-XML input's elements appended where declared."""
    problems: list[InputProblem] = []
    for declaration in declarations:
        name = declaration["input"]
        value = inputs.get(name)
        if not isinstance(value, str):
            continue  # not given, or given as JSON and rendered by the template
        try:
            elements = parse_fragment(value, what=f"input {name}", max_bytes=MAX_XML_INPUT_BYTES)
        except XMLInputError as exc:
            problems.append(InputProblem(name, titles.get(name, ""), exc.message))
            continue
        _ensure_path(body, declaration["into"]).extend(elements)
    if problems:
        raise InputError(action, problems)
    return body


def _ensure_path(root: etree._Element, path: str) -> etree._Element:
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] != root.tag:
        raise XMLInputError(f"xml input path {path!r} must start at <{root.tag}>")
    node = root
    for part in parts[1:]:
        child = node.find(part)
        node = child if child is not None else etree.SubElement(node, part)
    return node
