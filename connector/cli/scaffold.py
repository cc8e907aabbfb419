"""`connector new action|plugin`: scaffold files that validate and pass the standard suite."""

from __future__ import annotations

from pathlib import Path

import click

from connector.cli.app import connector_of, json_option
from connector.cli.options import emit

DEFAULT_MANIFEST = "manifest.yaml"


@click.group()
def new() -> None:
    """Scaffold a new action or plugin (docs/authoring.md)."""


@new.command()
@click.argument("key")
@click.option("--label", help="The action's label (default: from the key, listVendors -> "
                              "List Vendors).")
@json_option
@click.pass_context
def action(ctx: click.Context, key: str, label: str | None, as_json: bool) -> None:
    """Add action KEY to a manifest: entry, schema, template and example output.

    The manifest is the one given with `connector --manifest FILE new action KEY`, else
    ./manifest.yaml.
    """
    from connector.core import load_manifest
    from connector.scaffold import new_action

    state = ctx.find_root().obj
    if state.manifest is None:
        if not Path(DEFAULT_MANIFEST).is_file():
            raise click.UsageError("no ./manifest.yaml here: name the manifest with "
                                   "`connector --manifest FILE new action KEY`")
        state.manifest = DEFAULT_MANIFEST
    connector = connector_of(ctx)
    written = new_action(connector.manifest.path, key, connector.protocol,
                         lambda path: load_manifest(path, connector.registry, cache=False),
                         label)
    _report(written, as_json, f"connector --manifest {connector.manifest.path} describe {key}")


@new.command()
@click.argument("name")
@click.option("--dir", "directory", default=".", show_default=True,
              type=click.Path(file_okay=False), help="Where to create the NAME folder.")
@json_option
@click.pass_context
def plugin(ctx: click.Context, name: str, directory: str, as_json: bool) -> None:
    """Create plugin package NAME: a connector on the loaded connector's protocol and
    connection, one action, and a test running the standard suite."""
    from connector.core import load_manifest
    from connector.scaffold import new_plugin

    connector = connector_of(ctx)
    written = new_plugin(Path(directory), name, connector,
                         lambda path: load_manifest(path, connector.registry, cache=False))
    _report(written, as_json, f"cd {Path(directory) / name} && pip install -e . && "
                              "python -m pytest tests")


def _report(written: list[Path], as_json: bool, next_step: str) -> None:
    if as_json:
        emit({"written": [str(path) for path in written], "next": next_step})
        return
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: {next_step}", err=True)
