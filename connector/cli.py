"""The `connector` command. Every command goes through the same Python API a program would use.

Exit codes: 0 success, 2 bad usage or invalid input (nothing was sent), 1 an error from the
gateway or the network. Errors print one message; --debug adds the traceback and the redacted
request/response exchange.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from connector import jsontext
from connector.bulk import run_bulk
from connector.catalog import describe_action, describe_datasource, export_catalog
from connector.core import Connector, load_connector, load_manifest
from connector.errors import GATEWAY_EXIT, ConnectorError, GatewayError, InputError, InputProblem
from connector.journal import InputIdentity
from connector.plugins import Registry, collect, plugin_manager
from connector.redact import redact_value


class _State:
    def __init__(self, debug: bool, manifest: str | None, plugins: tuple[str, ...]) -> None:
        self.debug, self.manifest, self.plugins = debug, manifest, plugins
        self._connector: Connector | None = None

    @property
    def connector(self) -> Connector:
        if self._connector is None:
            self._connector = load_connector(self.manifest, registry=_registry(self.plugins))
        return self._connector


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
                    click.echo(f"response:\n{_redact_text(ctx, exc.raw_response)}", err=True)
            click.echo(f"error: {_redact_text(ctx, exc.message)}", err=True)
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
    ctx.obj = _State(debug, manifest, plugins)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _connector(ctx: click.Context) -> Connector:
    return ctx.obj.connector


def _redact_text(ctx: click.Context, text: str) -> str:
    connector = ctx.obj._connector if ctx.obj else None
    return connector.redact(text) if connector is not None else text


def _emit(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=jsontext.default))


def _emit_output(ctx: click.Context, value: Any, *, indent: int | None = 2) -> None:
    """An action's output, with every secret the connector knows (a session id that rawRequest
    returned, say) masked, as the service masks it."""
    masked = redact_value(_connector(ctx).redact, value)
    click.echo(json.dumps(masked, indent=indent, ensure_ascii=False, default=jsontext.default))


def _read_inputs(source: str | None, settings: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if source is not None:
        raw = sys.stdin.buffer.read() if source == "-" else _read_bytes(source)
        try:
            loaded = jsontext.loads_json_or_yaml(raw)
        except jsontext.JSONTextError as exc:
            raise click.BadParameter(str(exc), param_hint="--input") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise click.BadParameter("must hold a JSON object of inputs", param_hint="--input")
        values.update(loaded)
    for setting in settings:
        name, sep, value = setting.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{setting!r} is not KEY=VALUE", param_hint="--set")
        values[name] = value
    return values


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror}",
                                 param_hint="--input") from None


def input_options(function: Any) -> Any:
    function = click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
                            help="Set one input (repeatable); applied after --input.")(function)
    return click.option("--input", "input_file", metavar="FILE|-",
                        help="Inputs as a JSON or YAML object, from a file or stdin.")(function)


class _ConnectionOption(click.Option):
    """An option whose help names what the connector's manifest declares (its environment
    variables, its profile file), so the CLI says what this connector really reads."""

    def __init__(self, *args: Any, describe: Callable[[Connector], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe = describe

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        state = ctx.find_root().obj
        if isinstance(state, _State):
            with contextlib.suppress(ConnectorError):
                self.help = self._describe(state.connector)
        return super().get_help_record(ctx)


def _env_help(connector: Connector) -> str:
    variables = sorted(connector.manifest.connection.get("env", {}).values())
    prefixes = {name.split("_")[0] for name in variables}
    shown = (f"{prefixes.pop()}_* variables" if len(prefixes) == 1 and len(variables) > 1
             else ", ".join(variables) or "no variables")
    return f"Connection as JSON/YAML (default: {shown})."


def _profile_help(connector: Connector) -> str:
    profiles = connector.manifest.connection.get("profiles")
    return f"A profile of {profiles['file']}." if profiles else "(this connector has none)"


def connection_options(function: Any) -> Any:
    function = click.option("--sandbox", "use_sandbox", is_flag=True,
                            help="Run against an embedded sandbox (no credentials).")(function)
    function = click.option("--profile", metavar="NAME", cls=_ConnectionOption,
                            describe=_profile_help, help="A profile of the connector's "
                            "profile file.")(function)
    return click.option("--connection", "connection_file", metavar="FILE",
                        cls=_ConnectionOption, describe=_env_help,
                        help="Connection as JSON/YAML (default: the connector's environment "
                             "variables).")(function)


@contextlib.contextmanager
def _connection(ctx: click.Context, connection_file: str | None, profile: str | None,
                use_sandbox: bool) -> Iterator[dict[str, Any]]:
    connector = _connector(ctx)
    if use_sandbox:
        with connector.protocol.sandbox(str(_sandbox_db()), "demo") as connection:
            try:
                yield connection
            finally:
                connector.close()
        return
    yield connector.connection(file=connection_file, profile=profile)


def _sandbox_db() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "lowcode-connector" / "sandbox.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@main.command("actions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_actions(ctx: click.Context, as_json: bool) -> None:
    """List the actions and data sources."""
    connector = _connector(ctx)
    rows = [("action", a.key, a.label, a.output["mode"] if isinstance(a.output["mode"], str)
             else "from input") for a in connector.actions.values()]
    rows += [("datasource", d.key, d.label, "picklist") for d in connector.datasources.values()]
    if as_json:
        _emit([{"kind": k, "key": key, "label": label, "output": out}
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
    connector = _connector(ctx)
    if key in connector.datasources:
        _emit(describe_datasource(connector.datasources[key]))
    else:
        _emit(describe_action(connector.action(key)))


@main.command()
@click.pass_context
def catalog(ctx: click.Context) -> None:
    """Print the whole catalog as one JSON document (for workflow platforms)."""
    _emit(export_catalog(_connector(ctx)))


@main.command()
@click.argument("key")
@input_options
@click.option("--connection", "connection_file", metavar="FILE",
              help="Show the sender id of this connection (secrets are always redacted).")
@click.pass_context
def render(ctx: click.Context, key: str, input_file: str | None, settings: tuple[str, ...],
           connection_file: str | None) -> None:
    """Print the request an action would send, secrets redacted. Sends nothing."""
    connector = _connector(ctx)
    connection = connector.connection(file=connection_file) if connection_file else None
    click.echo(connector.render(key, _read_inputs(input_file, settings), connection))


@main.command()
@click.argument("key")
@input_options
@connection_options
@click.option("--jsonl", is_flag=True,
              help="For list actions: stream one JSON record per line as pages arrive.")
@click.pass_context
def run(ctx: click.Context, key: str, input_file: str | None, settings: tuple[str, ...],
        connection_file: str | None, profile: str | None, use_sandbox: bool,
        jsonl: bool) -> None:
    """Run an action and print its output as JSON."""
    connector = _connector(ctx)
    inputs = _read_inputs(input_file, settings)
    with _connection(ctx, connection_file, profile, use_sandbox) as connection:
        if jsonl:
            for record in connector.iter_records(key, inputs, connection):
                _emit_output(ctx, record, indent=None)
            return
        _emit_output(ctx, connector.invoke(key, inputs, connection))


@main.command()
@click.argument("key")
@input_options
@connection_options
@click.pass_context
def picklist(ctx: click.Context, key: str, input_file: str | None, settings: tuple[str, ...],
             connection_file: str | None, profile: str | None, use_sandbox: bool) -> None:
    """Print a data source's items as [{"key": ..., "label": ...}]."""
    connector = _connector(ctx)
    inputs = _read_inputs(input_file, settings)
    with _connection(ctx, connection_file, profile, use_sandbox) as connection:
        _emit_output(ctx, connector.picklist(key, inputs, connection))


