"""XML to JSON in the xml2js convention that existing workflows read.

With arrays on, every child becomes a list (`response.control[0].status[0]`), attributes sit
under "$" and text under "_" when an element has both. With arrays off, a list is made only for
repeated children. Records are plain nested dicts whose leaves are strings.
"""

from __future__ import annotations

from collections import Counter
from sys import intern
from typing import Any

from lxml import etree


def element_to_json(element: etree._Element, *, arrays: bool = True) -> Any:
    """Convert one element's content (not its own tag) to JSON."""
    if not len(element) and not element.attrib:
        return element.text or ""  # most elements of a record: checked first, it is the hot path
    children = [c for c in element if isinstance(c.tag, str)]
    attributes = element.attrib
    text = (element.text or "").strip() if children else (element.text or "")
    if not children and not attributes:
        return text
    node: dict[str, Any] = {}
    if attributes:
        node["$"] = dict(attributes)
    if text:
        node["_"] = text
    tags = [child.tag for child in children]
    repeated = _repeated(tags) if not arrays else ()
    for tag, child in zip(tags, children, strict=True):
        value = (child.text or "") if not len(child) and not child.attrib else (
            element_to_json(child, arrays=arrays))
        if arrays or tag in repeated:
            node.setdefault(tag, []).append(value)
        else:
            node[tag] = value
    return node


def document_to_json(root: etree._Element, *, arrays: bool = True) -> dict[str, Any]:
    """The whole document, keyed by the root's tag: {"response": {...}}."""
    return {root.tag: element_to_json(root, arrays=arrays)}


def record_to_dict(element: etree._Element, *, attributes: bool = True) -> Any:
    """A record as a plain dict: nested elements become dicts, repeated ones lists.

    A page holds a thousand records of plain fields, so they are read in one pass (their field
    names interned: a page's records share one copy of each); a record with anything else
    (attributes, text, repeated fields) is read by element_to_json. `attributes=False` says
    the caller knows no element in it has one (a page without "=" past its <data>), which
    spares a look at every field's.
    """
    if (attributes and element.attrib) or (element.text and element.text.strip()):
        return element_to_json(element, arrays=False)
    try:
        node = {intern(child.tag): (child.text or "")
                if not len(child) and not (attributes and child.attrib)
                else record_to_dict(child, attributes=attributes) for child in element}
    except TypeError:  # a comment or processing instruction (its tag is not a name)
        return element_to_json(element, arrays=False)
    if not node or len(node) != len(element):  # no fields, or a repeated one
        return element_to_json(element, arrays=False)
    return node


def _repeated(tags: list[str]) -> set[str]:
    if len(set(tags)) == len(tags):
        return set()
    return {tag for tag, count in Counter(tags).items() if count > 1}
