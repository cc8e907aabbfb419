"""XML to JSON in the xml2js convention that existing workflows read.

With arrays on, every child becomes a list (`response.control[0].status[0]`), attributes sit
under "$" and text under "_" when an element has both. With arrays off, a list is made only for
repeated children. Records are plain nested dicts whose leaves are strings.
"""

from __future__ import annotations

from typing import Any

from lxml import etree


def element_to_json(element: etree._Element, *, arrays: bool = True) -> Any:
    """Convert one element's content (not its own tag) to JSON."""
    if not len(element) and not element.attrib:
        return element.text or ""  # most elements of a record: checked first, it is the hot path
    children = [c for c in element if isinstance(c.tag, str)]
    attributes = dict(element.attrib)
    text = (element.text or "").strip() if children else (element.text or "")
    if not children and not attributes:
        return text
    node: dict[str, Any] = {}
    if attributes:
        node["$"] = attributes
    if text:
        node["_"] = text
    repeated = _repeated(children) if not arrays else set()
    for child in children:
        value = element_to_json(child, arrays=arrays)
        if arrays or child.tag in repeated:
            node.setdefault(child.tag, []).append(value)
        else:
            node[child.tag] = value
    return node


def document_to_json(root: etree._Element, *, arrays: bool = True) -> dict[str, Any]:
    """The whole document, keyed by the root's tag: {"response": {...}}."""
    return {root.tag: element_to_json(root, arrays=arrays)}


def record_to_dict(element: etree._Element) -> Any:
    """A record as a plain dict: nested elements become dicts, repeated ones lists."""
    return element_to_json(element, arrays=False)


def _repeated(children: list[etree._Element]) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for child in children:
        (repeated if child.tag in seen else seen).add(child.tag)
    return repeated
