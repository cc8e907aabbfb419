"""Compiled templates write the very request Jinja renders, or leave the template to Jinja.

Every action of the bundled connector is rendered both ways (its compiled function, and plain
Jinja + the hardened parse + raw-XML injection) for its full and its required-only example
inputs, and the serialized bodies must be identical; random values must give the same text or
the same error. A template the compiler cannot write renders through Jinja, unchanged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from markupsafe import Markup

from connector.errors import ConnectorError, TemplateError
from connector.inputs import prepare_inputs
from connector.intacct.filters import FILTERS
from connector.testing import example_inputs
from connector.xmlkit.compiler import ActionTemplate, compile_template
from connector.xmlkit.inject import inject
from connector.xmlkit.templates import make_environment, render_xml


def _templated(connector) -> list[str]:
    return [key for key, action in connector.actions.items() if not action.handler]


def _template(connector, key: str) -> ActionTemplate:
    return connector.protocol._template(connector.action(key))[0]


def _plain_body(connector, key: str, values: dict[str, Any]) -> etree._Element:
    """The body as Jinja renders it: the template's text, parsed, raw-XML inputs placed."""
    action = connector.action(key)
    template = _template(connector, key)
    body = render_xml(template.env, action.template, template.context(values))
    titles = {name: prop.get("title", "") for name, prop in action.schema["properties"].items()}
    return inject(key, action.xml_inputs, body, values, titles)


def test_every_bundled_action_template_is_compiled(connector):
    uncompiled = [key for key in _templated(connector)
                  if _template(connector, key).compiled is None]
    assert uncompiled == []


@pytest.mark.parametrize("required_only", [False, True], ids=["full", "required"])
def test_every_action_renders_the_same_body_compiled_as_with_jinja(connector, required_only):
    compared = 0
    for key in _templated(connector):
        action = connector.action(key)
        inputs = example_inputs(action.schema, required_only=required_only)
        values = prepare_inputs(key, action.schema, inputs, connector.protocol.input_date_formats)
        compiled = connector.protocol.render(action, values)
        assert len(compiled) == 1
        plain = _plain_body(connector, key, values)
        assert etree.tostring(compiled[0]) == etree.tostring(plain), key
        compared += 1
    assert compared == len(_templated(connector)) >= 20


def test_compiled_text_is_jinja_text_for_every_example(connector):
    for key in _templated(connector):
        action = connector.action(key)
        template = _template(connector, key)
        for required_only in (False, True):
            values = prepare_inputs(key, action.schema,
                                    example_inputs(action.schema, required_only=required_only),
                                    connector.protocol.input_date_formats)
            jinja_text = template.env.get_template(action.template).render(
                template.context(values))
            assert template.compiled(values, template.params) == jinja_text, key


# -- random values: the same text, or the same error ------------------------------------------

_TEXT = st.text(st.sampled_from("ab &<>]\"'\r\n\t;#é€😀"), max_size=8) | st.sampled_from(
    ["", " ", "]]>", "&amp;", "x\x01y", "<!DOCTYPE x>", "</A><DELETE/>"])
_SCALAR = (_TEXT | _TEXT | _TEXT | st.none() | st.booleans() | st.integers(-10**6, 10**6)
           | st.floats(allow_nan=False, allow_infinity=False, width=32)
           | st.decimals(allow_nan=False, allow_infinity=False, places=3)
           | st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)))
_NAME = st.sampled_from(["memo", "amount", "glaccountno", "revrecstartdate", "line_num",
                         "REGION", "bad name", "x<y"])
_FIELDS = st.dictionaries(_NAME, _SCALAR, max_size=4)