@main.command()
@click.argument("key")
@click.option("--input", "input_file", required=True, metavar="FILE|-",
              help="One JSON object of inputs per line (JSON lines).")
@click.option("--journal", type=click.Path(dir_okay=False),
              help="Resume file: run again with the same journal and input to finish a killed "
                   "run (created owner-only).")
@click.option("--retry-failed", is_flag=True,
              help="With --journal: send the records that failed again, with their original "
                   "control ids.")
@click.option("--transaction", is_flag=True,
              help="Each batch is all or nothing (transaction=\"true\").")
@click.option("--batch-size", type=click.IntRange(1, 100), help="Functions per request.")
@connection_options
@click.pass_context
def bulk(ctx: click.Context, key: str, input_file: str, journal: str | None,
         retry_failed: bool, transaction: bool, batch_size: int | None,
         connection_file: str | None, profile: str | None, use_sandbox: bool) -> None:
    """Run an action for every line of a JSON-lines file; print one result line per record.

    Results come in input order, each {"index", "status", "data" or "error"}; a line that is
    not a JSON object of inputs fails alone. Status "unknown": sent, but no complete answer
    came back (it may have been applied; resuming with the journal sends it again safely).
    Exit 1 when any record failed.
    """
    connector = _connector(ctx)
    raw = sys.stdin.buffer.read() if input_file == "-" else _read_bytes(input_file)
    lines = [line for line in raw.split(b"\n") if line.strip()]
    source = InputIdentity.of_lines(
        "stdin" if input_file == "-" else Path(input_file).name,
        [line.decode("utf-8", errors="surrogateescape") for line in lines])
    failed = 0
    show_bar = sys.stderr.isatty() and input_file != "-"
    with _connection(ctx, connection_file, profile, use_sandbox) as connection, \
            click.progressbar(length=len(lines), label=key, file=sys.stderr,
                              hidden=not show_bar) as bar:
        for entry in run_bulk(connector, key, _parse_lines(key, lines), connection,
                              journal=journal, source=source, retry_failed=retry_failed,
                              batch_size=batch_size, transaction=transaction,
                              progress=bar.update):
            failed += entry["status"] != "success"
            _emit_output(ctx, entry, indent=None)
    if failed:
        click.echo(f"{failed} of {len(lines)} records failed", err=True)
        ctx.exit(GATEWAY_EXIT)


