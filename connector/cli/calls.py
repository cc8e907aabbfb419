"""Commands that call the remote API: render (sends nothing), run, picklist."""

from __future__ import annotations

import click

from connector.cli.app import connector_of, json_option
from connector.cli.options import (
    connection_options,
    emit,
    emit_output,
    input_options,
    open_connection,
    read_inputs,
)


@click.command()
@click.argument("key")
@input_options
@click.option("--connection", "connection_file", metavar="FILE",
              help="Show the sender id of this connection (secrets are always redacted).")
@json_option
@click.pass_context
def render(ctx: click.Context, key: str, input_file: str | None, settings: tuple[str, ...],
           connection_file: str | None, as_json: bool) -> None:
    """Print the request an action would send, secrets redacted. Sends nothing."""
    connector = connector_of(ctx)
    connection = connector.connection(file=connection_file) if connection_file else None
    text = connector.render(key, read_inputs(input_file, settings), connection)
    if as_json:
        emit({"request": text, "format": connector.protocol.request_format})
    else:
        click.echo(text)


@click.command()
@click.argument("key")
@input_options
@connection_options
@click.option("--jsonl", is_flag=True,
              help="For list actions: stream one JSON record per line as pages arrive.")
@json_option
@click.pass_context
def run(ctx: click.Context, key: str, input_file: str | None, settings: tuple[str, ...],
        connection_file: str | None, profile: str | None, use_sandbox: bool,
        jsonl: bool, as_json: bool) -> None:
    """Run an action and print its output as JSON (always JSON; --jsonl for one record a
    line)."""
    connector = connector_of(ctx)
    inputs = read_inputs(input_file, settings)
    with open_connection(ctx, connection_file, profile, use_sandbox) as connection:
        if jsonl:
            for record in connector.iter_records(key, inputs, connection):
                emit_output(ctx, record, indent=None)
            return
        emit_output(ctx, connector.invoke(key, inputs, connection))


@click.command()
@click.argument("key")
@input_options
@click.option("--search", metavar="TEXT",
              help="Only items whose label contains TEXT (matched by the gateway's query).")
@click.option("--limit", type=click.IntRange(1), metavar="N",
              help="One page of at most N items, in the gateway's order, with next_cursor.")
@click.option("--cursor", metavar="CURSOR", help="The page after the one that gave this "
                                                 "next_cursor (same inputs and search).")
@connection_options
@json_option
@click.pass_context
def picklist(ctx: click.Context, key: str, input_file: str | None, settings: tuple[str, ...],
             search: str | None, limit: int | None, cursor: str | None,
             connection_file: str | None, profile: str | None, use_sandbox: bool,
             as_json: bool) -> None:
    """Print a data source's items as [{"key": ..., "label": ...}], sorted by label; with
    --limit or --cursor, one page: {"items": [...], "next_cursor": ...}."""
    connector = connector_of(ctx)
    inputs = read_inputs(input_file, settings)
    with open_connection(ctx, connection_file, profile, use_sandbox) as connection:
        if limit is None and cursor is None:
            emit_output(ctx, connector.picklist(key, inputs, connection, search=search))
            return
        page = connector.picklist_page(key, inputs, connection, search=search, cursor=cursor,
                                       limit=limit)
        emit_output(ctx, {"items": page.items, "next_cursor": page.cursor})
