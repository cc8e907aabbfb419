"""rawRequest: send the XML functions a user wrote, with retry options and headers from inputs.

This is Python rather than a declaration because nothing about it is fixed: the functions are
the user's XML (parsed with the hardened parser, bare or in <function> wrappers), the retry
policy and HTTP headers come from inputs, and so do the output mode and xml2js arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from lxml import etree

from connector.errors import InputError, InputProblem, XMLInputError
from connector.shaping import resolve_option
from connector.xmlkit.parse import parse_fragment

MAX_XML_INPUT_BYTES = 1024 * 1024
DATA_INPUT = "data"
# Retry settings an input may override: option -> input.
OPTIONS_FROM_INPUTS = {
    "max_retries": "maxRetryCount",
    "delay_ms": "retryDelayMs",
    "exponential_backoff": "useExponentialBackoff",
    "retry_on_all_errors": "retryOnAllErrors",
    "timeout_ms": "timeout",
}
HEADER_INPUT = "header"


class RawRequest:
    """The handler of rawRequest (see the module docstring)."""

    output: ClassVar[dict[str, Any]] = {
        "mode": {"input": "responseType", "values": {"json": "response", "xml": "xml"}},
        "arrays": {"input": "arrayJsonNodes"}}

    def inputs(self) -> set[str]:
        """The inputs this handler reads, which the action's schema must declare."""
        return {DATA_INPUT, HEADER_INPUT, *OPTIONS_FROM_INPUTS.values(),
                self.output["mode"]["input"], self.output["arrays"]["input"]}

    def bodies(self, action: Any, values: Mapping[str, Any]) -> tuple[etree._Element, ...]:
        text = values.get(DATA_INPUT)
        title = action.schema["properties"][DATA_INPUT].get("title", "")
        try:
            elements = parse_fragment(text or "", what=f"input {DATA_INPUT}",
                                      max_bytes=MAX_XML_INPUT_BYTES)
        except XMLInputError as exc:
            raise InputError(action.key, [InputProblem(DATA_INPUT, title, exc.message)]) from None
        bodies = tuple(_unwrap_functions(elements))
        if not bodies:
            raise InputError(action.key, [InputProblem(DATA_INPUT, title,
                                                       "holds no function to send")])
        return bodies

    def overrides(self, action: Any, values: Mapping[str, Any]) -> dict[str, Any]:
        options = {option: values[name] for option, name in OPTIONS_FROM_INPUTS.items()
                   if values.get(name) is not None}
        headers = headers_from(action.key, values.get(HEADER_INPUT))
        if headers:
            options["headers"] = headers
        return options

    def output_spec(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {"mode": resolve_option(self.output["mode"], values, default="result"),
                "arrays": bool(resolve_option(self.output["arrays"], values, default=True))}


def headers_from(action: str, value: Any) -> dict[str, str]:
    """Headers given as {"Name": "value"}, ["Name: value", ...] or "Name: value"."""
    if not value:
        return {}
    if isinstance(value, Mapping):
        pairs: Iterable[tuple[str, Any]] = value.items()
    else:
        lines = [value] if isinstance(value, str) else list(value)
        pairs = []
        for line in lines:
            name, sep, text = str(line).partition(":")
            if not sep or not name.strip():
                raise InputError(action, [InputProblem(HEADER_INPUT, "Header",
                                                          f"{line!r} is not 'Name: value'")])
            pairs.append((name.strip(), text.strip()))
    headers = {}
    for name, text in pairs:
        if any(c in f"{name}{text}" for c in "\r\n"):
            raise InputError(action, [InputProblem(HEADER_INPUT, "Header",
                                                      "a header may not contain line breaks")])
        headers[str(name)] = str(text)
    return headers


def _unwrap_functions(elements: list[etree._Element]) -> list[etree._Element]:
    """Accept either bare function bodies or <function> wrappers around them."""
    bodies = []
    for element in elements:
        if element.tag == "function":
            bodies.extend(child for child in element if isinstance(child.tag, str))
        else:
            bodies.append(element)
    return bodies
