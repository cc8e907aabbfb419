"""Rendering an action's Jinja XML template into a parsed function body.

The environment is sandboxed, autoescapes every value as XML text and treats an undefined name as
an error, so a typo in a template fails loudly instead of sending an empty element. Every input
the schema declares is in the context; one that was not given is None and `el` writes nothing
for it, because Intacct reads an empty element as a value.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from connector.errors import TemplateError, XMLInputError
from connector.xmlkit.parse import check_element_name, parse_document


def make_environment(search_path: Path, filters: Mapping[str, Callable[..., Any]]
                     ) -> SandboxedEnvironment:
    """A sandboxed, XML-autoescaping, strict environment that loads templates from search_path."""
    env = _XMLEnvironment(
        loader=jinja2.FileSystemLoader(str(search_path)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # templates ship with the connector; no stat() per render
    )
    env.globals.update(el=el, wrap=wrap)
    env.filters.update(pairs=pairs, xmltext=xml_text)
    env.filters.update(filters)
    return env


class _XMLEnvironment(SandboxedEnvironment):
    """The sandbox, except that `el` is called straight away.

    Templates call `el` once per field; the sandbox's checks on each call (is it safe, does it
    want the context) cost more than `el` itself, and `el` is ours and known safe.
    """

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if __obj is el and not kwargs:  # (jinja passes loop state as keywords)
            return el(*args)
        return super().call(__context, __obj, *args, **kwargs)


def xml_text(value: Any) -> str:
    """The text Intacct expects for a scalar: booleans lowercase, dates MM/DD/YYYY."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")  # every digit, never an exponent
    return str(value)


class XMLFragment(str):
    """Markup that autoescaping leaves alone (the `__html__` protocol), as markupsafe's Markup.

    `el` runs once per field of every call; Markup's Python-level constructor and methods cost
    more than `el` itself, so its results are this bare str subclass instead.
    """

    __slots__ = ()

    def __html__(self) -> XMLFragment:
        return self


def el(tag: str, value: Any) -> XMLFragment:
    """`<tag>value</tag>`, or nothing when the value was not given.

    Markup (from a filter that builds child elements, or another `el`) is inserted as is;
    anything else is escaped text.
    """
    if value is None:
        return _NOTHING
    start, end = element_tags(tag)
    if hasattr(value, "__html__"):
        body = str(value.__html__())  # a plain str: Markup would escape what it is added to
    elif isinstance(value, (list, dict)):
        raise TemplateError(f"el({tag!r}) got a {type(value).__name__}; loop over it instead")
    else:
        text = value if type(value) is str else xml_text(value)
        body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return XMLFragment(start + body + end)


_NOTHING = XMLFragment()


@functools.lru_cache(maxsize=4096)
def element_tags(tag: str) -> tuple[str, str]:
    """The start and end tags of an element name, checked once per name."""
    check_element_name(tag, "element name")
    return f"<{tag}>", f"</{tag}>"


def wrap(tag: str, caller: Callable[[], str]) -> Markup:
    """Write `<tag>…</tag>` around the block only when the block produced something.

    Used as `{% call wrap("DISPLAYCONTACT") %}…{% endcall %}` so that an update that touches no
    contact field sends no empty container.
    """
    check_element_name(tag, "element name")
    inner = caller()
    return Markup(f"<{tag}>{inner}</{tag}>") if inner.strip() else Markup("")


def pairs(value: Any) -> list[tuple[str, Any]]:
    """Name/value pairs from a JSON object, a list of {name, value} objects or of [name, value].

    Names become element names, so each is checked to be a plain XML name.
    """
    if value is None:
        return []
    if isinstance(value, Mapping):
        items: Iterable[Any] = value.items()
    elif isinstance(value, list):
        items = [_pair(item) for item in value]
    else:
        raise XMLInputError(f"expected an object or a list of name/value pairs, got {value!r}")
    return [(check_element_name(str(name), "field name"), val) for name, val in items]


def _pair(item: Any) -> tuple[Any, Any]:
    if isinstance(item, Mapping) and "name" in item:
        return item["name"], item.get("value")
    if isinstance(item, (list, tuple)) and len(item) == 2:
        return item[0], item[1]
    raise XMLInputError(f"expected {{'name': ..., 'value': ...}} or [name, value], got {item!r}")


def render_xml(env: SandboxedEnvironment, template_name: str, context: Mapping[str, Any]
               ) -> etree._Element:
    """Render a template and parse the result; any failure names the template."""
    try:
        text = env.get_template(template_name).render(context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {template_name} failed to render: {exc}") from None
    return parse_rendered(text, template_name)


def parse_rendered(text: str, template_name: str) -> etree._Element:
    """The body a template's text describes; text that is not one body names the template."""
    try:
        return parse_document(text, what=f"the output of template {template_name}")
    except XMLInputError as exc:
        raise TemplateError(str(exc)) from None


def compile_check(env: SandboxedEnvironment, template_name: str) -> None:
    """Compile a template and every template it includes; jinja's own error propagates."""
    pending, seen = [template_name], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        source = env.loader.get_source(env, name)[0]
        env.compile(source, name)
        pending.extend(n for n in meta.find_referenced_templates(env.parse(source)) if n)
