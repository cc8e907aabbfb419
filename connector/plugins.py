"""Loading plugins with pluggy and collecting what each one registers.

Every registration remembers its plugin, so a duplicate key is reported with both plugins'
names and `connector plugins` can say who contributed what.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from connector import hookspecs
from connector.errors import PluginConflict

ENTRY_POINT_GROUP = "connector.plugins"


@dataclass
class Registered:
    """One registered thing and the plugin it came from."""

    plugin: str
    value: Any


@dataclass
class Registry:
    """Everything the loaded plugins registered, keyed where keys must be unique."""

    connectors: list[Registered] = field(default_factory=list)
    actions: dict[str, Registered] = field(default_factory=dict)
    datasources: dict[str, Registered] = field(default_factory=dict)
    triggers: dict[str, Registered] = field(default_factory=dict)
    protocols: dict[str, Registered] = field(default_factory=dict)
    filters: dict[str, Registered] = field(default_factory=dict)
    middleware: list[Registered] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    manager: pluggy.PluginManager | None = field(default=None, repr=False)
    _commands: list[Registered] | None = field(default=None, repr=False)

    def commands(self) -> list[Registered]:
        """The CLI commands plugins register, collected when the CLI first asks: commands
        bring click, which a program using the Python API never needs."""
        if self._commands is None:
            self._commands = []
            if self.manager is not None:
                _each(self.manager, "register_commands", lambda p: lambda command:
                      self._commands.append(Registered(p, command)))
        return self._commands

    def add_keyed(self, kind: str, table: dict[str, Registered], key: str, plugin: str,
                  value: Any) -> None:
        if key in table:
            raise PluginConflict(
                f"{kind} {key!r} is registered twice: by plugin {table[key].plugin!r} "
                f"and by plugin {plugin!r}")
        table[key] = Registered(plugin, value)

    def summary(self) -> list[dict[str, Any]]:
        """Per plugin: what it registered (for `connector plugins`)."""
        rows = []
        for name in self.plugins:
            rows.append({
                "plugin": name,
                "connectors": [str(r.value) for r in self.connectors if r.plugin == name],
                "actions": sorted(k for k, r in self.actions.items() if r.plugin == name),
                "datasources": sorted(k for k, r in self.datasources.items() if r.plugin == name),
                "triggers": sorted(k for k, r in self.triggers.items() if r.plugin == name),
                "protocols": sorted(k for k, r in self.protocols.items() if r.plugin == name),
                "filters": sorted(k for k, r in self.filters.items() if r.plugin == name),
                "middleware": [getattr(r.value, "__name__", repr(r.value))
                               for r in self.middleware if r.plugin == name],
            })
        return rows


def plugin_manager(extra: Iterable[Any] = ()) -> pluggy.PluginManager:
    """A manager with the entry-point plugins and any extra plugin objects loaded."""
    manager = pluggy.PluginManager("connector")
    manager.add_hookspecs(hookspecs)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra:
        if not manager.is_registered(plugin):
            manager.register(plugin)
    return manager


def collect(manager: pluggy.PluginManager) -> Registry:
    """Call every hook implementation with a register callback bound to its plugin's name."""
    registry = Registry(manager=manager)
    registry.plugins = sorted(
        manager.get_name(p) or repr(p) for p in manager.get_plugins())
    each = functools.partial(_each, manager)

    each("register_jinja_filters", lambda p: lambda name, fn: registry.add_keyed(
        "Jinja filter", registry.filters, name, p, fn))
    for hook_name in ("register_protocols", "register_auth_schemes"):
        each(hook_name, lambda p: lambda name, factory: registry.add_keyed(
            "protocol", registry.protocols, name, p, factory))
    each("register_connectors", lambda p: lambda path: registry.connectors.append(
        Registered(p, path)))
    each("register_actions", lambda p: lambda spec: registry.add_keyed(
        "action", registry.actions, spec.key, p, spec))
    each("register_datasources", lambda p: lambda spec: registry.add_keyed(
        "data source", registry.datasources, spec.key, p, spec))
    each("register_triggers", lambda p: lambda spec: registry.add_keyed(
        "trigger", registry.triggers, spec.key, p, spec))
    each("register_middleware", lambda p: lambda fn: registry.middleware.append(
        Registered(p, fn)))
    return registry


def _each(manager: pluggy.PluginManager, hook_name: str,
          make: Callable[[str], Callable[..., None]]) -> None:
    """Call each implementation of a hook with a register callback bound to its plugin."""
    for impl in getattr(manager.hook, hook_name).get_hookimpls():
        impl.function(make(impl.plugin_name))
