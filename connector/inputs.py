"""Checking a user's inputs against an action's JSON Schema before anything is sent.

Workflow platforms hand over text, so values are first coerced the way a person means them:
"true"/"false" for booleans, numeric text for numbers (exactly: a fraction a float would round
stays a Decimal), dates in ISO 8601 or a format the protocol accepts (Intacct: MM/DD/YYYY),
a comma-separated string for list inputs that declare `x-delimiter` (blank: not given), and a
list of {key, value} objects (a platform's key-value list) for object inputs that declare
`x-key-value`. Forms send "" for a field left empty: an input whose only text is blank
(`"type": ["boolean", "string"], "maxLength": 0`) takes other text as its other type and blank
as not given, so the schema says what is accepted. Grouped inputs are read into their flat
inputs first (connector.groups).

An input that takes an object of names and values, or a list of pairs standing for it
(`x-pairs`: [name, value] or {"name", "value"}), has the names of its pairs held to the
object's `propertyNames`, which JSON Schema cannot say of a pair.

Control characters other than tab, line feed and carriage return are refused wherever they
are, whatever the protocol: XML 1.0 cannot carry them at all (not even as character
references), and an input that one protocol could send and another not would make a flow's
validity depend on where it runs.

Then the whole input is validated (Draft 2020-12) and every problem is reported at once, each
with the input's title and the path the caller gave it at. A schema may word its own refusal
(`x-error-message` on the failing subschema) and say which input a rule about several is
reported at (`x-error-at`, below the failing value); `dependentRequired` is reported at the
input that is missing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from connector import jsontext
from connector.errors import InputError, InputProblem
from connector.groups import ungroup
from connector.validation import schema_errors

if TYPE_CHECKING:  # jsonschema is imported when a value is checked, not at start-up
    import jsonschema

ISO_DATE = "%Y-%m-%d"
_DATE_PARTS = {"%Y": ("(?P<year>\\d{4})", "YYYY"), "%m": ("(?P<month>\\d{1,2})", "MM"),
               "%d": ("(?P<day>\\d{1,2})", "DD")}
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The same characters as UTF-8 bytes (which no multi-byte character contains).
_CONTROL_BYTES = bytes(c for c in range(0x20) if chr(c) not in "\t\n\r")
_COERCIBLE = (str, list, dict)  # the types of value coercion may change
# Keywords under which a text schema's value is coerced all the same.
_AS_GIVEN_UNLESS = frozenset({"format", "x-delimiter", "x-pairs", "x-key-value", "items",
                              "properties"})
_NOT_GIVEN = object()  # what blank text is, where an input's only text is blank
Found = TypeVar("Found")
ERROR_MESSAGE = "x-error-message"
ERROR_AT = "x-error-at"


def prepare_inputs(action: str, schema: Mapping[str, Any], given: Mapping[str, Any] | None,
                   date_formats: tuple[str, ...] = ()) -> dict[str, Any]:
    """Coerce, default and validate; return the inputs to render or raise InputError.

    Dates are accepted as ISO 8601 and in the protocol's `date_formats` (strptime patterns of
    %Y, %m and %d), validated as ISO, and returned as `datetime.date` for the protocol to
    write its own way.
    """
    if given is not None and not isinstance(given, Mapping):
        raise InputError(action, [InputProblem("", "Inputs", "must be a JSON object of inputs")])
    inputs = dict(given or {})
    try:
        text = jsontext.check(inputs)
    except jsontext.JSONTextError as exc:
        raise InputError(action, [InputProblem(exc.path, _title(schema, _parts(exc.path)),
                                               exc.problem)]) from None
    grouped = ungroup(schema, inputs)
    problems = grouped.problems + _control_characters(schema, grouped.values, text)
    values = _coerce_object(schema, grouped.values, "", problems, date_formats)
    properties = schema.get("properties", {})
    for name, default in _defaults(schema).items():
        if name not in values:
            values[name] = default
    unknown = values.keys() - properties.keys()
    if unknown and schema.get("additionalProperties", False) is False:
        for name in sorted(unknown):
            problems.append(InputProblem(name, "", _unknown(name, properties)))
        values = {k: v for k, v in values.items() if k in properties}
    explained = {problem.path for problem in problems}  # coercion said it better
    for error in schema_errors(schema, values, _formats):
        problem = _problem(schema, error)
        if problem.path not in explained:
            problems.append(problem)
    if problems:
        raise InputError(action, _dedupe([_where_given(p, grouped.given_at) for p in problems]))
    return _dates(schema, values)


def parse_date(text: str, formats: tuple[str, ...] = ()) -> dt.date:
    """A date in one of `formats` or ISO 8601; ValueError with a readable message otherwise.

    An ISO 8601 timestamp (2023-01-01T00:00:00.000Z, as JavaScript writes dates) gives its
    date as written, with no time zone arithmetic.
    """
    patterns = (*formats, ISO_DATE)
    text = _ISO_TIMESTAMP.sub(r"\1", text.strip())
    for pattern in patterns:
        match = _date_pattern(pattern).fullmatch(text)
        if match:
            try:
                return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError as exc:
                raise ValueError(f"{text!r} is not a real date ({exc})") from None
    shown = " or ".join(_date_shown(pattern) for pattern in patterns)
    raise ValueError(f"{text!r} is not a date; use {shown}")


@functools.cache
def _date_pattern(pattern: str) -> re.Pattern[str]:
    text = re.escape(pattern)
    for code, (regex, _) in _DATE_PARTS.items():
        text = text.replace(re.escape(code), regex)
    return re.compile(text)


def _date_shown(pattern: str) -> str:
    for code, (_, shown) in _DATE_PARTS.items():
        pattern = pattern.replace(code, shown)
    return pattern


def _dates(schema: Any, value: Any) -> Any:
    """Validated ISO date strings (format: date) as datetime.date, anywhere in the inputs."""
    if not isinstance(schema, Mapping):
        return value
    if isinstance(value, str) and schema.get("format") == "date":
        return dt.date.fromisoformat(value)
    if isinstance(value, dict) and "properties" in schema:
        dated = _dated_properties(schema)
        if not dated:
            return value
        properties = schema["properties"]
        return {k: _dates(properties.get(k), v) if k in dated else v for k, v in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [_dates(schema["items"], item) for item in value]
    return value


def _dated_properties(schema: Mapping[str, Any]) -> frozenset[str]:
    """The properties whose schema has a date anywhere in it (found once per schema)."""
    return _per_schema(_DATED, schema, lambda: frozenset(
        name for name, prop in schema["properties"].items() if _mentions_date(prop)))


def _per_schema(table: dict[int, tuple[Mapping[str, Any], Found]],
                schema: Mapping[str, Any], find: Callable[[], Found]) -> Found:
    """What `find` says of `schema`, found once: the entry keeps the schema, as ids recycle."""
    cached = table.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = table[id(schema)] = (schema, find())
    return cached[1]


def _mentions_date(schema: Any) -> bool:
    if isinstance(schema, Mapping):
        return schema.get("format") == "date" or any(map(_mentions_date, schema.values()))
    if isinstance(schema, list):
        return any(map(_mentions_date, schema))
    return False


def _coerce_object(schema: Mapping[str, Any], values: dict[str, Any], path: str,
                   problems: list[InputProblem], date_formats: tuple[str, ...]
                   ) -> dict[str, Any]:
    properties = schema.get("properties", {})
    # Only text, lists and objects can need coercing, and only for inputs that do not take
    # text as it is (most inputs, looked past without a look at each).
    to_coerce = [(name, value) for name in _coercible(schema)
                 if type(value := values.get(name, _NOT_GIVEN)) in _COERCIBLE]
    for name, value in to_coerce:
        prop = properties[name]
        if isinstance(prop, (dict, Mapping)):  # dict first: it is the quicker check
            coerced = _coerce(prop, value, _join(path, name), problems, date_formats)
            if coerced is _NOT_GIVEN:
                del values[name]
            else:
                values[name] = coerced
    return values


def _defaults(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The properties that have a default, and their defaults (found once per schema)."""
    return _per_schema(_DEFAULTS, schema, lambda: {
        name: prop["default"] for name, prop in schema.get("properties", {}).items()
        if isinstance(prop, Mapping) and "default" in prop})


