"""The runtime: one invocation flows validate -> render -> inject -> send -> shape.

A Connector is a manifest plus what plugins registered. It holds one Gateway per connection so
that sessions and HTTP connections are reused across invocations and threads.
"""

from __future__ import annotations

import hashlib
import json
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from connector.connection import resolve_connection
from connector.errors import InputError, InputProblem, PluginConflict, TemplateError, UnknownKey
from connector.inject import function_bodies
from connector.inputs import prepare_inputs
from connector.manifest import ActionSpec, DataSourceSpec, Manifest, load_manifest
from connector.plugins import Registered, Registry, collect, plugin_manager
from connector.protocol import CallOptions, Gateway, RetryPolicy
from connector.shaping import add_keys, resolve_option, shape
from connector.templates import make_environment, render_xml
from connector.xmljson import record_to_dict


@dataclass
class Invocation:
    """One call of an action, as middleware sees it."""

    action: ActionSpec
    inputs: dict[str, Any]
    functions: list[etree._Element]
    options: CallOptions
    gateway: Gateway
    given: frozenset[str] = frozenset()


Middleware = Callable[[Invocation, Callable[[Invocation], Any]], Any]


class Connector:
    """A loaded connector: its actions, data sources, connection schema and runtime."""

    def __init__(self, manifest: Manifest, registry: Registry) -> None:
        self.manifest = manifest
        self.registry = registry
        owner = next((r.plugin for r in registry.connectors
                      if Path(r.value).resolve() == manifest.path), f"manifest {manifest.path}")
        self.actions = _merge("action", owner, manifest.actions, registry.actions)
        self.datasources = _merge("data source", owner, manifest.datasources,
                                  registry.datasources)
        self._environments: dict[Path, Any] = {}
        self._filters = {name: r.value for name, r in registry.filters.items()}
        for key, registered in registry.actions.items():
            self._check_template(key, registered)
        self._middleware: list[Middleware] = [r.value for r in registry.middleware]
        self._gateways: dict[str, Gateway] = {}
        self._gateways_lock = threading.Lock()
        protocol = manifest.connector["protocol"]
        if protocol not in registry.auth_schemes:
            raise UnknownKey(f"no plugin registered the protocol {protocol!r}")
        self._gateway_factory = registry.auth_schemes[protocol].value
        defaults = manifest.defaults
        self.retry = RetryPolicy().merged(defaults.get("retry", {}))
        self.settings = {"concurrency": defaults.get("concurrency", 2),
                         "page_size": defaults.get("page_size", 1000),
                         "slot_wait_ms": defaults.get("slot_wait_ms", 30_000)}

    @property
    def key(self) -> str:
        return self.manifest.connector["key"]

    # -- lookups ----------------------------------------------------------------------------

    def action(self, key: str) -> ActionSpec:
        try:
            return self.actions[key]
        except KeyError:
            raise UnknownKey(f"no action {key!r}; see `connector actions`") from None

    def datasource(self, key: str) -> DataSourceSpec:
        try:
            return self.datasources[key]
        except KeyError:
            raise UnknownKey(f"no data source {key!r}; see `connector actions`") from None

    def connection(self, *, file: str | Path | None = None, profile: str | None = None,
                   environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """A connection from a file, a profile or the environment, checked against the schema."""
        return resolve_connection(self.manifest.connection, self.manifest.connection_schema,
                                  file=file, profile=profile, environ=environ)

    def gateway(self, connection: Mapping[str, Any]) -> Gateway:
        """The shared gateway for a connection (sessions and HTTP pool are reused)."""
        fingerprint = hashlib.sha256(
            json.dumps(connection, sort_keys=True, default=str).encode()).hexdigest()
        with self._gateways_lock:
            if fingerprint not in self._gateways:
                self._gateways[fingerprint] = self._gateway_factory(connection, self.settings)
            return self._gateways[fingerprint]

    def redact(self, text: str) -> str:
        """Remove every secret any of this connector's gateways knows of."""
        with self._gateways_lock:
            gateways = list(self._gateways.values())
        for gateway in gateways:
            text = gateway.redactor.text(text)
        return text

    def close(self) -> None:
        with self._gateways_lock:
            for gateway in self._gateways.values():
                gateway.close()
            self._gateways.clear()

    # -- building a call --------------------------------------------------------------------

    def prepare(self, key: str, inputs: Mapping[str, Any] | None) -> tuple[dict[str, Any],
                                                                            list[etree._Element]]:
        """Validate the inputs and build the function bodies, all before any request."""
        action = self.action(key)
        values = prepare_inputs(key, action.schema, inputs)
        rendered = None
        if action.template:
            context = {name: values.get(name) for name in action.schema.get("properties", {})}
            rendered = render_xml(self._environment(action.base_dir), action.template, context)
        titles = {n: p.get("title", "") for n, p in action.schema.get("properties", {}).items()}
        bodies = function_bodies(key, action.xml_inputs, rendered, values, titles)
        return values, bodies

    def call_options(self, action: ActionSpec, inputs: Mapping[str, Any],
                     overrides: Mapping[str, Any] | None = None) -> CallOptions:
        """The retry policy and headers for a call: manifest defaults < inputs < overrides.

        `deadline_ms` bounds the whole call (every attempt and wait) from now; `slot_wait_ms`
        bounds the wait for one of the company's request slots.
        """
        from_inputs = {option: inputs.get(name)
                       for option, name in action.options_from_inputs.items()}
        headers = _headers(from_inputs.pop("headers", None))
        merged = {**from_inputs, **(overrides or {})}
        deadline_ms = merged.get("deadline_ms")
        return CallOptions(
            retry=self.retry.merged(merged), headers=headers,
            transaction=bool(merged.get("transaction", False)),
            slot_wait_s=merged.get("slot_wait_ms", self.settings["slot_wait_ms"]) / 1000,
            deadline=None if deadline_ms is None else time.monotonic() + deadline_ms / 1000)

    def render(self, key: str, inputs: Mapping[str, Any] | None,
               connection: Mapping[str, Any] | None = None) -> str:
        """The request XML that would be sent, secrets redacted."""
        values, bodies = self.prepare(key, inputs)
        gateway = self._gateway_factory(connection or self.placeholder_connection(),
                                        self.settings)
        try:
            preview = gateway.preview(bodies, self.call_options(self.action(key), values))
        finally:
            gateway.close()
        return preview.decode("utf-8")

    def placeholder_connection(self) -> dict[str, Any]:
        """Stand-in values for previews made without a connection."""
        properties = self.manifest.connection_schema.get("properties", {})
        return {name: f"{{{name}}}" for name, prop in properties.items()
                if prop.get("type", "string") == "string"}

    # -- running ----------------------------------------------------------------------------

    def invoke(self, key: str, inputs: Mapping[str, Any] | None, connection: Mapping[str, Any],
               **overrides: Any) -> dict[str, Any]:
        """Run an action and return its output as {"data": ...}."""
        action = self.action(key)
        values, bodies = self.prepare(key, inputs)
        options = self.call_options(action, values, overrides)
        invocation = Invocation(action, values, bodies, options, self.gateway(connection),
                                frozenset(inputs or {}))
        return {"data": self._run_with_middleware(invocation)}

    def iter_records(self, key: str, inputs: Mapping[str, Any] | None,
                     connection: Mapping[str, Any], **overrides: Any) -> Iterator[Any]:
        """Stream the records of a `records`-mode action page by page (constant memory)."""
        action = self.action(key)
        values, bodies = self.prepare(key, inputs)
        options = self.call_options(action, values, overrides)
        for result in self.gateway(connection).paginate(bodies[0], options):
            for record in result.records:
                yield record_to_dict(record)

    def picklist(self, key: str, inputs: Mapping[str, Any] | None,
                 connection: Mapping[str, Any]) -> list[dict[str, str]]:
        """Every item of a data source, [{key, label}], sorted by label."""
        source = self.datasource(key)
        values = prepare_inputs(key, source.schema, inputs)
        key_field = resolve_option(source.key_field, values, default="RECORDNO")
        label_format = resolve_option(source.label_format, values, default="{" + key_field + "}")
        label_fields = [f for _, f, _, _ in string.Formatter().parse(label_format) if f]
        fields = list(dict.fromkeys([key_field, *label_fields]))
        gateway = self.gateway(connection)
        items = []
        for record in gateway.list_records(source.object, fields, source.query,
                                           CallOptions(retry=self.retry),
                                           self.settings["page_size"]):
            row = {f: record.findtext(f) or "" for f in fields}
            items.append({"key": row[key_field], "label": label_format.format(**row)})
        return sorted(items, key=lambda item: (item["label"].casefold(), item["key"]))

    def _run_with_middleware(self, invocation: Invocation) -> Any:
        call: Callable[[Invocation], Any] = self._execute
        for middleware in reversed(self._middleware):
            call = _bind(middleware, call)
        return call(invocation)

    def _execute(self, invocation: Invocation) -> Any:
        action, values = invocation.action, invocation.inputs
        mode = resolve_option(action.output["mode"], values, default="result")
        if mode == "records":
            return [record_to_dict(r)
                    for result in invocation.gateway.paginate(invocation.functions[0],
                                                              invocation.options)
                    for r in result.records]
        response = invocation.gateway.execute(invocation.functions, invocation.options)
        if action.output.get("key_from_record"):
            add_keys(response)
        arrays = bool(resolve_option(action.output.get("arrays"), values, default=True))
        given = {k: v for k, v in values.items() if k in invocation.given}
        return shape(mode, response, arrays=arrays, inputs=given)

    def _check_template(self, key: str, registered: Registered) -> None:
        action = registered.value
        if not action.template:
            return
        try:
            self._environment(action.base_dir).get_template(action.template)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"plugin {registered.plugin!r}, action {key!r}: template "
                                f"{action.template} does not compile: {exc}") from None

    def _environment(self, base_dir: Path) -> Any:
        if base_dir not in self._environments:
            self._environments[base_dir] = make_environment(base_dir, self._filters)
        return self._environments[base_dir]


