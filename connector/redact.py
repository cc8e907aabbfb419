"""Keeping secrets out of every output: logs, errors, previews and debug dumps.

Two nets: known secret values (passwords, session ids) are replaced wherever they appear, and the
text of sensitive elements (a protocol declares which) is replaced in any XML, whatever it holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

MASK = "***"


class Redactor:
    """Redacts the given secret values and the text of the given element names."""

    def __init__(self, secrets: Iterable[str] = (), tags: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._tags = {t.lower() for t in tags}
        self._tag_pattern = _tag_pattern(self._tags)
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        """Remember one more secret value (too-short values would mask ordinary text)."""
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def text(self, value: str) -> str:
        """Redact known secrets and sensitive elements from any text (XML or not)."""
        if self._tag_pattern is not None:
            value = self._tag_pattern.sub(lambda m: f"{m.group('start')}{MASK}{m.group('end')}",
                                          value)
        for secret in sorted(self._secrets, key=len, reverse=True):
            value = value.replace(secret, MASK)
        return value

    def bytes(self, value: bytes) -> str:
        return self.text(value.decode("utf-8", errors="replace"))


def _tag_pattern(tags: set[str]) -> re.Pattern[str] | None:
    """An element named by one of the tags, in any case and with any namespace prefix, and its
    text content, CDATA sections included."""
    if not tags:
        return None
    names = "|".join(sorted(map(re.escape, tags)))
    return re.compile(
        rf"(?P<start><(?P<name>(?:[\w.-]+:)?(?:{names}))(?:\s[^>]*)?>)"
        r"(?:<!\[CDATA\[.*?\]\]>|[^<])*"
        r"(?P<end></(?P=name)\s*>)",
        re.IGNORECASE | re.DOTALL)


def redact_value(redact: Callable[[str], str], value: Any) -> Any:
    """The same JSON value with every string passed through `redact`."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(redact, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(redact, item) for item in value]
    return value