def _coercible(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """The properties whose values may need coercing: all but those that take text as it is
    (found once per schema)."""
    return _per_schema(_COERCIBLE_NAMES, schema, lambda: tuple(
        name for name, prop in schema.get("properties", {}).items()
        if not (isinstance(prop, Mapping) and _takes_text_as_is(prop))))


def _takes_text_as_is(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "string" and not _AS_GIVEN_UNLESS.intersection(schema)


def _coerce(schema: Mapping[str, Any], value: Any, path: str,
            problems: list[InputProblem], date_formats: tuple[str, ...]) -> Any:
    kind = type(value)
    if kind is str and _takes_text_as_is(schema):
        return value  # the common case, and nothing to coerce
    if kind is not str and kind is not list and kind is not dict:
        return value  # a number, a boolean, null: already what it is
    types = _types(schema)
    only_blank = "string" in types and len(types) > 1 and schema.get("maxLength") == 0
    if only_blank and isinstance(value, str) and not value.strip():
        return _NOT_GIVEN
    if isinstance(value, str) and types & {"array", "object"} and value.lstrip()[:1] in "[{":
        # Workflow platforms hand over text: JSON text for a list or object input is decoded
        # (XML, the other text such inputs take, starts with "<").
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            problems.append(InputProblem(path, schema.get("title", ""),
                                         f"looks like JSON but is not valid: {exc.msg}"))
            return value
    if isinstance(value, str):
        if "x-delimiter" in schema and "array" in types:
            parts = [part.strip() for part in value.split(schema["x-delimiter"])]
            return [part for part in parts if part] or _NOT_GIVEN
        if schema.get("format") == "date":
            try:
                return parse_date(value, date_formats).isoformat()
            except ValueError as exc:
                problems.append(InputProblem(path, schema.get("title", ""), str(exc)))
                return value
        if only_blank:
            coerced = _coerce_text(types, value)
            if isinstance(coerced, str):  # neither blank nor a value of the other type
                other = " or ".join(sorted(types - {"string"}))
                problems.append(InputProblem(path, schema.get("title", ""),
                                             f"{value!r} is not of type {other}"))
            return coerced
        if "string" not in types:
            return _coerce_text(types, value)
    if schema.get("x-pairs") and isinstance(value, list):
        problems.extend(_pair_name_problems(schema, value, path))
    if schema.get("x-key-value") and _key_value_list(value):
        return {item["key"]: item["value"] for item in value}
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        items = (_coerce(schema["items"], item, f"{path}[{i}]", problems, date_formats)
                 for i, item in enumerate(value))
        return [item for item in items if item is not _NOT_GIVEN]
    if isinstance(value, dict) and "properties" in schema:
        return _coerce_object(schema, value, path, problems, date_formats)
    return value


def _pair_name_problems(schema: Mapping[str, Any], pairs: list[Any], path: str
                        ) -> list[InputProblem]:
    """The names of [name, value] and {"name", "value"} pairs that the object form's
    propertyNames pattern refuses."""
    pattern = (schema.get("propertyNames") or {}).get("pattern")
    if not pattern:
        return []
    problems = []
    for i, pair in enumerate(pairs):
        name = (pair[0] if isinstance(pair, list) and pair else
                pair.get("name") if isinstance(pair, Mapping) else None)
        if isinstance(name, str) and not re.search(pattern, name):
            problems.append(InputProblem(f"{path}[{i}]", schema.get("title", ""),
                                         f"{name!r} is not a name this input takes (it must "
                                         f"match {pattern})"))
    return problems


def _key_value_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(item, Mapping) and set(item) == {"key", "value"}
        and isinstance(item["key"], str) for item in value)


def _control_characters(schema: Mapping[str, Any], values: Mapping[str, Any], text: str
                        ) -> list[InputProblem]:
    """Every text (value or name) holding a character no text request can carry; `text` is
    all of the inputs' text (jsontext.check's), which tells the common case, none, in C."""
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw.translate(None, _CONTROL_BYTES)) == len(raw):
        return []
    problems = []
    stack: list[tuple[Any, str]] = [(values, "")]
    while stack:
        node, path = stack.pop()
        kind = type(node)  # parsed JSON: exact types, checked without the ABCs' cost
        if kind is str:
            found = _CONTROL.search(node)
            if found:
                problems.append(InputProblem(path, _title(schema, _parts(path)), (
                    f"contains the control character U+{ord(found.group()):04X}; of the "
                    "control characters only tab, line feed and carriage return can be sent")))
        elif kind is dict:
            for key, item in node.items():
                stack.append((str(key), path))
                stack.append((item, _join(path, str(key))))
        elif kind is list:
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node))
    return sorted(problems, key=lambda p: p.path)


