"""A create's or update's record held against the object's definition, before anything is
stored: a field the object does not have is refused, a value of the wrong type is refused
(dates MM/DD/YYYY, numbers, booleans, enumerations), and a read-only field is ignored (the
system sets it). Every problem is reported, then the "Could not create ... record!" wrapper, as
the real gateway closes a failed write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from . import errors
from .errors import ErrorEntry, Refused
from .objects import Field, ObjectDef, lookup
from .store import Record

_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

_EXPECTED = {
    "INTEGER": "a whole number",
    "DECIMAL": "a number",
    "CURRENCY": "an amount",
    "PERCENT": "a number",
    "DATE": "a date as MM/DD/YYYY",
    "BOOLEAN": "true or false",
}


def accepted(odef: ObjectDef, data: Record, verb: str) -> Record:
    """The record as it will be stored, or Refused with every problem found."""
    problems: list[ErrorEntry] = []
    lines = odef.lines
    wrapper = data.get(lines.wrapper) if lines is not None else None
    header = {k: v for k, v in data.items() if lines is None or k != lines.wrapper}
    out = _walk(odef, header, "", problems)
    if lines is not None and lines.wrapper in data:
        line_def = lookup(lines.object)
        assert line_def is not None
        out[lines.wrapper] = _lines(line_def, lines.item, wrapper, problems)
    if problems:
        raise Refused(*problems, errors.could_not(verb, odef.label))
    return out


def _walk(odef: ObjectDef, values: dict[str, Any], prefix: str,
          problems: list[ErrorEntry]) -> Record:
    out: Record = {}
    groups, fields = odef.groups, odef.by_name
    for key, value in values.items():
        path = prefix + key
        if path in groups:
            if isinstance(value, dict):
                out[key] = _walk(odef, value, path + ".", problems)
            elif value != "":  # an empty block element changes nothing
                problems.append(errors.invalid_value(odef.name, path, path, str(value),
                                                     "a block of fields"))
            continue
        field = fields.get(path)
        if field is None:
            problems.append(errors.unknown_field(odef.name, path))
        elif not field.readonly:
            problem = _value_problem(field, value)
            if problem:
                shown = value if isinstance(value, str) else "(a block or a repeated element)"
                problems.append(errors.invalid_value(odef.name, path, field.label, shown,
                                                     problem))
            else:
                out[key] = value
    return out


def _lines(line_def: ObjectDef, item: str, wrapper: Any,
           problems: list[ErrorEntry]) -> Any:
    """The lines wrapper with each line checked against the line object."""
    if not isinstance(wrapper, dict):
        return wrapper
    out: Record = {}
    for key, items in wrapper.items():
        if key not in (item, item.lower()):
            problems.append(errors.unknown_field(line_def.name, key))
            continue
        checked = [_walk(line_def, line, "", problems) if isinstance(line, dict) else line
                   for line in (items if isinstance(items, list) else [items])]
        out[key] = checked if isinstance(items, list) else checked[0]
    return out


def _value_problem(field: Field, value: Any) -> str | None:
    """What the value should have been, or None when it fits the field's type."""
    if not isinstance(value, str):
        return "a single value"
    text = value.strip()  # an empty element empties the field: it fits every type
    if field.type == "ENUM":
        if not text or text.lower() in field.valid_lowercase:
            return None
        return f"one of {', '.join(field.valid_values)}"
    fits = _FITS.get(field.type)  # none for text and timestamps: any value fits
    if fits is None or not text or fits(text):
        return None
    return _EXPECTED[field.type]


def _is_date(text: str) -> bool:
    match = _DATE.match(text)
    if match is None:
        return False
    month, day, year = (int(part) for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_FITS: dict[str, Callable[[str], object]] = {
    "INTEGER": _INTEGER.match,
    "DECIMAL": _NUMBER.match,
    "CURRENCY": _NUMBER.match,
    "PERCENT": _NUMBER.match,
    "DATE": _is_date,
    "BOOLEAN": lambda text: text.lower() in ("true", "false"),
}
