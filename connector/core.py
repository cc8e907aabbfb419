"""The engine: `prepare` builds a Call, `run` and `run_many` execute calls through middleware.

A Connector is a manifest, the protocol that runs it, and what plugins registered. Every way
of running something is a thin adapter over the same two entry points, so middleware sees every
call: `invoke` (one action), `iter_records` (a list action, streamed), `picklist` (a data
source), `connector.bulk.run_bulk` (many records, batched) and `poll` (a trigger's change
feed, connector.triggers). The engine never reads a request
body or a response: the protocol renders, sends, pages and shapes; the engine validates,
orders, batches and reports. One client per connection is kept, so sessions and HTTP
connections are reused across calls and threads.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from connector.calls import OVERRIDES, Call, CallOptions, Outcome, OutputSpec
from connector.connection import resolve_connection
from connector.coordination.config import Coordination, process_coordination
from connector.errors import (
    ConnectorError,
    InputError,
    OutcomeUnknown,
    PluginConflict,
    UnknownKey,
)
from connector.groups import ungroup
from connector.inputs import prepare_inputs
from connector.manifest import (
    ActionSpec,
    DataSourceSpec,
    Manifest,
    TriggerSpec,
    check_plugin_action,
)
from connector.manifest import load_manifest as _load_manifest
from connector.paging import Page, decode, encode, fingerprint
from connector.plugins import Registered, Registry, collect, plugin_manager
from connector.protocol import Client, ConnectorProtocol, Result, Search
from connector.settings import Settings
from connector.shaping import resolve_option

PAGE = "page"  # the output mode of one page's raw records, for picklist_page and records_page


@dataclass(frozen=True)
class Execution:
    """What middleware wraps: calls sent together on one connection. With `stream`, a
    records-mode output is an iterator that reads pages as it is consumed."""

    calls: tuple[Call, ...]
    connection: Mapping[str, Any]
    stream: bool = False


Proceed = Callable[[Execution], list[Outcome]]
Middleware = Callable[[Execution, Proceed], list[Outcome]]


class Connector:
    """A loaded connector: its actions, data sources, connection schema, protocol and engine."""

    def __init__(self, manifest: Manifest, registry: Registry,
                 coordination: Coordination | None = None) -> None:
        self.manifest = manifest
        self._coordination = coordination
        self.registry = registry
        self.protocol: ConnectorProtocol = manifest.protocol
        self.settings = manifest.settings
        owner = next((r.plugin for r in registry.connectors
                      if Path(r.value).resolve() == manifest.path), f"manifest {manifest.path}")
        plugin_actions = {key: Registered(r.plugin, check_plugin_action(r.value, self.protocol,
                                                                        r.plugin))
                          for key, r in registry.actions.items()}
        self.actions: dict[str, ActionSpec] = _merge("action", owner, manifest.actions,
                                                     plugin_actions)
        self.datasources: dict[str, DataSourceSpec] = _merge(
            "data source", owner, manifest.datasources, registry.datasources)
        self.triggers: dict[str, TriggerSpec] = _merge("trigger", owner, manifest.triggers,
                                                       registry.triggers)
        self._middleware: list[Middleware] = [r.value for r in registry.middleware]
        self._clients: dict[str, Client] = {}
        self._clients_lock = threading.Lock()
        # The last connection looked up, a copy of it once it came twice, and its client: a
        # caller that passes the same connection call after call has it compared, not hashed.
        self._last_client: tuple[Mapping[str, Any], dict[str, Any] | None, Client] | None = None
        self._default_options: tuple[Settings, CallOptions] | None = None

    @property
    def key(self) -> str:
        return self.manifest.connector["key"]

    @property
    def coordination(self) -> Coordination:
        """Slots, sessions and state: what the connector was given, or the process's own
        (built from the CONNECTOR_* environment; local and in memory when none is set)."""
        if self._coordination is None:
            self._coordination = process_coordination()
        return self._coordination

    # -- lookups ----------------------------------------------------------------------------

    def action(self, key: str) -> ActionSpec:
        try:
            return self.actions[key]
        except KeyError:
            raise UnknownKey(f"no action {key!r}{_suggest(key, self.actions)}; see "
                             "`connector actions`") from None

    def datasource(self, key: str) -> DataSourceSpec:
        try:
            return self.datasources[key]
        except KeyError:
            raise UnknownKey(f"no data source {key!r}{_suggest(key, self.datasources)}; see "
                             "`connector actions`") from None

    def trigger(self, key: str) -> TriggerSpec:
        try:
            return self.triggers[key]
        except KeyError:
            raise UnknownKey(f"no trigger {key!r}{_suggest(key, self.triggers)}; see "
                             "`connector actions`") from None

    def connection(self, *, file: str | Path | None = None, profile: str | None = None,
                   environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """A connection from a file, a profile or the environment, checked against the schema."""
        return resolve_connection(self.manifest.connection, self.manifest.connection_schema,
                                  file=file, profile=profile, environ=environ)

    def client(self, connection: Mapping[str, Any]) -> Client:
        """The shared client for a connection (sessions and HTTP pool are reused)."""
        last = self._last_client
        if last is not None and last[0] is connection and last[1] == connection:
            return last[2]
        fingerprint = hashlib.sha256(
            json.dumps(connection, sort_keys=True, default=str).encode()).hexdigest()
        with self._clients_lock:
            if fingerprint not in self._clients:
                self._clients[fingerprint] = self.protocol.client(connection, self.settings,
                                                                  self.coordination)
            client = self._clients[fingerprint]
            again = last is not None and last[0] is connection
            self._last_client = (connection, copy.deepcopy(dict(connection)) if again else None,
                                 client)
            return client

    def redact(self, text: str) -> str:
        """Remove every secret any of this connector's clients knows of."""
        with self._clients_lock:
            clients = list(self._clients.values())
        for client in clients:
            text = client.redactor.text(text)
        return text

    def close(self) -> None:
        with self._clients_lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()
            self._last_client = None

    # -- building calls ---------------------------------------------------------------------

    def prepare(self, key: str, inputs: Mapping[str, Any] | None, **overrides: Any) -> Call:
        """Validate the inputs and build the call, all before any request.

        `overrides` change how this call is sent: any RetryPolicy field, `transaction`,
        `headers`, `slot_wait_ms`, `deadline_ms` (the whole call, every attempt and wait
        included) and `controlids` (stable ids, one per request body). An unknown name is a
        TypeError.
        """
        action = self.action(key)
        values = prepare_inputs(key, action.schema, inputs, self.protocol.input_date_formats)
        bodies = tuple(self.protocol.render(action, values))
        if action.handler:
            handler = self.protocol.handler(action.handler)
            overrides = {**handler.overrides(action, values), **overrides}
            output = OutputSpec(**handler.output_spec(values))
        else:
            output = OutputSpec(mode=resolve_option(action.output["mode"], values),
                                arrays=action.output.get("arrays", True),
                                key_from_record=action.output.get("key_from_record", False))
        # The inputs the caller gave, by their flat names (a group's members count as given).
        given = (frozenset(ungroup(action.schema, dict(inputs)).values)
                 if isinstance(inputs, Mapping) else frozenset())
        return Call(action, values, bodies, self.options(**overrides), output, given)

    def options(self, **overrides: Any) -> CallOptions:
        """How a call is sent: the manifest's settings, with the given overrides."""
        if not overrides:  # the common case: the settings' own options, made once per settings
            made = self._default_options
            if made is None or made[0] is not self.settings:
                made = self._default_options = (self.settings, self._options({}))
            return made[1]
        return self._options(overrides)

    def _options(self, overrides: dict[str, Any]) -> CallOptions:
        unknown = sorted(set(overrides) - OVERRIDES)
        if unknown:
            raise TypeError(f"unknown call option {unknown[0]!r}{_suggest(unknown[0], OVERRIDES)}"
                            f"; known: {', '.join(sorted(OVERRIDES))}")
        deadline_ms = overrides.get("deadline_ms")
        controlids = overrides.get("controlids")
        return CallOptions(
            retry=self.settings.retry.merged(overrides) if overrides else self.settings.retry,
            headers=MappingProxyType(dict(overrides.get("headers") or {})),
            transaction=bool(overrides.get("transaction", False)),
            slot_wait_s=overrides.get("slot_wait_ms", self.settings.slot_wait_ms) / 1000,
            deadline=None if deadline_ms is None else time.monotonic() + deadline_ms / 1000,
            controlids=tuple(controlids) if controlids is not None else None)

    def render(self, key: str, inputs: Mapping[str, Any] | None,
               connection: Mapping[str, Any] | None = None) -> str:
        """The request that would be sent, secrets redacted; nothing is sent."""
        call = self.prepare(key, inputs)
        client = self.protocol.client(connection or self.placeholder_connection(),
                                      self.settings, self.coordination)
        try:
            return client.preview(call.bodies, call.options)
        finally:
            client.close()

    def placeholder_connection(self) -> dict[str, Any]:
        """Stand-in values for previews made without a connection."""
        properties = self.manifest.connection_schema.get("properties", {})
        return {name: f"{{{name}}}" for name, prop in properties.items()
                if prop.get("type", "string") == "string"}

    # -- running ----------------------------------------------------------------------------

    def run(self, call: Call, connection: Mapping[str, Any], *, stream: bool = False) -> Any:
        """Run one call through the middleware; its output, or its error raised."""
        return self._through_middleware(Execution((call,), connection, stream))[0].unwrap()

    def run_many(self, calls: Sequence[Call], connection: Mapping[str, Any]) -> list[Outcome]:
        """Run calls in one request through the middleware; one outcome per call, in order.

        A call's failure is its outcome; a failure of the whole request is every call's.
        """
        return self._through_middleware(Execution(tuple(calls), connection))

    def _through_middleware(self, execution: Execution) -> list[Outcome]:
        proceed: Proceed = self._execute
        for middleware in reversed(self._middleware):
            proceed = _bind(middleware, proceed)
        return proceed(execution)

    def _execute(self, execution: Execution) -> list[Outcome]:
        calls = execution.calls
        client = self.client(execution.connection)
        if len(calls) == 1 and calls[0].output.mode == PAGE:
            try:
                return [Outcome("success", _one_page(self.protocol, client, calls[0]))]
            except ConnectorError as exc:
                return [Outcome("unknown" if isinstance(exc, OutcomeUnknown) else "error",
                                error=exc)]
        if len(calls) == 1 and calls[0].output.mode == "records":
            records = _records(client, calls[0])
            return [Outcome("success", records if execution.stream else list(records))]
        bodies = [body for call in calls for body in call.bodies]
        options = calls[0].options
        if any(call.options.controlids is not None for call in calls):
            ids = [i for call in calls for i in _controlids(call)]
            options = replace(options, controlids=tuple(ids))
        # (with no call's ids given, the client makes one per body, as _controlids would)
        try:
            response = client.execute(bodies, options)
        except ConnectorError as exc:
            status = "unknown" if isinstance(exc, OutcomeUnknown) else "error"
            return [Outcome(status, error=exc) for _ in calls]
        if len(response.results) != len(bodies):
            error = ConnectorError(f"the gateway answered {len(response.results)} results to "
                                   f"{len(bodies)} functions")
            return [Outcome("error", error=error) for _ in calls]
        outcomes, start, raw = [], 0, None
        for call in calls:
            results = response.results[start:start + len(call.bodies)]
            start += len(call.bodies)
            failed = _first_failure(results)
            if failed is not None:
                if raw is None:  # decoded for the errors only: a response can be megabytes
                    raw = response.raw.decode("utf-8", errors="replace")
                outcomes.append(Outcome("error", error=failed.error(raw)))
            else:
                outcomes.append(Outcome("success",
                                        self.protocol.shape(call, response, results)))
        return outcomes

    # -- adapters ---------------------------------------------------------------------------

    def invoke(self, key: str, inputs: Mapping[str, Any] | None, connection: Mapping[str, Any],
               **overrides: Any) -> dict[str, Any]:
        """Run an action and return its output as {"data": ...}."""
        return {"data": self.run(self.prepare(key, inputs, **overrides), connection)}

    def iter_records(self, key: str, inputs: Mapping[str, Any] | None,
                     connection: Mapping[str, Any], **overrides: Any) -> Iterator[Any]:
        """Stream the records of a `records`-mode action page by page (constant memory)."""
        yield from self.run(self._records_call(key, inputs, overrides), connection, stream=True)

    def picklist(self, key: str, inputs: Mapping[str, Any] | None,
                 connection: Mapping[str, Any], *, search: str | None = None
                 ) -> list[dict[str, str]]:
        """Every item of a data source, [{key, label}], sorted by label. `search` keeps the
        items whose label contains the text; the remote API does the matching (Intacct: a
        LIKE in the query), so only those items are read."""
        picklist = self._picklist(key, inputs, search, self.settings.page_size)
        items = [picklist.item(record)
                 for record in self.run(picklist.call, connection, stream=True)]
        return sorted(items, key=lambda item: (item["label"].casefold(), item["key"]))

    def picklist_page(self, key: str, inputs: Mapping[str, Any] | None,
                      connection: Mapping[str, Any], *, search: str | None = None,
                      cursor: str | None = None, limit: int | None = None) -> Page:
        """One page of a data source's items, in the remote API's order, and the cursor of the
        next page: what a dropdown reads as the user types and scrolls. A cursor continues
        only the request (inputs, search, limit) that gave it."""
        size = min(limit or self.settings.page_size, self.protocol.limits.max_page_size)
        picklist = self._picklist(key, inputs, search, size)
        asked = fingerprint(key, picklist.call.values, search=search, limit=size)
        records, token = self._page(picklist.call, connection, cursor, asked)
        return Page([picklist.item(record) for record in records],
                    None if token is None else encode(token, asked))

    def records_page(self, key: str, inputs: Mapping[str, Any] | None,
                     connection: Mapping[str, Any], *, cursor: str | None = None,
                     **overrides: Any) -> Page:
        """One page of a `records`-mode action's records and the cursor of the next."""
        call = self._records_call(key, inputs, overrides)
        asked = fingerprint(key, call.values)
        records, token = self._page(call, connection, cursor, asked)
        return Page(records, None if token is None else encode(token, asked))

    def _page(self, call: Call, connection: Mapping[str, Any], cursor: str | None,
              asked: str) -> tuple[list[Any], str | None]:
        body = call.bodies[0]
        if cursor is not None:
            body = self.protocol.continue_body(body, decode(call.key, cursor, asked))
        return self.run(replace(call, bodies=(body,), output=OutputSpec(PAGE)), connection)

    def _picklist(self, key: str, inputs: Mapping[str, Any] | None, search: str | None,
                  page_size: int) -> _Picklist:
        source = self.datasource(key)
        values = prepare_inputs(key, source.schema, inputs)
        key_field = resolve_option(source.key_field, values,
                                   default=self.protocol.default_key_field)
        label_format = resolve_option(source.label_format, values, default="{" + key_field + "}")
        label_fields = [f for _, f, _, _ in string.Formatter().parse(label_format) if f]
        fields = list(dict.fromkeys([key_field, *label_fields]))
        wanted = Search(search, tuple(label_fields)) if search else None
        bodies = self.protocol.picklist_bodies(source, fields, page_size, search=wanted)
        call = Call(source, values, bodies, self.options(), OutputSpec("records"),
                    frozenset(inputs or {}))
        return _Picklist(call, key_field, label_format, tuple(fields))

    def _records_call(self, key: str, inputs: Mapping[str, Any] | None,
                      overrides: Mapping[str, Any]) -> Call:
        call = self.prepare(key, inputs, **overrides)
        if call.output.mode != "records":
            raise UnknownKey(f"{key} does not list records (its output mode is "
                             f"{call.output.mode}); run it instead")
        return call

    # -- diagnostics ------------------------------------------------------------------------

    def test_connection(self, connection: Mapping[str, Any]) -> dict[str, Any]:
        """Sign in and try what a workflow needs; {"ok", "checks": [{name, ok, detail}]}.

        The protocol's own checks come first (signing in: who, where), when it has them; then
        one small read of each data source's object. A failure is a failed check, not an
        error: the report says what works and what does not.
        """
        client = self.client(connection)
        checks: list[dict[str, Any]] = []
        own = getattr(self.protocol, "test_connection", None)
        try:
            if own is not None:
                checks += own(client, connection, self.options())
        except ConnectorError as exc:
            checks.append({"name": "sign in", "ok": False, "detail": self.redact(exc.message)})
            return {"ok": False, "checks": checks}
        for source in self.datasources.values():
            checks.append(self._read_check(source, connection))
        return {"ok": all(check["ok"] for check in checks), "checks": checks}

    def _read_check(self, source: DataSourceSpec, connection: Mapping[str, Any]
                    ) -> dict[str, Any]:
        name = f"read {source.object} ({source.key})"
        try:
            page = self.picklist_page(source.key, {}, connection, limit=1)
        except InputError:
            return {"name": name, "ok": True, "detail": "skipped: needs inputs"}
        except ConnectorError as exc:
            return {"name": name, "ok": False, "detail": self.redact(exc.message)}
        found = "records" if page.items else "no record"
        return {"name": name, "ok": True, "detail": f"allowed ({found} found)"}

    # -- triggers ---------------------------------------------------------------------------

    def poll(self, key: str, inputs: Mapping[str, Any] | None, connection: Mapping[str, Any],
             **options: Any) -> Any:
        """One recurrence of a trigger: its unacknowledged events and an ack token
        (connector.triggers.poller.poll, which takes `state`, `instance`, `max_events`). State
        and the one-poller lease default to the connector's coordination (shared when it is
        Redis and PostgreSQL)."""
        from connector.triggers.poller import poll

        options.setdefault("state", self.coordination.state)
        options.setdefault("leases", self.coordination.poll_leases())
        return poll(self, key, inputs, connection, **options)

    def ack(self, token: str, **options: Any) -> int:
        """Acknowledge the events a poll returned with `token` (connector.triggers.poller.ack,
        which takes `state`; default: the connector's coordination's)."""
        from connector.triggers.poller import ack

        options.setdefault("state", self.coordination.state)
        return ack(token, **options)


