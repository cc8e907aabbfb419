"""The HTTP API's routes over one Connector and the server's named connections.

Every route answers JSON, and every error RFC 9457 problem details (connector.service.problems)
with secrets scrubbed; every answer carries X-Request-ID and every request leaves one access-log
line and its metrics (connector.service.observe). Blocking work (validation aside: rendering,
gateway calls, shaping, scrubbing large outputs) runs in the thread pool so the event loop keeps
answering while gateway calls wait for the per-company concurrency limit.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import traceback
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from connector import jsontext
from connector.catalog import describe_action, describe_datasource, export_catalog
from connector.connection import check_connection, secret_fields
from connector.core import Connector
from connector.errors import ConnectorError, InputError, InputProblem
from connector.inputs import prepare_inputs
from connector.service import idempotency
from connector.service.auth import BearerAuth
from connector.service.envelope import (
    Check,
    is_boolean,
    is_object,
    is_positive_int,
    is_string,
    parse_body,
)
from connector.service.errors import Scrubber
from connector.service.headers import SecurityHeaders
from connector.service.limits import BodyLimit, BodyTooLarge
from connector.service.metrics import CONTENT_TYPE, Metrics
from connector.service.new_connections import read_new_connection
from connector.service.observe import RequestObserver, access_logger
from connector.service.openapi import build_openapi
from connector.service.problems import problem
from connector.service.responses import APIResponse
from connector.service.triggers import TriggerRoutes

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
PLACEHOLDER = ("<!doctype html><html lang=en><meta charset=utf-8><title>Connector service"
               "</title><p>The playground is not installed. The API is at "
               "<a href=/openapi.json>/openapi.json</a> (bearer token required).</html>")
PUBLIC_PATHS = {"/", "/health", "/ready"}
CALL_FIELDS = {"connection": is_string, "inputs": is_object}
INVOKE_FIELDS = {**CALL_FIELDS, "page": is_boolean, "cursor": is_string}
PICKLIST_FIELDS = {**CALL_FIELDS, "search": is_string, "limit": is_positive_int,
                   "cursor": is_string}
PICKLIST_PAGE = 100  # items a data source answers when the caller names no limit
NDJSON = "application/x-ndjson"
HTTP_ERROR_CODES = {404: "NotFound", 405: "MethodNotAllowed"}
SHOWN_PATH = 200  # characters of a request's path repeated in an error

Handler = Callable[[Any, Request], Awaitable[Response]]


def create_app(connector: Connector, connections: Mapping[str, dict[str, Any]], token: str, *,
               cors_origins: Iterable[str] = (), max_body_bytes: int = 1 << 20,
               state: Any = None, log_format: str = "text",
               trigger_polls: Callable[[str, str], None] | None = None,
               accept_connections: bool = False) -> Starlette:
    """The API application. `connections` maps names callers may use to connection objects
    (checked against the connection schema now); `token` is the bearer token every
    non-public route requires; CORS is off unless origins are given. `state` is the
    StateStore that Idempotency-Key and the triggers use (default: the connector's
    coordination's, opened on first use); `log_format` the access log's ("text" or "json").
    `app.state.triggers.close()` stops the trigger scheduler; `trigger_polls(trigger,
    instance)`, when given, sends its due polls to a work queue instead of polling here. With
    `accept_connections`, POST /connections adds one (connector.service.new_connections)."""
    service = _Service(connector, connections, token, state)
    triggers = TriggerRoutes(connector, service.connections, service.scrub,
                             service._connection, state=state, send=trigger_polls)
    routes = [
        Route("/", service.index, methods=["GET"]),
        Route("/health", service.health, methods=["GET"]),
        Route("/ready", service.ready, methods=["GET"]),
        Route("/metrics", service.metrics_text, methods=["GET"]),
        Route("/openapi.json", service.openapi, methods=["GET"]),
        Route("/catalog", service.catalog, methods=["GET"]),
        Route("/connections", service.connection_names, methods=["GET"]),
        *([Route("/connections", service.add_connection, methods=["POST"])]
          if accept_connections else []),
        Route("/connections/{name}/test", service.test_connection, methods=["POST"]),
        Route("/actions/{key}", service.describe_action, methods=["GET"]),
        Route("/actions/{key}/render", service.render, methods=["POST"]),
        Route("/actions/{key}/invoke", service.invoke, methods=["POST"]),
        Route("/datasources/{key}", service.datasource, methods=["GET", "POST"]),
        *triggers.routes(),
        Mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static"),
    ]
    middleware = [Middleware(RequestObserver, routes=routes, metrics=service.metrics,
                             log=access_logger(log_format)),
                  Middleware(SecurityHeaders)]
    origins = list(cors_origins)
    if origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID",
                           idempotency.HEADER],
            expose_headers=["Retry-After", "WWW-Authenticate", "X-Request-ID",
                            idempotency.REPLAYED_HEADER], max_age=600))
    middleware += [Middleware(BearerAuth, token=token, public=is_public),
                   Middleware(BodyLimit, max_bytes=max_body_bytes)]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: _http_error})
    app.state.triggers = triggers
    return app


def is_public(path: str) -> bool:
    """The playground page, its files, /health and /ready need no token: they hold no data."""
    return path in PUBLIC_PATHS or path.startswith("/static/")


def package_version() -> str:
    try:
        return version("lowcode-connector")
    except PackageNotFoundError:
        return "0+unknown"


def _guard(handler: Handler) -> Handler:
    """ConnectorError -> its problem details; anything else -> a logged 500."""

    @functools.wraps(handler)
    async def guarded(self: _Service, request: Request) -> Response:
        try:
            return await handler(self, request)
        except BodyTooLarge:
            raise  # BodyLimit answers 413
        except ConnectorError as exc:
            return self.scrub.error(exc, request.scope)
        except Exception:
            log.error("internal error on %s %s (request %s):\n%s", request.method,
                      request.url.path, request.scope["state"].get("request_id"),
                      self.scrub.text(traceback.format_exc()))
            return problem(request.scope, 500, "InternalError",
                           "internal error; see the service log for this request id")

    return guarded


class _Service:
    """The route handlers, sharing the connector, the connections and the scrubber."""

    def __init__(self, connector: Connector, connections: Mapping[str, dict[str, Any]],
                 token: str, state: Any) -> None:
        schema = connector.manifest.connection_schema
        for values in connections.values():
            check_connection(schema, values)
        self.connector = connector
        self.connections = dict(connections)
        self.scrub = Scrubber(connector.redact, [token])
        for values in self.connections.values():
            self.scrub.remember(self._secrets(values))
        self.version = package_version()
        self.metrics = Metrics()
        self._state = state
        self._state_lock = threading.Lock()
        self._catalog = export_catalog(connector)
        self._openapi = build_openapi(connector, list(self.connections), self.version)

    def state(self) -> Any:
        """The state store Idempotency-Key records inputs in: the one given, else the
        connector's coordination's (CONNECTOR_STATE: SQLite by default, PostgreSQL when workers
        share it), opened on first use."""
        with self._state_lock:
            if self._state is None:
                self._state = self.connector.coordination.state
            return self._state

    async def index(self, request: Request) -> Response:
        page = STATIC_DIR / "index.html"
        return FileResponse(page) if page.is_file() else HTMLResponse(PLACEHOLDER)

    async def health(self, request: Request) -> Response:
        """Liveness: the process answers."""
        return APIResponse({"status": "ok", "connector": self.connector.key,
                            "version": self.version})

    async def ready(self, request: Request) -> Response:
        """Readiness: the state store answers a read, and the thread pool that runs every
        call runs a task (a pool stuck on hung calls is not ready for more)."""
        checks: dict[str, str] = {}

        def read_state() -> None:
            self.state().load_cursor("connector-readiness-probe")

        try:
            await run_in_threadpool(read_state)
            checks["state"] = "ok"
        except Exception as exc:
            checks["state"] = f"failed: {type(exc).__name__}: {self.scrub.text(str(exc))}"
        if all(result == "ok" for result in checks.values()):
            return APIResponse({"status": "ready", "checks": checks})
        return problem(request.scope, 503, "NotReady", "a readiness check failed",
                       checks=checks)

    async def metrics_text(self, request: Request) -> Response:
        return Response(self.metrics.exposition(), media_type=CONTENT_TYPE,
                        headers={"Cache-Control": "no-store"})

    async def openapi(self, request: Request) -> Response:
        return APIResponse(self._openapi)

    async def catalog(self, request: Request) -> Response:
        return APIResponse(self._catalog)

    async def connection_names(self, request: Request) -> Response:
        return APIResponse({"connections": [{"name": name} for name in self.connections]})

    @_guard
    async def add_connection(self, request: Request) -> Response:
        """Keep a new named connection; answer its name, never its values."""
        schema = self.connector.manifest.connection_schema
        state = request.scope["state"]
        state["body_fields"], state["inputs_at"] = set(), "/connection"
        name, values = read_new_connection(await request.body(), schema, self.connections,
                                           state["body_fields"])
        self.scrub.remember(self._secrets(values))
        self.connections[name] = values
        self._openapi = build_openapi(self.connector, list(self.connections), self.version)
        return APIResponse({"name": name}, 201)

    def _secrets(self, values: Mapping[str, Any]) -> list[str]:
        hidden = secret_fields(self.connector.manifest.connection_schema)
        return [str(value) for name, value in values.items() if name in hidden and value]

    @_guard
    async def test_connection(self, request: Request) -> Response:
        """Sign in with a named connection and report what it can do (never its values)."""
        name = request.path_params["name"]
        if name not in self.connections:
            return problem(request.scope, 404, "NotFound",
                           f"no connection named {name[:64]!r}; {self._choices()}")
        request.scope["state"]["connection"] = name
        report = await run_in_threadpool(self.connector.test_connection,
                                         self.connections[name])
        return APIResponse(self.scrub.value({"connection": name, **report}))

    @_guard
    async def describe_action(self, request: Request) -> Response:
        return APIResponse(describe_action(self.connector.action(request.path_params["key"])))

    async def datasource(self, request: Request) -> Response:
        """GET describes a data source, POST lists its items: one route, so that a 405 on it
        lists both methods."""
        if request.method == "POST":
            return await self.picklist(request)
        return await self.describe_datasource(request)

    @_guard
    async def describe_datasource(self, request: Request) -> Response:
        source = self.connector.datasource(request.path_params["key"])
        return APIResponse(describe_datasource(source))

    @_guard
    async def render(self, request: Request) -> Response:
        key, body, connection = await self._call(request, self.connector.action, CALL_FIELDS,
                                                 connection_required=False)

        def work() -> Response:
            xml = self.connector.render(key, body.get("inputs"), connection)
            return APIResponse({"xml": self.scrub.text(xml)})

        return await run_in_threadpool(work)

    @_guard
    async def invoke(self, request: Request) -> Response:
        """Run an action. A list action answers every record, or one page (`page`, `cursor`),
        or a stream of records (Accept: application/x-ndjson); `Idempotency-Key` makes a
        retried call apply once."""
        key, body, connection = await self._call(request, self.connector.action,
                                                 INVOKE_FIELDS)
        paged = body.get("page") or "cursor" in body
        streamed = NDJSON in request.headers.get("accept", "")
        idempotency_key = request.headers.get(idempotency.HEADER)
        if idempotency_key is not None:
            idempotency.check_key(key, idempotency_key)
        if paged or streamed:
            return await self._records(request, key, body, connection, streamed)
        name = request.scope["state"].get("connection", "")

        def work() -> Response:
            if idempotency_key is None:
                return APIResponse(self.scrub.value(
                    self.connector.invoke(key, body.get("inputs"), connection)))
            call = self.connector.prepare(key, body.get("inputs"))
            claim = idempotency.claim(self.state(), call, idempotency_key, name, connection,
                                      self.connector.manifest.connection_schema)
            call = replace(call, options=replace(call.options, controlids=claim.controlids))
            output = {"data": self.connector.run(call, connection)}
            headers = {idempotency.REPLAYED_HEADER: "true"} if claim.replayed else {}
            return APIResponse(self.scrub.value(output), headers=headers)

        return await run_in_threadpool(work)

    async def _records(self, request: Request, key: str, body: Mapping[str, Any],
                       connection: dict[str, Any], streamed: bool) -> Response:
        if request.headers.get(idempotency.HEADER) is not None:
            raise InputError(key, [InputProblem(idempotency.HEADER, idempotency.HEADER,
                                                "applies to actions that change data, not "
                                                "to a list's pages")])
        if not streamed:
            page = await run_in_threadpool(self.connector.records_page, key,
                                           body.get("inputs"), connection,
                                           cursor=body.get("cursor"))
            return APIResponse({"data": self.scrub.value(page.items),
                                "next_cursor": page.cursor})
        records = self.connector.iter_records(key, body.get("inputs"), connection)
        first = await run_in_threadpool(_first, records)  # errors before any byte is sent

        def lines() -> Iterator[bytes]:
            for record in first:
                yield json.dumps(self.scrub.value(record), ensure_ascii=False,
                                 default=jsontext.default).encode() + b"\n"

        return StreamingResponse(iterate_in_threadpool(lines()), media_type=NDJSON,
                                 headers={"Cache-Control": "no-store"})

    @_guard
    async def picklist(self, request: Request) -> Response:
        """One page of a data source's items, the search pushed into the gateway's query."""
        key, body, connection = await self._call(request, self.connector.datasource,
                                                 PICKLIST_FIELDS)

        def work() -> Response:
            page = self.connector.picklist_page(
                key, body.get("inputs"), connection, search=body.get("search") or None,
                cursor=body.get("cursor"), limit=int(body.get("limit", PICKLIST_PAGE)))
            return APIResponse({"items": self.scrub.value(page.items),
                                "next_cursor": page.cursor})

        return await run_in_threadpool(work)

    async def _call(self, request: Request, lookup: Callable[[str], Any],
                    fields: Mapping[str, Check], *,
                    connection_required: bool = True
                    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """The key, body and connection of a call, or one InputError with every problem."""
        key = request.path_params["key"]
        declared = lookup(key)  # UnknownKey (404) before the body is read
        state = request.scope["state"]
        state["header_fields"] = {idempotency.HEADER}
        state["body_fields"] = set(fields)
        body, problems = parse_body(key, declared.schema, await request.body(), fields)
        state["body_fields"] |= {problem.path for problem in problems}  # unknown fields
        connection = self._connection(body, problems, state, required=connection_required)
        _raise_problems(key, declared.schema, body, problems)
        return key, body, connection

    def _connection(self, body: dict[str, Any], problems: list[InputProblem],
                    state: dict[str, Any], *, required: bool) -> dict[str, Any] | None:
        """The named connection, or the only one when none is named; a problem otherwise."""
        name = body.get("connection")
        if any(problem.path == "connection" for problem in problems):
            return None
        if name is None:
            if len(self.connections) == 1:
                state["connection"] = next(iter(self.connections))
                return next(iter(self.connections.values()))
            if required:
                problems.append(InputProblem("connection", "Connection", self._choices()))
            return None
        if name not in self.connections:
            problems.append(InputProblem("connection", "Connection",
                                         f"no connection named {name[:64]!r}; "
                                         + self._choices()))
            return None
        state["connection"] = name
        return self.connections[name]

    def _choices(self) -> str:
        if not self.connections:
            return "this service has no connection configured"
        return "name one of: " + ", ".join(self.connections)


def _first(records: Iterator[Any]) -> Iterator[Any]:
    """The records, with the first one read now (so that a failure is an error answer)."""
    try:
        head = next(records)
    except StopIteration:
        return iter(())
    return _chain(head, records)


def _chain(head: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield head
    yield from rest


def _raise_problems(key: str, schema: Mapping[str, Any], body: Mapping[str, Any],
                    problems: list[InputProblem]) -> None:
    """Raise one InputError with the request's problems and, when the inputs are an object,
    theirs too, so a caller sees every problem at once."""
    if not problems:
        return
    if not any(problem.path == "inputs" for problem in problems):
        try:
            prepare_inputs(key, schema, body.get("inputs"))
        except InputError as exc:
            problems.extend(exc.problems)
    raise InputError(key, problems)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's 404 and 405 as problem details naming the path (and the method and the
    ones allowed)."""
    path = request.url.path[:SHOWN_PATH]
    message = exc.detail
    if exc.status_code == 404:
        message = f"nothing at {path}"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"{request.method} is not allowed on {path}; use {allowed}"
    return problem(request.scope, exc.status_code,
                   HTTP_ERROR_CODES.get(exc.status_code, "HTTPError"), message,
                   headers=exc.headers)
