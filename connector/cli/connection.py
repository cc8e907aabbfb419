"""`connector connection show|test`: which connection a command would use, and whether it
works."""

from __future__ import annotations

import click

from connector.cli.app import connector_of, json_option
from connector.cli.options import connection_options, emit, open_connection
from connector.connection import ORDER, Found, find_connection, secret_fields

MASK = "***"


@click.group()
def connection() -> None:
    """Show where a connection comes from, or test it against the gateway."""


@connection.command()
@connection_options
@json_option
@click.pass_context
def show(ctx: click.Context, connection_file: str | None, profile: str | None,
         use_sandbox: bool, as_json: bool) -> None:
    """Show each field of the connection and where it came from (secrets masked).

    Each field comes from the first source that has it: the connection file (--connection),
    then environment variables, then a profile (--profile, else the profile variable, else
    the default profile).
    """
    connector = connector_of(ctx)
    if use_sandbox:
        with open_connection(ctx, None, None, True) as values:
            found = Found(dict(values), {name: "the embedded sandbox (--sandbox)"
                                         for name in values})
    else:
        found = find_connection(connector.manifest.connection, file=connection_file,
                                profile=profile)
    hidden = secret_fields(connector.manifest.connection_schema)
    rows = [{"field": name, "value": MASK if name in hidden else value,
             "source": found.sources[name]} for name, value in found.values.items()]
    missing = [name for name in connector.manifest.connection_schema.get("required", [])
               if name not in found.values]
    if as_json:
        emit({"fields": rows, "missing": missing, "order": list(ORDER)})
        return
    width = max(len(row["field"]) for row in rows)
    for row in rows:
        click.echo(f"{row['field'].ljust(width)}  {row['value']}  ({row['source']})")
    for name in missing:
        click.echo(f"{name.ljust(width)}  (missing: required)")
    click.echo("\norder: " + "; then ".join(ORDER))


@connection.command()
@connection_options
@json_option
@click.pass_context
def test(ctx: click.Context, connection_file: str | None, profile: str | None,
         use_sandbox: bool, as_json: bool) -> None:
    """Sign in and report what the connection can do (exit 1 when a check failed)."""
    connector = connector_of(ctx)
    with open_connection(ctx, connection_file, profile, use_sandbox) as values:
        report = connector.test_connection(values)
    if as_json:
        emit(report)
    else:
        for check in report["checks"]:
            mark = "ok  " if check["ok"] else "FAIL"
            click.echo(f"{mark}  {check['name']}: {check['detail']}")
    if not report["ok"]:
        ctx.exit(1)