@dataclass(frozen=True)
class _Picklist:
    """A data source's query, and how each record becomes an item."""

    call: Call
    key_field: str
    label_format: str
    fields: tuple[str, ...]

    def item(self, record: Mapping[str, Any]) -> dict[str, str]:
        row = {f: _text(record.get(f)) for f in self.fields}
        return {"key": row[self.key_field], "label": self.label_format.format(**row)}


def _one_page(protocol: ConnectorProtocol, client: Client, call: Call
              ) -> tuple[list[Any], str | None]:
    """The records of one page and the protocol's token for the next (None: the last)."""
    response = client.execute([call.bodies[0]], call.options)
    result = response.results[0]
    if not result.ok:
        raise result.error(response.raw.decode("utf-8", errors="replace"))
    return list(result.records), (protocol.continuation(result) if result.more else None)


def _records(client: Client, call: Call) -> Iterator[Any]:
    """Each page's records, one page held at a time: a page and its records are let go (as
    they are handed out) before the next page is asked for."""
    for result in client.pages(call.bodies[0], call.options):
        records = result.records
        del result
        records.reverse()
        while records:
            yield records.pop()


def _controlids(call: Call) -> Sequence[str]:
    ids = call.options.controlids
    if ids is not None and len(ids) != len(call.bodies):
        raise ValueError(f"{call.key}: {len(ids)} control ids for {len(call.bodies)} bodies")
    return ids if ids is not None else [str(uuid.uuid4()) for _ in call.bodies]


