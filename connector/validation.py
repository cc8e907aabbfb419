from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:  # jsonschema is imported only to explain an invalid input
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
# keeps the schema itself so a reused id() is never mistaken for it. The full validator is
# made the first time it is needed.
_CACHE: dict[tuple[int, bool], _Checks] = {}
# Makes the checker of formats; None checks no format (jsonschema's default).
FormatCheckerFactory = Callable[[], "jsonschema.FormatChecker"] | None


class _Checks:
    """One schema's compiled check (None when the schema is not portable) and full validator."""

    def __init__(self, schema: Mapping[str, Any], format_checker: FormatCheckerFactory
                 ) -> None:
        self.schema, self.format_checker = schema, format_checker
        self.fast = _compile(schema, format_checker) if _portable(schema) else None
        self._full: jsonschema.Draft202012Validator | None = None

    @property
    def full(self) -> jsonschema.Draft202012Validator:
        if self._full is None:
            import jsonschema

            checker = self.format_checker() if self.format_checker else None
            self._full = jsonschema.Draft202012Validator(self.schema, format_checker=checker)
        return self._full


def schema_errors(schema: Mapping[str, Any], instance: Any,
                  format_checker: FormatCheckerFactory) -> list[jsonschema.ValidationError]:
    """Every error in `instance`, sorted by path; an empty list when it is valid.
    `format_checker` makes the checker of formats, called only when one is needed (jsonschema
    is imported only then, or to explain an invalid instance)."""
    key = (id(schema), format_checker is None)
    checks = _CACHE.get(key)
    if checks is None or checks.schema is not schema:
        checks = _CACHE[key] = _Checks(schema, format_checker)
    if checks.fast is not None:
        try:
            checks.fast(instance)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
    return sorted(checks.full.iter_errors(instance), key=lambda e: list(map(str, e.path)))


def _compile(schema: Mapping[str, Any], format_checker: FormatCheckerFactory
             ) -> Callable[[Any], Any]:
    # Formats are checked by the authority's own checker, so both agree on them.
    names = _formats_in(schema)
    if format_checker is None:
        formats: dict[str, Callable[[Any], bool]] = {name: _any_value for name in names}
    else:
        checker = format_checker() if names else None
        formats = {name: functools.partial(_conforms, checker, name) for name in names}
    return fastjsonschema.compile(dict(schema), formats=formats, use_default=False,
                                  detailed_exceptions=False)


def _any_value(value: Any) -> bool:
    return True


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
