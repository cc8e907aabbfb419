"""The `connector` command group: plugin commands, one clear line per error, exit codes.

Exit codes: 0 success, 2 bad usage or invalid input (nothing was sent), 1 an error from the
gateway or the network. Errors print one message; --debug adds the traceback and the redacted
request/response exchange.
"""

from __future__ import annotations

import functools
import importlib
import logging
import sys
import traceback
from typing import Any

import click

from connector.core import Connector, load_connector
from connector.errors import GATEWAY_EXIT, ConnectorError, GatewayError
from connector.plugins import Registry, collect, plugin_manager


class State:
    """The group's options, and the connector, loaded the first time a command needs it."""

    def __init__(self, debug: bool, manifest: str | None, plugins: tuple[str, ...]) -> None:
        self.debug, self.manifest, self.plugins = debug, manifest, plugins
        self.loaded: Connector | None = None

    @property
    def connector(self) -> Connector:
        if self.loaded is None:
            self.loaded = load_connector(self.manifest, registry=_registry(self.plugins))
        return self.loaded


def _registry(plugins: tuple[str, ...]) -> Registry:
    """What the entry-point plugins and the --plugin modules registered (loaded once)."""
    return _load_registry(tuple(plugins))


@functools.cache
def _load_registry(plugins: tuple[str, ...]) -> Registry:
    return collect(plugin_manager([importlib.import_module(name) for name in plugins]))


class _Group(click.Group):
    """Adds the commands plugins register, and turns ConnectorError into one clear line and
    the right exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugin_commands(ctx)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._plugin_commands(ctx).get(name)

    @staticmethod
    def _plugin_commands(ctx: click.Context) -> dict[str, click.Command]:
        registry = _registry(tuple(ctx.params.get("plugins") or ()))
        return {r.value.name: r.value for r in registry.commands}

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConnectorError as exc:
            debug = bool(ctx.obj and ctx.obj.debug)
            if debug:
                traceback.print_exc()
                if isinstance(exc, GatewayError) and exc.raw_response:
                    click.echo(f"response:\n{redact_text(ctx, exc.raw_response)}", err=True)
            click.echo(f"error: {redact_text(ctx, exc.message)}", err=True)
            ctx.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: say so plainly, trace only when asked
            if ctx.obj and ctx.obj.debug:
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
                       err=True)
            ctx.exit(GATEWAY_EXIT)


@click.group(cls=_Group)
@click.option("--debug", is_flag=True, help="Show tracebacks and the redacted HTTP exchange.")
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="Use this manifest instead of the bundled Sage Intacct connector.")
@click.option("--plugin", "plugins", multiple=True, metavar="MODULE",
              help="Load a plugin module by import name (entry-point plugins load anyway).")
@click.version_option(package_name="lowcode-connector")
@click.pass_context
def main(ctx: click.Context, debug: bool, manifest: str | None, plugins: tuple[str, ...]) -> None:
    """A declarative connector for Sage Intacct, with a local gateway sandbox.

    Try it without credentials: connector run getVendor --sandbox --set recordNo=4001
    """
    ctx.obj = State(debug, manifest, plugins)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def connector_of(ctx: click.Context) -> Connector:
    """The connector the command runs against (loaded on first use)."""
    return ctx.obj.connector


def redact_text(ctx: click.Context, text: str) -> str:
    """Text without any secret the connector knows (when one was loaded at all)."""
    connector = ctx.obj.loaded if ctx.obj else None
    return connector.redact(text) if connector is not None else text

