"""`connector serve`: the HTTP API and the browser playground."""

from __future__ import annotations

import click

from connector.cli.app import connector_of
from connector.cli.options import sandbox_db


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--connections", "connections_file", metavar="FILE",
              help="Named connections: YAML/JSON mapping name -> connection (owner-only file).")
@click.option("--token-file", metavar="FILE",
              help="The bearer token callers must send (owner-only file; default: "
                   "$CONNECTOR_SERVICE_TOKEN).")
@click.option("--sandbox", "use_sandbox", is_flag=True,
              help="Run the embedded sandbox as connection 'sandbox' (a token is generated "
                   "when none is configured).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let browser pages from this origin call the API (repeatable; none: off).")
@click.option("--max-body-bytes", default=1 << 20, show_default=True, type=click.IntRange(1),
              help="Refuse larger request bodies with 413.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="The access log's lines on stderr: key=value or JSON.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, connections_file: str | None,
          token_file: str | None, use_sandbox: bool, cors_origins: tuple[str, ...],
          max_body_bytes: int, log_format: str) -> None:
    """Serve the HTTP API and browser playground for workflow platforms (docs/service.md)."""
    from connector.service.launch import run_service

    run_service(connector_of(ctx), host=host, port=port, connections_file=connections_file,
                token_file=token_file, sandbox_db=sandbox_db() if use_sandbox else None,
                cors_origins=cors_origins, max_body_bytes=max_body_bytes, log_format=log_format)


