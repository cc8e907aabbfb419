"""The bundled connector's CLI commands."""

from __future__ import annotations

import click


class LazySandboxGroup(click.Group):
    """`connector sandbox ...`: the emulator's commands, imported only when one is used."""

    def _group(self) -> click.Group:
        from connector.intacct.sandbox.cli import sandbox

        return sandbox

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._group().get_command(ctx, name)
