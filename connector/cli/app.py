"""The `connector` command group: lazy commands, one clear line per error, exit codes.

Exit codes: 0 success; 1 an error from the gateway or the network; 2 bad usage or invalid input
(nothing was sent); 70 an internal error (a bug: EX_SOFTWARE); 141 stdout closed early (a
reader such as `head` stopped reading; nothing is printed). `--debug` (anywhere on the line, or
CONNECTOR_DEBUG=1) adds the traceback and the redacted request/response exchange.

Each command's module is imported only when that command runs, so `connector actions` does not
pay for the service, bulk runs or the sandbox.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from connector.errors import ConnectorError, GatewayError

if TYPE_CHECKING:
    from connector.core import Connector
    from connector.plugins import Registry

INTERNAL_EXIT = 70  # EX_SOFTWARE: a bug, distinct from a gateway error (1) and bad usage (2)
CLOSED_PIPE_EXIT = 141  # what a shell reports for a process ended by SIGPIPE
DEBUG_FLAG = "--debug"
DEBUG_VARIABLE = "CONNECTOR_DEBUG"

# Command name -> "module:attribute"; each module is imported only when its command is used.
COMMANDS = {
    "actions": "connector.cli.catalog:list_actions",
    "describe": "connector.cli.catalog:describe",
    "catalog": "connector.cli.catalog:catalog",
    "validate": "connector.cli.catalog:validate",
    "plugins": "connector.cli.catalog:plugins",
    "schema": "connector.cli.catalog:schema",
    "render": "connector.cli.calls:render",
    "run": "connector.cli.calls:run",
    "picklist": "connector.cli.calls:picklist",
    "bulk": "connector.cli.bulk:bulk",
    "connection": "connector.cli.connection:connection",
    "new": "connector.cli.scaffold:new",
    "serve": "connector.cli.serve:serve",
    "worker": "connector.cli.work:worker",
    "poll": "connector.cli.triggers:poll",
    "ack": "connector.cli.triggers:ack",
}


class State:
    """The group's options, and the connector, loaded the first time a command needs it."""

    def __init__(self, debug: bool, manifest: str | None, plugins: tuple[str, ...]) -> None:
        self.debug, self.manifest, self.plugins = debug, manifest, plugins
        self.loaded: Connector | None = None

    @property
    def connector(self) -> Connector:
        if self.loaded is None:
            from connector.core import load_connector

            self.loaded = load_connector(self.manifest, registry=registry(self.plugins))
        return self.loaded


def registry(plugins: Sequence[str]) -> Registry:
    """What the entry-point plugins and the --plugin modules registered (loaded once)."""
    return _load_registry(tuple(plugins))


@functools.cache
def _load_registry(plugins: tuple[str, ...]) -> Registry:
    from connector.plugins import collect, plugin_manager

    return collect(plugin_manager([importlib.import_module(name) for name in plugins]))


class _Group(click.Group):
    """Lazy built-in commands, the commands plugins register, `--debug` anywhere, and every
    failure turned into one clear line and its exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS, *self._plugin_commands(ctx)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in COMMANDS:
            module, _, attribute = COMMANDS[name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
        if command is None:
            command = self._plugin_commands(ctx).get(name)
            if isinstance(command, click.Group) and name == "sandbox":
                from connector.cli.sandbox import with_file_commands

                command = with_file_commands(command)
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            suggestion = _closest(args[0], self.list_commands(ctx)) if args else ""
            if suggestion and "No such command" in exc.message:
                exc.message += f" Did you mean {suggestion!r}?"
            raise

    @staticmethod
    def _plugin_commands(ctx: click.Context) -> dict[str, click.Command]:
        found = registry(tuple(ctx.params.get("plugins") or ()))
        return {r.value.name: r.value for r in found.commands()}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """`--debug` may follow the subcommand (`connector run X --debug`), as users type it."""
        end = args.index("--") if "--" in args else len(args)
        if DEBUG_FLAG in args[:end]:
            args = [DEBUG_FLAG, *[a for a in args[:end] if a != DEBUG_FLAG], *args[end:]]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConnectorError as exc:
            if _debug(ctx):
                traceback.print_exc()
                if isinstance(exc, GatewayError) and exc.raw_response:
                    click.echo(f"response:\n{redact_text(ctx, exc.raw_response)}", err=True)
            click.echo(f"error: {redact_text(ctx, exc.message)}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:  # the reader (`| head`) has all it wants: end quietly
            _silence_stdout()
            ctx.exit(CLOSED_PIPE_EXIT)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: say so plainly, trace only when asked
            if _debug(ctx):
                traceback.print_exc()
            message = redact_text(ctx, f"{type(exc).__name__}: {exc}")
            click.echo(f"internal error: {message} (rerun with --debug; please report it)",
                       err=True)
            ctx.exit(INTERNAL_EXIT)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.debug)


def _closest(name: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return close[0] if close else ""


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(DEBUG_FLAG, is_flag=True, envvar=DEBUG_VARIABLE,
              help=f"Show tracebacks and the redacted HTTP exchange (also {DEBUG_VARIABLE}=1; "
                   "accepted anywhere on the line).")
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="Use this manifest instead of the bundled Sage Intacct connector.")
@click.option("--plugin", "plugins", multiple=True, metavar="MODULE",
              help="Load a plugin module by import name (entry-point plugins load anyway).")
@click.version_option(package_name="lowcode-connector")
@click.pass_context
def main(ctx: click.Context, debug: bool, manifest: str | None, plugins: tuple[str, ...]) -> None:
    """A declarative connector for Sage Intacct, with a local gateway sandbox.

    Try it without credentials: connector run getVendor --sandbox --set recordNo=4001

    Exit codes: 0 ok, 1 gateway or network error, 2 bad usage or input (nothing sent),
    70 internal error.
    """
    ctx.obj = State(debug, manifest, plugins)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def connector_of(ctx: click.Context) -> Connector:
    """The connector the command runs against (loaded on first use)."""
    return ctx.find_root().obj.connector


def redact_text(ctx: click.Context, text: str) -> str:
    """Text without any secret the connector knows (when one was loaded at all)."""
    state = ctx.find_root().obj
    connector = state.loaded if state else None
    return connector.redact(text) if connector is not None else text


def json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """`--json`, the same on every command: print the machine-readable document."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print JSON (the document a program reads).")(function)
