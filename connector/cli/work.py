"""`connector worker`: a Dramatiq worker for bulk batches (and trigger polls)."""

from __future__ import annotations

import os
import sys

import click


@click.command()
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1),
              help="Worker processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1),
              help="Threads per process (the per-company limit still holds across all).")
def worker(processes: int, threads: int) -> None:
    """Run a Dramatiq worker on CONNECTOR_BROKER until stopped (docs/scaling.md).

    It shares slots, sessions and state with every other process through CONNECTOR_COORDINATOR,
    CONNECTOR_STATE (and their keys), and finds connections by name in CONNECTOR_CONNECTIONS.
    """
    if not os.environ.get("CONNECTOR_BROKER"):
        raise click.UsageError("set CONNECTOR_BROKER to the Redis the workers take messages "
                               "from (e.g. redis://127.0.0.1:6379/1)")
    os.execv(sys.executable, [sys.executable, "-m", "dramatiq", "connector.worker",
                              "--processes", str(processes), "--threads", str(threads),
                              "--queues", "connector"])
