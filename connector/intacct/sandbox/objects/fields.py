"""Field definitions, written as tables: one line per field, parsed once at import.

A line reads ``NAME  TYPE  [flags]  [| Label]``::

    VENDORID        TEXT        required id returned     | Vendor ID
    STATUS          ENUM(active|inactive) default=active | Status
    CREDITLIMIT     CURRENCY                             | Credit limit
    DISPLAYCONTACT  @CONTACT                             | Contact info

TYPE is one of the data types the real `lookup` reports (TEXT, INTEGER, DECIMAL, CURRENCY,
PERCENT, DATE, TIMESTAMP, BOOLEAN, ENUM(values)) or ``@GROUP``: a nested block whose fields
come from the named group table, under dotted names (DISPLAYCONTACT.EMAIL1); the name ``*``
includes a group's fields at the same level. Flags: required,
readonly (the system sets it; a request's value is ignored), returned (a create or update
answers it), custom (a custom field of the sandbox's companies), default=VALUE (set on create
when not sent). A readonly group makes all its fields readonly. Without a label the name is
the label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

TYPES = frozenset(
    {"TEXT", "INTEGER", "DECIMAL", "CURRENCY", "PERCENT", "DATE", "TIMESTAMP", "BOOLEAN",
     "ENUM"})
_FLAGS = frozenset({"required", "readonly", "returned", "custom"})
_ENUM = re.compile(r"^ENUM\((?P<values>[^)]*)\)$")
_WORD = re.compile(r"ENUM\([^)]*\)|\S+")  # enum values may hold spaces: "Printed Check"
_LABEL = re.compile(r"\s\|")  # the label's bar follows a space; an enum's never does


@dataclass(frozen=True)
class Field:
    name: str  # dotted within groups: DISPLAYCONTACT.MAILADDRESS.CITY
    type: str
    label: str
    required: bool = False
    readonly: bool = False
    returned: bool = False
    custom: bool = False
    default: str | None = None
    valid_values: tuple[str, ...] = ()

    @cached_property
    def valid_lowercase(self) -> frozenset[str]:
        """The valid values as an enumeration's check compares them: ignoring case."""
        return frozenset(v.lower() for v in self.valid_values)


def table(text: str, groups: Mapping[str, tuple[Field, ...]] | None = None
          ) -> tuple[Field, ...]:
    """The fields of a table, groups expanded; ValueError names a bad line."""
    fields: list[Field] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            fields.extend(_line(line, groups or {}))
        except ValueError as exc:
            raise ValueError(f"field table line {number} ({line!r}): {exc}") from None
    names = [f.name for f in fields]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"field table repeats {', '.join(duplicates)}")
    return tuple(fields)


def _split_label(line: str) -> tuple[str, str]:
    parts = _LABEL.split(line, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _line(line: str, groups: Mapping[str, tuple[Field, ...]]) -> list[Field]:
    spec, label = _split_label(line)
    words = _WORD.findall(spec)
    if len(words) < 2:
        raise ValueError("a field needs a name and a type")
    name, kind, flags = words[0], words[1], words[2:]
    label = label.strip() or name
    known = {f for f in flags if f in _FLAGS}
    options = dict(f.split("=", 1) for f in flags if "=" in f)
    unknown = [f for f in flags if f not in _FLAGS and "=" not in f]
    if unknown or set(options) - {"default"}:
        raise ValueError(f"unknown flag(s) {', '.join(unknown or sorted(options))}")
    if kind.startswith("@"):
        members = groups.get(kind[1:])
        if members is None:
            raise ValueError(f"unknown group {kind}")
        prefix = "" if name == "*" else f"{name}."
        return [replace(f, name=f"{prefix}{f.name}",
                        readonly=f.readonly or "readonly" in known) for f in members]
    enum = _ENUM.match(kind)
    values = tuple(v for v in enum.group("values").split("|") if v) if enum else ()
    kind = "ENUM" if enum else kind
    if kind not in TYPES:
        raise ValueError(f"unknown type {kind}")
    if kind == "ENUM" and not values:
        raise ValueError("an ENUM needs its values: ENUM(a|b)")
    return [Field(name, kind, label, required="required" in known, readonly="readonly" in known,
                  returned="returned" in known, custom="custom" in known,
                  default=options.get("default"), valid_values=values)]
