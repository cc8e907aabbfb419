"""One request, seen by an operator: its request id, one access-log line, its metrics.

The outermost middleware: it takes the caller's `X-Request-ID` (when it is a sane token) or
makes one, puts it where error bodies find it (`scope["state"]`), echoes it on the answer, and
when the answer is sent logs one structured line (structlog, through the stdlib logger
`connector.access`: key=value text, or JSON) and counts the request in the metrics. The line
holds the method, the route (its template, not the path: keys are labels, not ids), the
status, the duration, the request id, the action or data source key and the connection name;
never a body, a header value or a secret.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connector.service.metrics import Metrics

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:+/=-]{1,128}$")
LOG_FORMATS = ("text", "json")
ACCESS_LOGGER = "connector.access"
UNMATCHED = "unmatched"


def access_logger(log_format: str = "text") -> Any:
    """The access log: structlog rendering key=value text or JSON into `connector.access`."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}")
    renderer = (structlog.processors.JSONRenderer() if log_format == "json" else
                structlog.processors.KeyValueRenderer(key_order=["event", "method", "route",
                                                                 "status", "duration_ms"]))
    return structlog.wrap_logger(
        logging.getLogger(ACCESS_LOGGER), wrapper_class=structlog.stdlib.BoundLogger,
        processors=[structlog.processors.TimeStamper(fmt="iso", utc=True), renderer])


class RequestObserver:
    """ASGI middleware: request id, access log, request metrics."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute], metrics: Metrics,
                 log: Any) -> None:
        self.app = app
        self.routes = routes
        self.metrics = metrics
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER.lower().encode(), b"").decode("latin-1")
        request_id = given if _ACCEPTED.match(given) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = self._route(scope)
            self.metrics.request(scope["method"], route, status, seconds)
            params = scope.get("path_params", {})
            self.log.info("request", method=scope["method"], route=route, status=status,
                          duration_ms=round(seconds * 1000, 1), request_id=request_id,
                          key=params.get("key"), connection=state.get("connection"))

    def _route(self, scope: Scope) -> str:
        """The route's template (/actions/{key}/invoke), or UNMATCHED."""
        for route in self.routes:
            match, _ = route.matches({**scope, "type": "http"})
            if match == Match.FULL:
                return getattr(route, "path", UNMATCHED)
        return UNMATCHED