def _merge(kind: str, owner: str, declared: Iterable[Any],
           registered: Mapping[str, Registered]) -> dict[str, Any]:
    """The manifest's entries plus those plugins registered; a shared key names both owners."""
    merged = {entry.key: entry for entry in declared}
    for key, entry in registered.items():
        if key in merged:
            raise PluginConflict(f"{kind} {key!r} is registered twice: by plugin {owner!r} and "
                                 f"by plugin {entry.plugin!r}")
        merged[key] = entry.value
    return merged


def _bind(middleware: Middleware, call_next: Callable[[Invocation], Any]
          ) -> Callable[[Invocation], Any]:
    return lambda invocation: middleware(invocation, call_next)


def _headers(value: Any) -> dict[str, str]:
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
                raise InputError("headers", [InputProblem("header", "Header",
                                                          f"{line!r} is not 'Name: value'")])
            pairs.append((name.strip(), text.strip()))
    headers = {}
    for name, text in pairs:
        if any(c in f"{name}{text}" for c in "\r\n"):
            raise InputError("headers", [InputProblem("header", "Header",
                                                      "a header may not contain line breaks")])
        headers[str(name)] = str(text)
    return headers


def load_connector(manifest: str | Path | None = None, *, plugins: Iterable[Any] = (),
                   key: str | None = None) -> Connector:
    """Load plugins (entry points + `plugins`) and the connector they registered.

    `manifest` loads that file instead of the registered one (e.g. to try a manifest you are
    writing); `key` picks one connector when several are registered.
    """
    registry = collect(plugin_manager(plugins))
    filters = {name: r.value for name, r in registry.filters.items()}
    if manifest is not None:
        return Connector(load_manifest(manifest, filters), registry)
    loaded = [load_manifest(r.value, filters) for r in registry.connectors]
    if not loaded:
        raise UnknownKey("no plugin registered a connector")
    for candidate in loaded:
        if key is None or candidate.connector["key"] == key:
            return Connector(candidate, registry)
    raise UnknownKey(f"no connector {key!r}; registered: "
                     + ", ".join(m.connector["key"] for m in loaded))
