"""The hooks a plugin implements. Each receives a `register` callback, as in llm and tox.

A plugin is any module or object with `@hookimpl` functions, loaded from the `connector.plugins`
entry-point group or passed to `load_connector(plugins=[...])`. The bundled Sage Intacct
connector is itself such a plugin (connector.intacct.plugin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("connector")
hookimpl = pluggy.HookimplMarker("connector")


@hookspec
def register_connectors(register: Callable[[Any], None]) -> None:
    """Register connector manifests: register(path_to_manifest_yaml)."""


@hookspec
def register_actions(register: Callable[[Any], None]) -> None:
    """Register extra actions: register(ActionSpec), e.g. from connector.manifest.load_actions."""


@hookspec
def register_datasources(register: Callable[[Any], None]) -> None:
    """Register extra picklist data sources: register(DataSourceSpec)."""


@hookspec
def register_triggers(register: Callable[[Any], None]) -> None:
    """Register extra triggers: register(TriggerSpec), e.g. from manifest.load_triggers."""


@hookspec
def register_protocols(register: Callable[[str, Any], None]) -> None:
    """Register a protocol: register(name, factory).

    factory(filters: dict of Jinja filters) returns a connector.protocol.ConnectorProtocol; a
    manifest names its protocol in `connector.protocol`.
    """


@hookspec
def register_auth_schemes(register: Callable[[str, Any], None]) -> None:
    """The old name of register_protocols, still honoured."""


@hookspec
def register_commands(register: Callable[[Any], None]) -> None:
    """Register CLI commands: register(click_command), e.g. a protocol's sandbox group."""


@hookspec
def register_jinja_filters(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register Jinja filters for templates: register(name, function)."""


@hookspec
def register_middleware(register: Callable[[Any], None]) -> None:
    """Register middleware around every run: register(function(execution, proceed)).

    `execution` is a connector.core.Execution (the calls and their connection); the function
    returns `proceed(execution)` (a list of connector.calls.Outcome, one per call), or its own.
    """
