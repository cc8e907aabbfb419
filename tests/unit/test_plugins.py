"""Plugins: registration through hooks, duplicate keys naming both plugins, middleware."""

import types
from dataclasses import replace

import pytest
import vendor_lookup

from connector.core import load_connector
from connector.errors import PluginConflict
from connector.hookspecs import hookimpl


def plugin(name: str, **hooks) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook, function in hooks.items():
        setattr(module, hook, hookimpl(function))
    return module


def test_the_bundled_connector_registers_through_the_hooks():
    connector = load_connector()
    row = next(r for r in connector.registry.summary() if r["plugin"] == "intacct")
    assert row["protocols"] == ["intacct-xml"]
    assert row["connectors"] and row["connectors"][0].endswith("manifest.yaml")


def test_a_plugin_adds_an_action_without_touching_the_core():
    connector = load_connector(plugins=[vendor_lookup])
    assert "listVendorNames" in connector.actions
    rendered = connector.render("listVendorNames", {"status": "active"})
    assert "<object>VENDOR</object>" in rendered and "STATUS = 'active'" in rendered


def test_a_duplicate_action_key_names_both_plugins():
    spec = load_connector().action("getVendor")
    clash = plugin("clashing_plugin", register_actions=lambda register: register(spec))
    with pytest.raises(PluginConflict) as caught:
        load_connector(plugins=[clash])
    assert "'intacct'" in str(caught.value) and "'clashing_plugin'" in str(caught.value)


def test_a_duplicate_filter_names_both_plugins():
    clash = plugin("other_filters",
                   register_jinja_filters=lambda register: register("ymd", str))
    with pytest.raises(PluginConflict, match="'intacct' and by plugin 'other_filters'"):
        load_connector(plugins=[clash])


def test_middleware_wraps_every_run(sandbox, connection):
    seen = []

    def audit(execution, proceed):
        seen.extend(call.key for call in execution.calls)
        return [replace(outcome, output={**outcome.output, "_audited": True})
                for outcome in proceed(execution)]

    connector = load_connector(plugins=[plugin(
        "audit", register_middleware=lambda register: register(audit))])
    try:
        out = connector.invoke("getVendor", {"recordNo": "1"}, connection)
    finally:
        connector.close()
    assert seen == ["getVendor"] and out["data"]["_audited"] is True
