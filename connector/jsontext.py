"""Reading JSON (and YAML) that users and platforms hand over, without surprises.

Whatever parses must also be sendable: text that is not UTF-8, NaN and Infinity (not JSON, and
no gateway field takes them), lone surrogates (they cannot be encoded into a request) and
nesting deeper than any input needs are refused with the path of the value, before anything is
sent. Numbers keep their digits: a fraction that a float would round is read as a Decimal.
"""

from __future__ import annotations

import functools
import json
import math
import re
from decimal import Decimal
from typing import Any

MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


class JSONTextError(ValueError):
    """Unusable input text; `path` locates the value ("" for the whole text)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path, self.problem = path, problem


def exact_number(text: str) -> float | Decimal:
    """A float when it holds the written value exactly enough to print it back, else a Decimal."""
    number = float(text)
    if math.isinf(number):
        return Decimal(text)
    return number if Decimal(repr(number)) == Decimal(text) else Decimal(text)


def loads(data: bytes | str) -> Any:
    """Parse JSON text and check every value (see the module docstring)."""
    text = decode(data)
    try:
        value = json.loads(text, parse_float=exact_number, parse_constant=float)
    except RecursionError:
        raise JSONTextError(_too_deep_at(text), f"is nested more than {MAX_DEPTH} levels deep"
                            ) from None
    except json.JSONDecodeError as exc:
        raise JSONTextError("", f"is not valid JSON: {exc}") from None
    check(value)
    return value


def loads_json_or_yaml(data: bytes | str) -> Any:
    """JSON when the text is JSON (exact numbers), YAML otherwise; checked either way."""
    text = decode(data)
    if not text.strip():
        return None
    try:
        return loads(text)
    except JSONTextError as exc:
        if exc.path or "not valid JSON" not in exc.problem:
            raise
    import yaml  # on first use: JSON text, the common case, never needs it

    try:
        value = yaml.load(text, Loader=_exact_loader())
    except RecursionError:
        raise JSONTextError("", f"is nested more than {MAX_DEPTH} levels deep") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise JSONTextError("", f"is neither JSON nor YAML: {problem}{where}") from None
    check(value)
    return value


def _too_deep_at(text: str) -> str:
    """Where JSON text first nests deeper than MAX_DEPTH, as a value path (scanned only when
    the parser gave up, so the path can name the input)."""
    frames: list[list] = []  # per open container: [its kind, the key or index being read]
    position = 0
    while position < len(text) and len(frames) <= MAX_DEPTH:
        char = text[position]
        if char == '"':
            end = _STRING.match(text, position).end()
            if frames and frames[-1][0] == "{" and text[end:].lstrip().startswith(":"):
                frames[-1][1] = json.loads(text[position:end])
            position = end
            continue
        if char in "[{":
            frames.append([char, 0 if char == "[" else ""])
        elif char in "]}" and frames:
            frames.pop()
        elif char == "," and frames and frames[-1][0] == "[":
            frames[-1][1] += 1
        position += 1
    return _shown([index for _, index in frames[:-1]])


def _shown(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text if len(text) <= 60 else text[:60] + "..."


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JSONTextError("", f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                                f"{exc.start})") from None


def check(value: Any) -> str:
    """Refuse NaN, Infinity, lone surrogates and deep nesting anywhere in a parsed value, and
    return its texts joined (names, strings and the text of any value but a number), for a
    caller with a rule of its own about text.

    Sound input is walked once without paths; only a refused one is walked again to name
    the value at fault (building every value's path cost more than the checks themselves).
    """
    texts = _texts(value)
    if texts is None:
        _refuse(value)
    return texts or ""


def _texts(value: Any) -> str | None:
    """The texts of `value` joined, or None when something in it would be refused. They are
    checked as one: text that is all ASCII, the common case, can hold no surrogate."""
    texts: list[str] = []
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth >= MAX_DEPTH and isinstance(node, dict | list) and node:
            return None  # its items are nested too deep
        if isinstance(node, dict):
            try:
                texts.append("".join(node))
            except TypeError:  # a name that is not text (YAML allows numbers)
                texts.extend(map(str, node))
            for item in node.values():
                kind = type(item)
                if kind is str:  # the common leaf, checked without a stack entry
                    texts.append(item)
                elif kind is not bool and kind is not int and item is not None:
                    stack.append((item, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            texts.append(node)
        elif isinstance(node, float | Decimal):
            if not _finite(node):
                return None
        elif not isinstance(node, int) and node is not None:
            texts.append(str(node))  # a date, say: a request carries its text
    text = "".join(texts)
    return text if _sendable_text(text) else None


def _refuse(value: Any) -> None:
    """Raise JSONTextError for the first refused value in `value`, with its path."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            shown = path if len(path) <= 60 else path[:60] + "..."
            raise JSONTextError(shown, f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, str):
            _check_text(node, path)
        elif isinstance(node, float | Decimal) and not _finite(node):
            raise JSONTextError(path, f"{node} is not a number a request can carry")
        elif isinstance(node, dict):
            for key, item in node.items():
                _check_text(str(key), path)
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(node, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(node))
        elif not isinstance(node, int | float | Decimal) and node is not None:
            _check_text(str(node), path)  # as _texts reads it


def _finite(number: float | Decimal) -> bool:
    return number.is_finite() if isinstance(number, Decimal) else math.isfinite(number)


def _sendable_text(text: str) -> bool:
    return text.isascii() or _SURROGATE.search(text) is None


def _check_text(text: str, path: str) -> None:
    found = _SURROGATE.search(text)
    if found:
        raise JSONTextError(path, f"contains a lone surrogate (U+{ord(found.group()):04X}), "
                                  "which is not text")


@functools.cache
def _exact_loader() -> type:
    """YAML's safe loader, with fractions read as exactly as JSON's."""
    import yaml

    class ExactLoader(yaml.SafeLoader):
        def construct_yaml_float(self, node: yaml.Node) -> Any:
            text = str(self.construct_scalar(node)).replace("_", "")
            try:
                return exact_number(text)
            except ValueError:  # .inf, .nan and the other YAML spellings
                return super().construct_yaml_float(node)

    ExactLoader.add_constructor("tag:yaml.org,2002:float", ExactLoader.construct_yaml_float)
    return ExactLoader


def default(value: Any) -> Any:
    """For json.dumps: a Decimal as text with its exact digits (a JSON number would be written
    through a float and rounded); anything else unknown as its text."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