def _parse_lines(key: str, lines: list[bytes]) -> Iterator[Any]:
    """Each line's inputs, or an InputError naming the line when it cannot be read."""
    for number, line in enumerate(lines, 1):
        try:
            yield jsontext.loads(line)
        except jsontext.JSONTextError as exc:
            path = f"line {number}" + (f": {exc.path}" if exc.path else "")
            yield InputError(key, [InputProblem(path, "", exc.problem)])


@main.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def validate(ctx: click.Context, path: str | None) -> None:
    """Check a manifest (default: the loaded connector's): schema, files, templates, keys."""
    connector = _connector(ctx)
    path = path or str(connector.manifest.path)
    manifest = load_manifest(path, connector.registry)
    click.echo(f"ok: {manifest.path} ({len(manifest.actions)} actions, "
               f"{len(manifest.datasources)} data sources)")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_context
def plugins(ctx: click.Context, as_json: bool) -> None:
    """List the loaded plugins and what each registered."""
    summary = _connector(ctx).registry.summary()
    if as_json:
        _emit(summary)
        return
    for row in summary:
        click.echo(row["plugin"])
        for kind in ("connectors", "actions", "datasources", "protocols", "filters",
                     "middleware"):
            if row[kind]:
                click.echo(f"  {kind}: {', '.join(row[kind])}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--connections", "connections_file", metavar="FILE",
              help="Named connections: YAML/JSON mapping name -> connection (owner-only file).")
@click.option("--token-file", metavar="FILE",
              help="The bearer token callers must send (owner-only file; default: "
                   "$CONNECTOR_SERVICE_TOKEN).")
@click.option("--sandbox", "use_sandbox", is_flag=True,
              help="Run the embedded sandbox as connection 'sandbox' (a token is generated "
                   "when none is configured).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let browser pages from this origin call the API (repeatable; none: off).")
@click.option("--max-body-bytes", default=1 << 20, show_default=True, type=click.IntRange(1),
              help="Refuse larger request bodies with 413.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, connections_file: str | None,
          token_file: str | None, use_sandbox: bool, cors_origins: tuple[str, ...],
          max_body_bytes: int) -> None:
    """Serve the HTTP API and browser playground for workflow platforms (docs/service.md)."""
    from connector.service.launch import run_service

    run_service(_connector(ctx), host=host, port=port, connections_file=connections_file,
                token_file=token_file, sandbox_db=_sandbox_db() if use_sandbox else None,
                cors_origins=cors_origins, max_body_bytes=max_body_bytes)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
