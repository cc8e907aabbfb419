"""What commands share: reading inputs, choosing a connection, printing outputs."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from connector import jsontext
from connector.cli.app import State, connector_of
from connector.errors import ConnectorError
from connector.redact import redact_value

if TYPE_CHECKING:
    from connector.core import Connector


def emit(value: Any) -> None:
    """A JSON document on stdout."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=jsontext.default))


def emit_output(ctx: click.Context, value: Any, *, indent: int | None = 2) -> None:
    """An action's output, with every secret the connector knows (a session id that rawRequest
    returned, say) masked, as the service masks it."""
    masked = redact_value(connector_of(ctx).redact, value)
    click.echo(json.dumps(masked, indent=indent, ensure_ascii=False, default=jsontext.default))


def read_inputs(source: str | None, settings: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if source is not None:
        raw = sys.stdin.buffer.read() if source == "-" else read_bytes(source)
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


def read_bytes(path: str) -> bytes:
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
        if isinstance(state, State):
            with contextlib.suppress(ConnectorError):
                self.help = self._describe(state.connector)
        return super().get_help_record(ctx)


def _env_help(connector: Connector) -> str:
    variables = sorted(connector.manifest.connection.get("env", {}).values())
    prefixes = {name.split("_")[0] for name in variables}
    shown = (f"{prefixes.pop()}_* variables" if len(prefixes) == 1 and len(variables) > 1
             else ", ".join(variables) or "no variables")
    return (f"Connection as JSON/YAML; {shown} and a profile fill the fields it omits "
            "(`connector connection show` says the order).")


def _profile_help(connector: Connector) -> str:
    profiles = connector.manifest.connection.get("profiles")
    if not profiles:
        return "(this connector has none)"
    variable = profiles.get("variable")
    fallback = f"${variable}, else " if variable else ""
    return (f"A profile of {profiles['file']} (default: {fallback}"
            f"[{profiles.get('default', 'default')}] when it exists).")


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
def open_connection(ctx: click.Context, connection_file: str | None, profile: str | None,
                use_sandbox: bool) -> Iterator[dict[str, Any]]:
    connector = connector_of(ctx)
    if use_sandbox:
        with connector.protocol.sandbox(str(sandbox_db()), "demo") as connection:
            try:
                yield connection
            finally:
                connector.close()
        return
    yield connector.connection(file=connection_file, profile=profile)


def sandbox_db(*, create: bool = True) -> Path:
    """The file `--sandbox` keeps its company in: the platform's user cache directory
    (platformdirs; on Linux $XDG_CACHE_HOME/lowcode-connector/sandbox.sqlite3)."""
    import platformdirs

    path = Path(platformdirs.user_cache_dir("lowcode-connector")) / "sandbox.sqlite3"
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    return path

