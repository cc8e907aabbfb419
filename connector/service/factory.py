"""The service as an ASGI application factory, configured by the environment, so operators can
run it under uvicorn or gunicorn with several worker processes:

    CONNECTOR_SERVICE_TOKEN=... CONNECTOR_CONNECTIONS=connections.yaml \\
    CONNECTOR_COORDINATOR=redis://... CONNECTOR_SESSION_KEY=... \\
    uvicorn --factory connector.service.factory:app --workers 4

Every worker builds its own application; they share the per-company limit, the sessions and
the state through the CONNECTOR_* coordination settings (docs/scaling.md). Settings:
CONNECTOR_SERVICE_TOKEN (or CONNECTOR_SERVICE_TOKEN_FILE, owner-only), CONNECTOR_CONNECTIONS
(named connections, owner-only) and the connector's own variables (connection "default"),
CONNECTOR_CORS_ORIGINS (comma-separated), CONNECTOR_MAX_BODY_BYTES, CONNECTOR_LOG_FORMAT (the
access log's: text or json). Idempotency-Key records inputs in the coordination's state store
(CONNECTOR_STATE), so every worker sees the keys the others recorded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from starlette.applications import Starlette

from connector.core import load_connector
from connector.dispatch import BROKER_VARIABLE, named_connections
from connector.errors import ConnectionConfigError
from connector.service.app import create_app
from connector.service.connections import read_token
from connector.service.launch import MIN_TOKEN_LENGTH, TOKEN_VARIABLE

TOKEN_FILE_VARIABLE = "CONNECTOR_SERVICE_TOKEN_FILE"
DEFAULT_MAX_BODY = 1 << 20


def app(environ: Mapping[str, str] | None = None) -> Starlette:
    """The application, from the environment (see the module docstring)."""
    environ = os.environ if environ is None else environ
    token = (read_token(environ[TOKEN_FILE_VARIABLE]) if environ.get(TOKEN_FILE_VARIABLE)
             else environ.get(TOKEN_VARIABLE, "").strip())
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConnectionConfigError(f"set {TOKEN_VARIABLE} (or {TOKEN_FILE_VARIABLE}) to a "
                                    f"token of at least {MIN_TOKEN_LENGTH} characters")
    connector = load_connector()
    origins = [o.strip() for o in environ.get("CONNECTOR_CORS_ORIGINS", "").split(",")
               if o.strip()]
    polls = None
    if environ.get(BROKER_VARIABLE):  # registered trigger instances: polled by the workers
        from connector.worker import send_trigger_poll as polls
    return create_app(connector, named_connections(connector, environ), token,
                      cors_origins=origins, trigger_polls=polls,
                      max_body_bytes=int(environ.get("CONNECTOR_MAX_BODY_BYTES")
                                         or DEFAULT_MAX_BODY),
                      log_format=environ.get("CONNECTOR_LOG_FORMAT") or "text")
