"""`connector serve`: gather the token and connections, start the service, wait for Ctrl-C.

A configured token is never printed. Only when --sandbox runs without one is a token generated
and printed once, inside the playground URL: it then guards nothing but a local demo company.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import secrets
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click

from connector.core import Connector
from connector.errors import ConnectionConfigError
from connector.service.app import create_app
from connector.service.connections import load_connections, read_token
from connector.service.observe import ACCESS_LOGGER
from connector.service.server import serving

TOKEN_VARIABLE = "CONNECTOR_SERVICE_TOKEN"
MIN_TOKEN_LENGTH = 16


def run_service(connector: Connector, *, host: str, port: int, connections_file: str | None,
                token_file: str | None, sandbox_db: Path | None, cors_origins: Iterable[str],
                max_body_bytes: int, log_format: str = "text",
                environ: Mapping[str, str] = os.environ) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); then stop the sandbox, close the clients.
    The access log goes to stderr, one line per request."""
    token = read_token(token_file) if token_file else environ.get(TOKEN_VARIABLE, "").strip()
    if not token and sandbox_db is None:
        raise click.UsageError(f"a token is required: --token-file FILE or {TOKEN_VARIABLE} "
                               "(or --sandbox alone, which generates one)")
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise click.UsageError(f"the token must be at least {MIN_TOKEN_LENGTH} characters")
    connections = load_connections(connections_file, connector.manifest.connection_schema) \
        if connections_file else {}
    declared = connector.manifest.connection.get("env", {}).values()
    if any(environ.get(variable) for variable in declared):
        _register(connections, "default", connector.connection(environ=environ))
    generated = not token
    token = token or secrets.token_urlsafe(32)
    try:
        with contextlib.ExitStack() as stack:
            if sandbox_db is not None:
                sandbox = connector.protocol.sandbox(str(sandbox_db), "demo")
                _register(connections, "sandbox", stack.enter_context(sandbox))
            if not connections:
                click.echo("warning: no connection configured; invoke and data sources will "
                           "answer 422", err=True)
            app = create_app(connector, connections, token, cors_origins=cors_origins,
                             max_body_bytes=max_body_bytes, log_format=log_format,
                             accept_connections=True)
            stack.enter_context(_access_log_to_stderr())
            try:
                url = stack.enter_context(serving(app, host, port))
            except OSError as exc:
                raise click.ClickException(
                    f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
            click.echo(f"serving {url} (connections: {', '.join(connections) or 'none'}; "
                       "Ctrl-C stops)", err=True)
            if not _is_loopback(host):
                click.echo("warning: plain HTTP on a non-loopback address; put a TLS proxy in "
                           "front of it", err=True)
            if generated:
                click.echo(f"playground: {url}/#token={token}", err=True)
            try:
                _wait_for_interrupt()
            finally:
                app.state.triggers.close()  # the trigger scheduler stops with the service
    finally:
        connector.close()


@contextlib.contextmanager
def _access_log_to_stderr() -> Iterator[None]:
    """Access-log lines on stderr as they are (already formatted by structlog)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    previous = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous[0])
        logger.propagate = previous[1]


def _register(connections: dict[str, Any], name: str, values: dict[str, Any]) -> None:
    if name in connections:
        raise ConnectionConfigError(f"connection {name!r} is defined twice (the connections "
                                    "file may not use 'default' or 'sandbox' when those are "
                                    "in use)")
    connections[name] = values


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C, or SIGTERM (turned into the same KeyboardInterrupt)."""
    with _sigterm_interrupts():
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("stopping", err=True)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
