"""`connector sandbox reset|path`: the file `--sandbox` keeps its company in.

The protocol's plugin registers the `sandbox` group (its emulator's commands); the file is the
CLI's, so these two commands are added to whatever group the plugin registered.
"""

from __future__ import annotations

import click

from connector.cli.app import json_option
from connector.cli.options import emit, sandbox_db

SIDE_FILES = ("-wal", "-shm", "-journal")


@click.command()
@json_option
def reset(as_json: bool) -> None:
    """Delete the sandbox company of `--sandbox`; the next run seeds a fresh one."""
    path = sandbox_db(create=False)
    removed = [candidate for candidate in
               [path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)]
               if candidate.exists()]
    for candidate in removed:
        candidate.unlink()
    if as_json:
        emit({"path": str(path), "removed": [str(candidate) for candidate in removed]})
        return
    click.echo(f"removed {path}" if removed else f"nothing to remove: {path} does not exist",
               err=True)


@click.command()
@json_option
def path(as_json: bool) -> None:
    """Print where `--sandbox` keeps its company."""
    location = str(sandbox_db(create=False))
    if as_json:
        emit({"path": location})
    else:
        click.echo(location)


class _WithFileCommands(click.Group):
    """A plugin's sandbox group, plus `reset` and `path`."""

    def __init__(self, group: click.Group) -> None:
        super().__init__(group.name, help=group.help, commands={"reset": reset, "path": path})
        self._group = group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._group.list_commands(ctx)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._group.get_command(ctx, name) or super().get_command(ctx, name)


def with_file_commands(group: click.Group) -> click.Group:
    """The group the protocol registered, with the sandbox file's commands added."""
    return _WithFileCommands(group)