def _value(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value of roughly the input's type (text where text goes), sometimes of another."""
    declared = prop.get("type", "string")
    types = {declared} if isinstance(declared, str) else set(declared)
    if "array" in types:
        fitting = st.lists(_FIELDS | _SCALAR, max_size=3)
    elif "object" in types:
        fitting = _FIELDS | st.lists(st.tuples(_NAME, _SCALAR), max_size=2)
    else:
        fitting = _SCALAR
    return fitting | fitting | fitting | st.lists(_SCALAR, max_size=2)


def _outcome(render: Any) -> Any:
    try:
        return etree.tostring(render())
    except ConnectorError as exc:
        return type(exc), exc.message
    except Exception as exc:  # whatever it is, both ways must agree
        return type(exc), str(exc)


@pytest.mark.parametrize("key", ["createVendor", "createCustomer", "createInvoice",
                                 "updateInvoice", "updateARAdjustment", "createBill",
                                 "updateARAdvance", "createContact", "deleteObject",
                                 "queryAndList", "getVendor", "updateProject"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_random_values_render_the_same_or_fail_the_same(connector, key, data):
    action = connector.action(key)
    properties = action.schema["properties"]
    names = data.draw(st.lists(st.sampled_from(sorted(properties)), unique=True, max_size=12))
    values = {name: data.draw(_value(properties[name]), label=name) for name in names}
    template = _template(connector, key)
    compiled = _outcome(lambda: template.render(values))
    plain = _outcome(lambda: render_xml(template.env, action.template, template.context(values)))
    assert compiled == plain
    try:
        text = template.compiled(values, template.params)
    except Exception:  # it gave up: Jinja rendered it, compared above
        return
    assert text == template.env.get_template(action.template).render(template.context(values))


# -- templates the compiler does not write, and what it refuses to guess ------------------------

def _environment(tmp_path: Path, templates: dict[str, str]):
    for name, source in templates.items():
        (tmp_path / name).write_text(source)
    return make_environment(tmp_path, FILTERS)


@pytest.mark.parametrize("source", [
    '{% macro m(x) %}<A>{{ x }}</A>{% endmacro %}<R>{{ m(v) }}</R>',
    "<R>{{ el('A', v ~ '!') }}</R>",
    "<R>{{ el('A', v.upper()) }}</R>",
    "<R>{% for x in [v] %}{{ el('A', loop.index) }}{% endfor %}</R>",
    "<R>{% if v %}{% set w = v %}{% endif %}{{ el('A', w) }}</R>",
    "<R>{{ el('A', v) }}{% set v = 'later' %}{{ el('B', v) }}</R>",
    "<R>{% for x in [v] %}{{ el('A', x) }}{% else %}<E/>{% endfor %}</R>",
    "<R>{{ el('bad name', v) }}</R>",
    "<R>{% include 'missing.xml.j2' %}</R>",
])
def test_a_template_it_cannot_write_renders_through_jinja(tmp_path, source):
    env = _environment(tmp_path, {"t.xml.j2": source})
    assert compile_template(env, "t.xml.j2", frozenset({"v"}), frozenset()) is None
    template = ActionTemplate(env, "t.xml.j2", frozenset({"v"}), {})
    assert _outcome(lambda: template.render({"v": "x&y"})) == _outcome(
        lambda: render_xml(env, "t.xml.j2", {"v": "x&y"}))


def test_a_misspelt_name_fails_as_strict_undefined_says(tmp_path):
    env = _environment(tmp_path, {"t.xml.j2": "<R>{{ el('A', vendorNmae) }}</R>"})
    template = ActionTemplate(env, "t.xml.j2", frozenset({"vendorName"}), {})
    assert template.compiled is not None  # it gives up at run time, and Jinja raises
    with pytest.raises(TemplateError, match="'vendorNmae' is undefined"):
        template.render({"vendorName": "Acme"})


def test_a_name_in_a_branch_never_taken_is_not_an_error(tmp_path):
    env = _environment(tmp_path, {"t.xml.j2": "<R>{% if other is defined %}"
                                              "{{ el('B', other) }}{% endif %}"
                                              "{{ el('A', v) }}</R>"})
    template = ActionTemplate(env, "t.xml.j2", frozenset({"v"}), {})
    assert template.compiled is not None
    assert etree.tostring(template.render({"v": "1"})) == b"<R><A>1</A></R>"


def test_values_stay_text_and_markup_from_a_filter_stays_markup(tmp_path):
    env = _environment(tmp_path, {"t.xml.j2": "<R>{{ el('A', v) }}{{ el('D', d | ymd) }}"
                                              "<Q>{{ v }}</Q></R>"})
    template = ActionTemplate(env, "t.xml.j2", frozenset({"v", "d"}), {})
    assert template.compiled is not None
    hostile = "</A><DELETE/>&amp;<!-- x -->"
    body = template.render({"v": hostile, "d": dt.date(2026, 3, 4)})
    assert body.findtext("A") == hostile and body.findtext("Q") == hostile
    assert body.find("DELETE") is None
    assert etree.tostring(body.find("D")) == (
        b"<D><year>2026</year><month>03</month><day>04</day></D>")
    # Markup given as a value is markup, as Jinja has it: only filters and el make it.
    assert template.render({"v": Markup("<B/>"), "d": None}).find("A/B") is not None


def test_an_include_sees_the_includers_names_and_keeps_its_own(tmp_path):
    env = _environment(tmp_path, {
        "t.xml.j2": "<R>{% set mode = 'inner' %}{% include 'part.xml.j2' %}"
                    "{{ el('AFTER', local is defined) }}{{ el('MODE', mode) }}</R>",
        "part.xml.j2": "{% set local = 1 %}{{ el('IN', mode) }}{{ el('L', local) }}",
    })
    template = ActionTemplate(env, "t.xml.j2", frozenset(), {})
    assert template.compiled is not None
    expected = b"<R><IN>inner</IN><L>1</L><AFTER>false</AFTER><MODE>inner</MODE></R>"
    assert etree.tostring(template.render({})) == expected
    assert etree.tostring(render_xml(env, "t.xml.j2", {})) == expected


def test_loops_assign_per_item_and_wrap_drops_an_empty_container(tmp_path):
    env = _environment(tmp_path, {"t.xml.j2": (
        "<R>{% for item in items if item %}{% set n = item['n'] %}"
        "{% call wrap('ITEM') %}{{ el('N', n) }}{% endcall %}{% endfor %}</R>")})
    template = ActionTemplate(env, "t.xml.j2", frozenset({"items"}), {})
    assert template.compiled is not None
    items = [{"n": 1}, {}, None, {"n": None}, {"n": Decimal("2.50")}]
    text = template.compiled({"items": items}, {})
    assert text == env.get_template("t.xml.j2").render(items=items)
    assert etree.tostring(template.render({"items": [{"n": 1}, {"n": None}]})) == (
        b"<R><ITEM><N>1</N></ITEM></R>")


def test_a_context_that_shadows_el_is_left_to_jinja(tmp_path):
    env = _environment(tmp_path, {"t.xml.j2": "<R>{{ el('A', v) }}</R>"})
    assert compile_template(env, "t.xml.j2", frozenset({"v", "el"}), frozenset()) is None
    assert compile_template(env, "t.xml.j2", frozenset({"v"}), frozenset({"wrap"})) is None
