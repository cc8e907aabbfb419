"""Bulk runs on a work queue: the inputs go to the state store, the queue carries references.

A producer stores a run (its header and every record, in the state store, encrypted when a
state key is set) and sends one message per batch naming the run and the records' range:
never a record, never a credential (Redis keeps messages in plain text; bulk inputs hold tax
ids and bank numbers). A worker runs a batch as a plain idempotent function: it reads the
records and what the run has finished, sends the rest with control ids derived from the run id
and each record's position, and records each result. A batch run twice (a worker killed after
sending, a message handed out again) is safe: the gateway refuses a control id it already ran
and the result says "already applied". The producer waits for every record's result, in order.

Workers find connections by name: the `CONNECTOR_CONNECTIONS` file (name -> connection, owner
only) and the connector's environment variables (connection "default"), as the service does.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import requests

from connector.bulk import run_bulk
from connector.core import Connector
from connector.errors import ConnectionConfigError, ConnectorError
from connector.journal import InputIdentity, Journal, plain_json, record_hash

CONNECTIONS_VARIABLE = "CONNECTOR_CONNECTIONS"
BROKER_VARIABLE = "CONNECTOR_BROKER"
RESULTS_POLL_S = 0.2
Send = Callable[[str, int, int], None]  # (run id, first index, last index + 1)


def submit_bulk(connector: Connector, key: str, records: Sequence[Any], connection_name: str,
                send: Send, *, source: InputIdentity | None = None,
                batch_size: int | None = None, transaction: bool = False) -> str:
    """Store a run and send its batches; returns the run id to wait on."""
    connector.action(key)  # an unknown action fails here, before anything is stored
    state = connector.coordination.state
    run_id = uuid.uuid4().hex[:16]
    size = min(batch_size or connector.settings.batch_size,
               connector.protocol.limits.max_batch_size)
    state.open_run(run_id, {"action": key, "connection": connection_name,
                            "records": len(records), "transaction": transaction,
                            "input": None if source is None else vars(source)})
    inputs = _inputs_run(run_id)
    state.open_run(inputs, {"of": run_id})
    for index, record in enumerate(records):
        if isinstance(record, ConnectorError):  # an unreadable line fails alone, now
            unreadable = {"unreadable": record.message}
            state.record(inputs, index, unreadable)
            state.record(run_id, index, {"index": index, "status": "error",
                                         "error": record.to_dict(),
                                         "hash": record_hash(unreadable)})
        else:
            state.record(inputs, index, plain_json(record))
    for first in range(0, len(records), size):
        send(run_id, first, min(first + size, len(records)))
    return run_id


def run_batch(connector: Connector, run_id: str, first: int, last: int,
              environ: Mapping[str, str] | None = None) -> None:
    """Send records [first, last) of a stored run and record their results (idempotent)."""
    state = connector.coordination.state
    header = state.open_run(run_id, {})
    if "action" not in header:
        raise ConnectorError(f"no bulk run {run_id!r} in the state store")
    records = dict(state.entries(_inputs_run(run_id)))
    batch = [records[index] for index in range(first, last)]
    connection = named_connections(connector, environ)[header["connection"]]
    journal = Journal.stored(state, run_id, header["action"])
    for _ in run_bulk(connector, header["action"], batch, connection, journal=journal,
                      first_index=first, batch_size=last - first, concurrency=1,
                      transaction=header["transaction"]):
        pass


def results(connector: Connector, run_id: str, *, timeout: float,
            progress: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Every record's result in input order, as workers finish them (at most `timeout` s)."""
    state = connector.coordination.state
    total = state.open_run(run_id, {}).get("records", 0)
    deadline = time.monotonic() + timeout
    done: dict[int, dict[str, Any]] = {}
    emitted = 0
    while emitted < total:
        done.update((index, entry) for index, entry in state.entries(run_id)
                    if index >= emitted)
        ready = emitted
        while ready in done:
            entry = {k: v for k, v in done.pop(ready).items() if k != "hash"}
            yield entry
            ready += 1
        if progress is not None and ready > emitted:
            progress(ready - emitted)
        emitted = ready
        if emitted < total:
            if time.monotonic() > deadline:
                raise ConnectorError(
                    f"bulk run {run_id}: {total - emitted} of {total} records have no result "
                    f"after {timeout:g} s; are workers running (`connector worker`)? Wait "
                    "again with the same run id: finished records are kept")
            time.sleep(RESULTS_POLL_S)


def poll_instance(connector: Connector, trigger: str, instance: str,
                  environ: Mapping[str, str] | None = None) -> None:
    """One recurrence of a registered trigger instance, on a worker (idempotent). A feed that
    another worker polls right now is left to it, at once: waiting would hold a worker thread
    for a poll that is happening anyway."""
    from connector.coordination.errors import LeaseBusy
    from connector.triggers.scheduler import load_registration, poll_and_deliver

    registration = load_registration(connector.coordination.state, trigger, instance)
    connection = named_connections(connector, environ)[registration.connection]
    with requests.Session() as http, contextlib.suppress(LeaseBusy):
        poll_and_deliver(connector, registration, connection, http, wait=0)


def named_connections(connector: Connector, environ: Mapping[str, str] | None = None
                      ) -> dict[str, dict[str, Any]]:
    """The connections a worker knows by name (never sent on the queue)."""
    from connector.service.connections import load_connections

    environ = os.environ if environ is None else environ
    connections: dict[str, dict[str, Any]] = {}
    if environ.get(CONNECTIONS_VARIABLE):
        connections.update(load_connections(environ[CONNECTIONS_VARIABLE],
                                            connector.manifest.connection_schema))
    declared = connector.manifest.connection.get("env", {}).values()
    if any(environ.get(variable) for variable in declared):
        connections.setdefault("default", connector.connection(environ=environ))
    if not connections:
        raise ConnectionConfigError(
            f"this worker knows no connection: set {CONNECTIONS_VARIABLE} to a connections "
            "file, or the connector's environment variables for connection 'default'")
    return connections


def _inputs_run(run_id: str) -> str:
    return f"{run_id}:inputs"