def _first_failure(results: Sequence[Result]) -> Result | None:
    """The result to report when some failed: a failure rather than one aborted for it."""
    failed = [r for r in results if not r.ok]
    return next((r for r in failed if r.status != "aborted"), failed[0]) if failed else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


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


def _bind(middleware: Middleware, proceed: Proceed) -> Proceed:
    return lambda execution: middleware(execution, proceed)


def load_manifest(path: str | Path, registry: Registry, *, cache: bool = True) -> Manifest:
    """A manifest checked by the protocols and filters the registry's plugins provide
    (`cache=False`: checked again even when the start-up cache has it)."""
    return _load_manifest(path, {k: r.value for k, r in registry.protocols.items()},
                          {k: r.value for k, r in registry.filters.items()}, cache=cache)


def load_connector(manifest: str | Path | None = None, *, plugins: Iterable[Any] = (),
                   key: str | None = None, registry: Registry | None = None,
                   coordination: Coordination | None = None) -> Connector:
    """Load plugins (entry points + `plugins`) and the connector they registered.

    `manifest` loads that file instead of the registered one (e.g. to try a manifest you are
    writing); `key` picks one connector when several are registered; `registry` uses plugins
    already collected instead; `coordination` shares slots, sessions and state (default: the
    process's own, from the CONNECTOR_* environment).
    """
    registry = registry or collect(plugin_manager(plugins))
    if manifest is not None:
        return Connector(load_manifest(manifest, registry), registry, coordination)
    loaded = [load_manifest(r.value, registry) for r in registry.connectors]
    if not loaded:
        raise UnknownKey("no plugin registered a connector")
    for candidate in loaded:
        if key is None or candidate.connector["key"] == key:
            return Connector(candidate, registry, coordination)
    raise UnknownKey(f"no connector {key!r}; registered: "
                     + ", ".join(m.connector["key"] for m in loaded))
