"""Commands that describe the connector: actions, describe, catalog, validate, plugins, schema."""

from __future__ import annotations

import json
from typing import Any

import click

from connector.cli.app import connector_of, json_option
from connector.cli.options import emit
from connector.cli.summary import describe_text


@click.command("actions")
@json_option
@click.pass_context
def list_actions(ctx: click.Context, as_json: bool) -> None:
    """List the actions, data sources and triggers."""
    connector = connector_of(ctx)
    rows = [("action", a.key, a.label, a.output["mode"] if isinstance(a.output["mode"], str)
             else "from input") for a in connector.actions.values()]
    rows += [("datasource", d.key, d.label, "picklist") for d in connector.datasources.values()]
    rows += [("trigger", t.key, t.label, "events") for t in connector.triggers.values()]
    if as_json:
        emit([{"kind": k, "key": key, "label": label, "output": out}
              for k, key, label, out in rows])
        return
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    for row in [("KIND", "KEY", "LABEL", "OUTPUT"), *rows]:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


@click.command()
@click.argument("key")
@json_option
@click.pass_context
def describe(ctx: click.Context, key: str, as_json: bool) -> None:
    """Show one action, data source or trigger: required inputs first, with type, example and
    the data source that fills them; --json prints the whole document (schema, example
    output)."""
    from connector.catalog import describe_action, describe_datasource, describe_trigger

    connector = connector_of(ctx)
    if key in connector.datasources:
        kind, document = "datasource", describe_datasource(connector.datasources[key])
    elif key in connector.triggers:
        kind, document = "trigger", describe_trigger(connector.triggers[key])
    else:
        kind, document = "action", describe_action(connector.action(key))
    if as_json:
        emit(document)
    else:
        click.echo(describe_text(document, kind=kind))


@click.command()
@json_option
@click.pass_context
def catalog(ctx: click.Context, as_json: bool) -> None:
    """Print the whole catalog as one JSON document (for workflow platforms); always JSON."""
    from connector.catalog import export_catalog

    emit(export_catalog(connector_of(ctx)))


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@json_option
@click.pass_context
def validate(ctx: click.Context, path: str | None, as_json: bool) -> None:
    """Check a manifest (default: the loaded connector's): schema, files, templates, keys.

    Always checks every file (it never reads the start-up cache)."""
    from connector.core import load_manifest

    connector = connector_of(ctx)
    path = path or str(connector.manifest.path)
    manifest = load_manifest(path, connector.registry, cache=False)
    if as_json:
        emit({"ok": True, "manifest": str(manifest.path), "actions": len(manifest.actions),
              "datasources": len(manifest.datasources)})
        return
    click.echo(f"ok: {manifest.path} ({len(manifest.actions)} actions, "
               f"{len(manifest.datasources)} data sources, {len(manifest.triggers)} triggers)")


@click.command()
@json_option
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


@click.command()
@json_option
def schema(as_json: bool) -> None:
    """Print the JSON Schema every manifest is validated against (always JSON)."""
    from connector.manifest import manifest_schema

    document: dict[str, Any] = manifest_schema()
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
