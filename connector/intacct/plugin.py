"""The bundled Sage Intacct connector, registered through the same hooks as any plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from connector.hookspecs import hookimpl
from connector.intacct.filters import FILTERS
from connector.intacct.protocol import IntacctProtocol

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_path(name: str) -> Path:
    """A file of the bundled connector: inside the wheel, or at the source checkout's root."""
    installed = _PACKAGE / "bundled" / name
    return installed if installed.exists() else _PACKAGE.parent / name


@hookimpl
def register_connectors(register: Callable[[Any], None]) -> None:
    register(bundled_path("manifest.yaml"))


@hookimpl
def register_protocols(register: Callable[[str, Any], None]) -> None:
    register(IntacctProtocol.name, IntacctProtocol)


@hookimpl
def register_jinja_filters(register: Callable[[str, Callable[..., Any]], None]) -> None:
    for name, function in FILTERS.items():
        register(name, function)


@hookimpl
def register_commands(register: Callable[[Any], None]) -> None:
    register(_LazySandboxGroup("sandbox", help="A local emulator of the Sage Intacct XML "
                                               "gateway (docs/sandbox.md)."))


class _LazySandboxGroup(click.Group):
    """`connector sandbox ...`: the emulator's commands, imported only when one is used."""

    def _group(self) -> click.Group:
        from connector.intacct.sandbox.cli import sandbox

        return sandbox

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._group().get_command(ctx, name)