def _coerce_text(types: set[str], value: str) -> Any:
    text = value.strip()
    if "boolean" in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if "integer" in types and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if "number" in types and _NUMBER.match(text):
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        return jsontext.exact_number(text)
    return value


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def _problem(schema: Mapping[str, Any], error: jsonschema.ValidationError) -> InputProblem:
    path = list(error.path)
    message = error.message
    rule = error.schema if isinstance(error.schema, Mapping) else {}
    own = rule.get(ERROR_MESSAGE)
    if ERROR_AT in rule:
        path.append(rule[ERROR_AT])
    if own:
        message = own
    elif error.validator == "dependentRequired":
        missing = re.match(r"'([^']+)' is a dependency of '([^']+)'", message)
        if missing:
            path, message = [missing.group(1)], f"is required when {missing.group(2)} is given"
    elif error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", message)
        if missing:
            path.append(missing.group(1))
            message = "is required"
    elif error.validator == "additionalProperties":
        unknown = re.findall(r"'([^']+)'", message.split("(")[-1])
        return InputProblem(_format(path), _title(schema, path),
                            f"has no input(s) named {', '.join(unknown)}")
    elif error.validator == "type":
        message = f"{error.instance!r} is not of type {error.validator_value}"
    return InputProblem(_format(path), _title(schema, path), message)


