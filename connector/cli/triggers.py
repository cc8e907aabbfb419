"""Commands that run triggers: poll (once, or --every interval until stopped) and ack."""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from connector.cli.app import connector_of
from connector.cli.options import (
    connection_options,
    emit_output,
    input_options,
    open_connection,
    read_inputs,
)
from connector.triggers.poller import DEFAULT_INSTANCE, resolve

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}
_STATE_HELP = ("SQLite file keeping the trigger's cursor and events (default: $CONNECTOR_STATE, "
               "else a file in the cache directory).")


def parse_interval(text: str) -> float:
    """Seconds from 90, 30s, 5m or 1h; at least one second."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text or "")
    if match is None:
        raise click.BadParameter(f"{text!r} is not a duration such as 30s, 5m or 1h",
                                 param_hint="--every")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 1:
        raise click.BadParameter("must be at least 1s", param_hint="--every")
    return seconds


@click.command()
@click.argument("key")
@input_options
@connection_options
@click.option("--state", metavar="FILE", help=_STATE_HELP)
@click.option("--instance", default=DEFAULT_INSTANCE, show_default=True,
              help="Which instance of the trigger (each keeps its own cursor).")
@click.option("--ack", "acknowledge", is_flag=True,
              help="Acknowledge the events once printed (else they come back next poll).")
@click.option("--jsonl", is_flag=True, help="Print one event per line instead of the result.")
@click.option("--every", metavar="DURATION",
              help="Keep polling at this interval (30s, 5m, 1h) until Ctrl-C or SIGTERM.")
@click.option("--max-events", type=click.IntRange(1), help="Events one poll returns at most.")
@click.pass_context
def poll(ctx: click.Context, key: str, input_file: str | None, settings: tuple[str, ...],
         connection_file: str | None, profile: str | None, use_sandbox: bool,
         state: str | None, instance: str, acknowledge: bool, jsonl: bool, every: str | None,
         max_events: int | None) -> None:
    """Run a trigger: print the changes not yet acknowledged, and an ack token.

    The first poll sets the baseline (or backfills from the trigger's look-back date). Events
    keep their ids until acknowledged, with --ack or `connector ack TOKEN`.
    """
    connector = connector_of(ctx)
    inputs = read_inputs(input_file, settings)
    interval = parse_interval(every) if every is not None else None
    resolve(connector, key, inputs)  # bad inputs fail here, before a connection is opened
    with open_connection(ctx, connection_file, profile, use_sandbox) as connection, \
            _stop_on_signal() as stopped:
        while True:
            result = connector.poll(key, inputs, connection, state=state, instance=instance,
                                    max_events=max_events)
            _show(ctx, result.to_dict(), jsonl)
            if acknowledge and result.ack_token:
                connector.ack(result.ack_token, state=state, trigger=key)
            if interval is None or stopped.wait(0 if result.more else interval):
                return


@click.command()
@click.argument("token")
@click.option("--state", metavar="FILE", help=_STATE_HELP)
@click.pass_context
def ack(ctx: click.Context, token: str, state: str | None) -> None:
    """Acknowledge the events a poll printed with this token: they are not delivered again."""
    emit_output(ctx, {"acknowledged": connector_of(ctx).ack(token, state=state)})


def _show(ctx: click.Context, result: dict[str, Any], jsonl: bool) -> None:
    if not jsonl:
        emit_output(ctx, result)
        return
    for event in result["events"]:
        emit_output(ctx, event, indent=None)


@contextmanager
def _stop_on_signal() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM, so a loop stops between polls, not inside one."""
    stopped = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stopped
        return
    previous = {number: signal.signal(number, lambda *_: stopped.set())
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stopped
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
