"""Commands that describe the connector: actions, describe, catalog, validate, plugins."""

from __future__ import annotations

import click

from connector.catalog import describe_action, describe_datasource, export_catalog
from connector.cli.app import connector_of, main
from connector.cli.options import emit
from connector.core import load_manifest


@main.command("actions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_actions(ctx: click.Context, as_json: bool) -> None:
    """List the actions and data sources."""
    connector = connector_of(ctx)
    rows = [("action", a.key, a.label, a.output["mode"] if isinstance(a.output["mode"], str)
             else "from input") for a in connector.actions.values()]
    rows += [("datasource", d.key, d.label, "picklist") for d in connector.datasources.values()]
    if as_json:
        emit([{"kind": k, "key": key, "label": label, "output": out}
               for k, key, label, out in rows])
        return
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    for row in [("KIND", "KEY", "LABEL", "OUTPUT"), *rows]:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


@main.command()
@click.argument("key")
@click.pass_context
def describe(ctx: click.Context, key: str) -> None:
    """Show one action or data source: inputs, schema, output mode, example output."""
    connector = connector_of(ctx)
    if key in connector.datasources:
        emit(describe_datasource(connector.datasources[key]))
    else:
        emit(describe_action(connector.action(key)))


@main.command()
@click.pass_context
def catalog(ctx: click.Context) -> None:
    """Print the whole catalog as one JSON document (for workflow platforms)."""
    emit(export_catalog(connector_of(ctx)))


@main.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def validate(ctx: click.Context, path: str | None) -> None:
    """Check a manifest (default: the loaded connector's): schema, files, templates, keys."""
    connector = connector_of(ctx)
    path = path or str(connector.manifest.path)
    manifest = load_manifest(path, connector.registry)
    click.echo(f"ok: {manifest.path} ({len(manifest.actions)} actions, "
               f"{len(manifest.datasources)} data sources)")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_context
def plugins(ctx: click.Context, as_json: bool) -> None:
    """List the loaded plugins and what each registered."""
    summary = connector_of(ctx).registry.summary()
    if as_json:
        emit(summary)
        return
    for row in summary:
        click.echo(row["plugin"])
        for kind in ("connectors", "actions", "datasources", "protocols", "filters",
                     "middleware"):
            if row[kind]:
                click.echo(f"  {kind}: {', '.join(row[kind])}")