def _where_given(problem: InputProblem, given_at: Mapping[str, str]) -> InputProblem:
    """A problem of a grouped input at the path it was given at ("contactDetails.city")."""
    head, rest = re.match(r"([^.\[]*)(.*)", problem.path).groups()
    if head in given_at:
        return InputProblem(given_at[head] + rest, problem.title, problem.problem)
    return problem


def _title(schema: Mapping[str, Any], path: list[Any]) -> str:
    titles = []
    node: Any = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {}) if isinstance(node, Mapping) else {}
            continue
        node = node.get("properties", {}).get(part, {}) if isinstance(node, Mapping) else {}
        if isinstance(node, Mapping) and node.get("title"):
            titles.append(node["title"])
    return " > ".join(titles)


def _unknown(name: str, properties: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(properties), n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"is not an input of this action{hint}"


def _parts(path: str) -> list[Any]:
    """A problem path ("lines[0].memo") back into its parts, for its title."""
    return [int(p) if p.isascii() and p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]


def _format(path: list[Any]) -> str:
    text = ""
    for part in path:
        text = f"{text}[{part}]" if isinstance(part, int) else _join(text, str(part))
    return text


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _dedupe(problems: list[InputProblem]) -> list[InputProblem]:
    return list(dict.fromkeys(problems))


# Per schema (by identity; the entry keeps the schema), the properties that may hold dates,
# those whose values may need coercing, and the defaults.
_DATED: dict[int, tuple[Mapping[str, Any], frozenset[str]]] = {}
_COERCIBLE_NAMES: dict[int, tuple[Mapping[str, Any], tuple[str, ...]]] = {}
_DEFAULTS: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}


@functools.cache
def _formats() -> jsonschema.FormatChecker:
    import jsonschema

    return jsonschema.FormatChecker()
