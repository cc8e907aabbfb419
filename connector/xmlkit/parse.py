"""Hardened XML parsing for everything that comes from outside: raw-XML inputs and responses.

No DTD is loaded, no entity is resolved, nothing is fetched from the network, and a size bound
applies. A DOCTYPE is refused outright: the gateway never sends one, and in an input it can only
be an attempt at entity expansion.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from lxml import etree

from connector.errors import XMLInputError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_DECLARATIONS = (b"DOCTYPE", b"ENTITY")
_THREAD = threading.local()
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def _parser() -> etree.XMLParser:
    """This thread's parser (a parser is not thread-safe, and making one costs more than a small
    document's parse)."""
    parser = getattr(_THREAD, "parser", None)
    if parser is None:
        parser = _THREAD.parser = _new_parser()
    return parser


_HARDENED = {"resolve_entities": False, "no_network": True, "load_dtd": False,
             "dtd_validation": False, "huge_tree": False, "remove_blank_text": True,
             "remove_comments": True, "remove_pis": True}
# How much of a document a pruning parse reads at a time (what stands as a tree at most).
PRUNE_CHUNK_BYTES = 64 * 1024


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(**_HARDENED)


def parse_document(data: bytes | str, *, what: str = "XML",
                   max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse a whole document, or raise XMLInputError naming `what` and the problem."""
    raw = _checked(data, what, max_bytes)
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        raise XMLInputError(f"{what} is not well-formed XML: {exc}") from None
    if root is None:
        raise XMLInputError(f"{what} is empty")
    _refuse_entities(root, what)
    return root


def parse_pruned(data: bytes, tag: str, take: Callable[[etree._Element], bool], *,
                 what: str = "XML", max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse a whole document as parse_document does, handing each element named `tag` to
    `take` as soon as it is complete; one `take` accepts is let go (cleared, then removed), so
    a long list of such elements never stands as a whole tree. Returns what remains."""
    raw = _checked(data, what, max_bytes)
    parser = etree.XMLPullParser(events=("end",), tag=tag, **_HARDENED)
    taken: etree._Element | None = None  # removed once the parser is past it
    try:
        for start in range(0, len(raw), PRUNE_CHUNK_BYTES):
            parser.feed(raw[start:start + PRUNE_CHUNK_BYTES])
            for _, element in parser.read_events():
                _refuse_entities(element, what)
                if not take(element):
                    continue
                element.clear()
                if taken is not None:
                    taken.getparent().remove(taken)
                taken = element
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise XMLInputError(f"{what} is not well-formed XML: {exc}") from None
    if taken is not None:
        taken.getparent().remove(taken)
    _refuse_entities(root, what)
    return root


def _checked(data: bytes | str, what: str, max_bytes: int) -> bytes:
    """The document's bytes, once its size and the absence of any declaration are checked."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise XMLInputError(f"{what} is {len(raw)} bytes, over the limit of {max_bytes}")
    if _declares(raw):
        raise XMLInputError(f"{what} contains a DOCTYPE or entity declaration, which is refused")
    return raw


def parse_fragment(text: str, *, what: str = "XML input",
                   max_bytes: int = DEFAULT_MAX_BYTES) -> list[etree._Element]:
    """Parse a fragment of zero or more sibling elements (text between them is not allowed)."""
    root = parse_document(f"<fragment>{text}</fragment>", what=what, max_bytes=max_bytes)
    if (root.text or "").strip() or any((child.tail or "").strip() for child in root):
        raise XMLInputError(f"{what} must contain only elements, not bare text")
    elements = [child for child in root if isinstance(child.tag, str)]
    for element in elements:
        element.tail = None
    return elements


def check_element_name(name: str, what: str) -> str:
    """Refuse a user-given element name that is not a plain XML name (no markup can hide in it)."""
    if not isinstance(name, str) or not _XML_NAME.match(name):
        raise XMLInputError(f"{what}: {name!r} is not a valid XML element name")
    return name


def _declares(raw: bytes) -> bool:
    """Whether the text holds `<!DOCTYPE` or `<!ENTITY`, in any case. It looks for "!", which
    few documents hold, rather than for "<", which a page holds a hundred thousand times."""
    bang = raw.find(b"!")
    while bang != -1:
        if bang and raw[bang - 1] == 0x3C and any(  # "<"
                raw[bang + 1:bang + 1 + len(word)].upper() == word for word in _DECLARATIONS):
            return True
        bang = raw.find(b"!", bang + 1)
    return False


def _refuse_entities(root: etree._Element, what: str) -> None:
    for node in root.iter(etree.Entity):
        raise XMLInputError(f"{what} contains the entity reference {node.text}, which is refused")
