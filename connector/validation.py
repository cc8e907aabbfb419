"""Validating inputs against a JSON Schema: fast to accept, thorough to explain.

jsonschema (Draft 2020-12) is the authority and reports every error with its path, but it costs
a few microseconds per property on every call. fastjsonschema compiles a schema into Python code
that says valid-or-not an order of magnitude faster. Valid inputs, the common case, only pass
through the compiled check; jsonschema runs when that check fails, to list the problems (and to
overrule it where it is stricter, as with formats). The compiled check is used only for schemas
written with keywords both drafts read the same way, so it can never accept what jsonschema
would refuse.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import fastjsonschema
import jsonschema

# Keywords that draft-07 (what fastjsonschema compiles) and 2020-12 define identically.
_SHARED_KEYWORDS = frozenset({
    "type", "enum", "const", "properties", "required", "additionalProperties", "items",
    "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minProperties",
    "maxProperties", "propertyNames", "not", "anyOf", "oneOf", "allOf", "format",
})
# Keywords that only annotate: neither validator asserts anything for them.
_ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "title", "description", "examples", "default", "readOnly",
    "writeOnly", "deprecated", "contentMediaType", "contentEncoding",
})
_SUBSCHEMA_MAPS = ("properties",)
_SUBSCHEMAS = ("items", "additionalProperties", "propertyNames", "not")
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf")

# Schemas live as long as the connector that loaded them, so each is compiled once; the entry
# keeps the schema itself so a reused id() is never mistaken for it.
_CACHE: dict[int, tuple[Mapping[str, Any], jsonschema.Draft202012Validator,
                        Callable[[Any], Any] | None]] = {}


def schema_errors(schema: Mapping[str, Any], instance: Any,
                  format_checker: jsonschema.FormatChecker) -> list[jsonschema.ValidationError]:
    """Every error in `instance`, sorted by path; an empty list when it is valid."""
    cached = _CACHE.get(id(schema))
    if cached is None or cached[0] is not schema:
        full = jsonschema.Draft202012Validator(schema, format_checker=format_checker)
        fast = _compile(schema, format_checker) if _portable(schema) else None
        cached = _CACHE[id(schema)] = (schema, full, fast)
    _, full, fast = cached
    if fast is not None:
        try:
            fast(instance)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
    return sorted(full.iter_errors(instance), key=lambda e: list(map(str, e.path)))


def _compile(schema: Mapping[str, Any], format_checker: jsonschema.FormatChecker
             ) -> Callable[[Any], Any]:
    # Formats are checked by the authority's own checker, so both agree on them.
    formats = {name: functools.partial(_conforms, format_checker, name)
               for name in _formats_in(schema)}
    return fastjsonschema.compile(dict(schema), formats=formats, use_default=False,
                                  detailed_exceptions=False)


def _conforms(checker: jsonschema.FormatChecker, name: str, value: Any) -> bool:
    return checker.conforms(value, name)


def _portable(schema: Any) -> bool:
    """True when every keyword means the same in draft-07 and 2020-12 (x-* are ignored)."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, Mapping):
        return False
    for keyword, value in schema.items():
        if keyword.startswith("x-") or keyword in _ANNOTATIONS:
            continue
        if keyword not in _SHARED_KEYWORDS:
            return False
        if keyword in _SUBSCHEMA_MAPS and not all(_portable(s) for s in value.values()):
            return False
        if keyword in _SUBSCHEMAS and not _portable(value):
            return False
        if keyword in _SUBSCHEMA_LISTS and not all(_portable(s) for s in value):
            return False
    return True


def _formats_in(schema: Any) -> set[str]:
    if isinstance(schema, Mapping):
        found = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        for value in schema.values():
            found |= _formats_in(value)
        return found
    if isinstance(schema, list):
        return set().union(*map(_formats_in, schema)) if schema else set()
    return set()
