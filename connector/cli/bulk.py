"""`connector bulk`: an action for every line of a JSON-lines file, resumable by journal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from connector import jsontext
from connector.bulk import run_bulk
from connector.cli.app import connector_of, json_option
from connector.cli.options import connection_options, emit_output, open_connection, read_bytes
from connector.core import Connector
from connector.errors import GATEWAY_EXIT, InputError, InputProblem
from connector.journal import InputIdentity


@click.command()
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
@click.option("--batch-size", type=click.IntRange(1), help="Calls per request (at most what "
              "the protocol allows; default: the manifest's batch_size).")
@click.option("--dispatch", type=click.Choice(["local", "dramatiq"]), default="local",
              show_default=True, help="Run the batches here, or on Dramatiq workers "
              "(`connector worker`; CONNECTOR_BROKER, shared CONNECTOR_STATE).")
@click.option("--connection-name", metavar="NAME",
              help="With --dispatch dramatiq: the connection, by the name workers know it "
                   "(their CONNECTOR_CONNECTIONS file, or 'default').")
@click.option("--wait-seconds", default=3600, show_default=True, type=click.IntRange(1),
              help="With --dispatch dramatiq: how long to wait for the workers' results.")
@connection_options
@json_option
@click.pass_context
def bulk(ctx: click.Context, key: str, input_file: str, journal: str | None,
         retry_failed: bool, transaction: bool, batch_size: int | None, dispatch: str,
         connection_name: str | None, wait_seconds: int, connection_file: str | None,
         profile: str | None, use_sandbox: bool, as_json: bool) -> None:
    """Run an action for every line of a JSON-lines file; print one result line per record.

    Results come in input order, each {"index", "status", "data" or "error"}; a line that is
    not a JSON object of inputs fails alone. Status "unknown": sent, but no complete answer
    came back (it may have been applied; resuming with the journal sends it again safely).
    Exit 1 when any record failed.
    """
    connector = connector_of(ctx)
    raw = sys.stdin.buffer.read() if input_file == "-" else read_bytes(input_file)
    lines = [line for line in raw.split(b"\n") if line.strip()]
    source = InputIdentity.of_lines(
        "stdin" if input_file == "-" else Path(input_file).name,
        [line.decode("utf-8", errors="surrogateescape") for line in lines])
    failed = 0
    show_bar = sys.stderr.isatty() and input_file != "-"
    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(click.progressbar(length=len(lines), label=key,
                                                    file=sys.stderr, hidden=not show_bar))
        if dispatch == "dramatiq":
            if not connection_name or journal or connection_file or profile or use_sandbox:
                raise click.UsageError("--dispatch dramatiq takes --connection-name (workers "
                                       "hold the credentials) and no journal: the run is kept "
                                       "in the state store")
            entries = _dispatched(connector, key, lines, source, connection_name, batch_size,
                                  transaction, wait_seconds, bar.update)
        else:
            connection = stack.enter_context(
                open_connection(ctx, connection_file, profile, use_sandbox))
            entries = run_bulk(connector, key, _parse_lines(key, lines), connection,
                               journal=journal, source=source, retry_failed=retry_failed,
                               batch_size=batch_size, transaction=transaction,
                               progress=bar.update)
        for entry in entries:
            failed += entry["status"] != "success"
            emit_output(ctx, entry, indent=None)
    if failed:
        click.echo(f"{failed} of {len(lines)} records failed", err=True)
        ctx.exit(GATEWAY_EXIT)


def _dispatched(connector: Connector, key: str, lines: list[bytes], source: InputIdentity,
                connection_name: str, batch_size: int | None, transaction: bool,
                wait_seconds: int, progress: Callable[[int], None]) -> Iterator[dict[str, Any]]:
    """Store the run, send its batches to the workers, and yield results as they finish."""
    from connector import dispatch
    from connector.worker import send_bulk_batch

    run_id = dispatch.submit_bulk(connector, key, list(_parse_lines(key, lines)),
                                  connection_name, send_bulk_batch, source=source,
                                  batch_size=batch_size, transaction=transaction)
    click.echo(f"bulk run {run_id}: {len(lines)} records sent to the workers", err=True)
    yield from dispatch.results(connector, run_id, timeout=wait_seconds, progress=progress)


def _parse_lines(key: str, lines: list[bytes]) -> Iterator[Any]:
    """Each line's inputs, or an InputError naming the line when it cannot be read."""
    for number, line in enumerate(lines, 1):
        try:
            yield jsontext.loads(line)
        except jsontext.JSONTextError as exc:
            path = f"line {number}" + (f": {exc.path}" if exc.path else "")
            yield InputError(key, [InputProblem(path, "", exc.problem)])

