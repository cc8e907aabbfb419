"""The HTTP API's routes over one Connector and the server's named connections.

Every route answers JSON ({"error": {...}} on failure, secrets scrubbed); blocking work
(validation aside: rendering, gateway calls, shaping, scrubbing large outputs) runs in the
thread pool so the event loop keeps answering while gateway calls wait for the per-company
concurrency limit.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from connector.catalog import describe_action, describe_datasource, export_catalog
from connector.connection import check_connection
from connector.core import Connector
from connector.errors import ConnectorError, InputError, InputProblem
from connector.inputs import prepare_inputs
from connector.service.auth import BearerAuth
from connector.service.envelope import Check, is_object, is_positive_int, is_string, parse_body
from connector.service.errors import Scrubber, secret_fields
from connector.service.headers import SecurityHeaders
from connector.service.limits import BodyLimit, BodyTooLarge
from connector.service.new_connections import read_new_connection
from connector.service.openapi import build_openapi
from connector.service.responses import APIResponse, error_response

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
PLACEHOLDER = ("<!doctype html><html lang=en><meta charset=utf-8><title>Connector service"
               "</title><p>The playground is not installed. The API is at "
               "<a href=/openapi.json>/openapi.json</a> (bearer token required).</html>")
PUBLIC_PATHS = {"/", "/health"}
CALL_FIELDS = {"connection": is_string, "inputs": is_object}
PICKLIST_FIELDS = {**CALL_FIELDS, "search": is_string, "limit": is_positive_int}
HTTP_ERROR_TYPES = {404: "NotFound", 405: "MethodNotAllowed"}
SHOWN_PATH = 200  # characters of a request's path repeated in an error

Handler = Callable[[Any, Request], Awaitable[Response]]


def create_app(connector: Connector, connections: Mapping[str, dict[str, Any]], token: str, *,
               cors_origins: Iterable[str] = (), max_body_bytes: int = 1 << 20,
               accept_connections: bool = False) -> Starlette:
    """The API application. `connections` maps names callers may use to connection objects
    (checked against the connection schema now); `token` is the bearer token every
    non-public route requires; CORS is off unless origins are given. With
    `accept_connections`, POST /connections adds one (connector.service.new_connections)."""
    service = _Service(connector, connections, token)
    routes = [
        Route("/", service.index, methods=["GET"]),
        Route("/health", service.health, methods=["GET"]),
        Route("/openapi.json", service.openapi, methods=["GET"]),
        Route("/catalog", service.catalog, methods=["GET"]),
        Route("/connections", service.connection_names, methods=["GET"]),
        *([Route("/connections", service.add_connection, methods=["POST"])]
          if accept_connections else []),
        Route("/actions/{key}", service.describe_action, methods=["GET"]),
        Route("/actions/{key}/render", service.render, methods=["POST"]),
        Route("/actions/{key}/invoke", service.invoke, methods=["POST"]),
        Route("/datasources/{key}", service.datasource, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    origins = list(cors_origins)
    if origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Retry-After", "WWW-Authenticate"], max_age=600))
    middleware += [Middleware(BearerAuth, token=token, public=is_public),
                   Middleware(BodyLimit, max_bytes=max_body_bytes)]
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={HTTPException: _http_error})


def is_public(path: str) -> bool:
    """The playground page, its files and /health need no token: they hold no data."""
    return path in PUBLIC_PATHS or path.startswith("/static/")


def package_version() -> str:
    try:
        return version("lowcode-connector")
    except PackageNotFoundError:
        return "0+unknown"


def _guard(handler: Handler) -> Handler:
    """ConnectorError -> its status and {"error": ...}; anything else -> a logged 500."""

    @functools.wraps(handler)
    async def guarded(self: _Service, request: Request) -> Response:
        try:
            return await handler(self, request)
        except BodyTooLarge:
            raise  # BodyLimit answers 413
        except ConnectorError as exc:
            return self.scrub.error(exc)
        except Exception:
            log.error("internal error on %s %s:\n%s", request.method, request.url.path,
                      self.scrub.text(traceback.format_exc()))
            return error_response(500, "InternalError", "internal error; see the service log")

    return guarded


class _Service:
    """The route handlers, sharing the connector, the connections and the scrubber."""

    def __init__(self, connector: Connector, connections: Mapping[str, dict[str, Any]],
                 token: str) -> None:
        schema = connector.manifest.connection_schema
        for values in connections.values():
            check_connection(schema, values)
        self.connector = connector
        self.connections = dict(connections)
        self.scrub = Scrubber(connector.redact, [token])
        for values in self.connections.values():
            self.scrub.remember(self._secrets(values))
        self.version = package_version()
        self._catalog = export_catalog(connector)
        self._openapi = build_openapi(connector, list(self.connections), self.version)

    async def index(self, request: Request) -> Response:
        page = STATIC_DIR / "index.html"
        return FileResponse(page) if page.is_file() else HTMLResponse(PLACEHOLDER)

    async def health(self, request: Request) -> Response:
        return APIResponse({"status": "ok", "connector": self.connector.key,
                            "version": self.version})

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
        name, values = read_new_connection(await request.body(), schema, self.connections)
        self.scrub.remember(self._secrets(values))
        self.connections[name] = values
        self._openapi = build_openapi(self.connector, list(self.connections), self.version)
        return APIResponse({"name": name}, 201)

    def _secrets(self, values: Mapping[str, Any]) -> list[str]:
        hidden = secret_fields(self.connector.manifest.connection_schema)
        return [str(value) for name, value in values.items() if name in hidden and value]

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
        key, body, connection = await self._call(request, self.connector.action, CALL_FIELDS)

        def work() -> Response:
            output = self.connector.invoke(key, body.get("inputs"), connection)
            return APIResponse(self.scrub.value(output))

        return await run_in_threadpool(work)

    @_guard
    async def picklist(self, request: Request) -> Response:
        key, body, connection = await self._call(request, self.connector.datasource,
                                                 PICKLIST_FIELDS)

        def work() -> Response:
            items = self.connector.picklist(key, body.get("inputs"), connection)
            needle = body.get("search", "").casefold()
            if needle:
                items = [item for item in items if needle in item["label"].casefold()
                         or needle in item["key"].casefold()]
            if "limit" in body:
                items = items[:int(body["limit"])]
            return APIResponse({"items": self.scrub.value(items)})

        return await run_in_threadpool(work)

    async def _call(self, request: Request, lookup: Callable[[str], Any],
                    fields: Mapping[str, Check], *,
                    connection_required: bool = True
                    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """The key, body and connection of a call, or one InputError with every problem."""
        key = request.path_params["key"]
        declared = lookup(key)  # UnknownKey (404) before the body is read
        body, problems = parse_body(key, declared.schema, await request.body(), fields)
        connection = self._connection(body, problems, required=connection_required)
        _raise_problems(key, declared.schema, body, problems)
        return key, body, connection

    def _connection(self, body: dict[str, Any], problems: list[InputProblem], *,
                    required: bool) -> dict[str, Any] | None:
        """The named connection, or the only one when none is named; a problem otherwise."""
        name = body.get("connection")
        if any(problem.path == "connection" for problem in problems):
            return None
        if name is None:
            if len(self.connections) == 1:
                return next(iter(self.connections.values()))
            if required:
                problems.append(InputProblem("connection", "Connection", self._choices()))
            return None
        if name not in self.connections:
            problems.append(InputProblem("connection", "Connection",
                                         f"no connection named {name[:64]!r}; "
                                         + self._choices()))
            return None
        return self.connections[name]

    def _choices(self) -> str:
        if not self.connections:
            return "this service has no connection configured"
        return "name one of: " + ", ".join(self.connections)


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
    """Starlette's 404 and 405 as JSON errors naming the path (and the method and the ones
    allowed)."""
    path = request.url.path[:SHOWN_PATH]
    message = exc.detail
    if exc.status_code == 404:
        message = f"nothing at {path}"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"{request.method} is not allowed on {path}; use {allowed}"
    return error_response(exc.status_code, HTTP_ERROR_TYPES.get(exc.status_code, "HTTPError"),
                          message, headers=exc.headers)
