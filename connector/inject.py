"""Placing raw-XML inputs (Additional XML Tags, line items as XML, rawRequest's Data).

They never pass through a template as text: each is parsed with the hardened parser and its
elements are appended where the manifest declares, so markup in an ordinary input can never
become structure, and markup in a raw-XML input must be well-formed and entity-free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from connector.errors import InputError, InputProblem, XMLInputError
from connector.xmlsafe import parse_fragment

MAX_XML_INPUT_BYTES = 1024 * 1024


def function_bodies(action: str, declarations: Sequence[Mapping[str, Any]],
                    rendered: etree._Element | None, inputs: Mapping[str, Any],
                    titles: Mapping[str, str]) -> list[etree._Element]:
    """The function bodies to send: the rendered one with raw XML injected, or the raw ones."""
    problems: list[InputProblem] = []
    bodies = [rendered] if rendered is not None else []
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
        if declaration.get("as_function"):
            bodies.extend(_unwrap_functions(elements))
        elif rendered is not None:
            target = _ensure_path(rendered, declaration["into"])
            target.extend(elements)
    if problems:
        raise InputError(action, problems)
    if not bodies:
        raise InputError(action, [InputProblem("", "", "no function to send")])
    return bodies


def _unwrap_functions(elements: list[etree._Element]) -> list[etree._Element]:
    """Accept either bare function bodies or <function> wrappers around them."""
    bodies = []
    for element in elements:
        if element.tag == "function":
            bodies.extend(child for child in element if isinstance(child.tag, str))
        else:
            bodies.append(element)
    return bodies


def _ensure_path(root: etree._Element, path: str) -> etree._Element:
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] != root.tag:
        raise XMLInputError(f"xml input path {path!r} must start at <{root.tag}>")
    node = root
    for part in parts[1:]:
        child = node.find(part)
        node = child if child is not None else etree.SubElement(node, part)
    return node
