"""Running a trigger: one recurrence of one instance, and acknowledging what it delivered.

`poll` is a plain function of (trigger key, inputs, connection, instance id) and the state, so
a CLI loop, the service's scheduler or a task queue can each call it. Under the feed's lease
it reads what changed, then commits the new cursor and the new events in one transaction, and
returns every event not yet acknowledged (the new ones and any older), oldest first, with a
token that acknowledges exactly those. A poller that dies before its commit changed nothing;
one that dies after it left its events pending: the next poll returns them with the same ids.

A feed is keyed by the trigger, the connection's identity (its fields without secrets: one
company and entity), the inputs that say what to read (not the batching ones) and the
instance id; disabling and re-enabling an instance keeps its cursor.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connector import telemetry
from connector.calls import Call, OutputSpec
from connector.coordination.config import Settings, build
from connector.coordination.sqlite_state import default_state_path
from connector.coordination.state import StateStore, feed_key
from connector.errors import ConnectorError, InputError, InputProblem
from connector.inputs import prepare_inputs
from connector.manifest import TriggerSpec
from connector.protocol import ChangeQuery
from connector.shaping import resolve_option
from connector.triggers.cursor import FeedCursor, stamp
from connector.triggers.events import CHANGE_TYPES, TriggerEvent, outputs
from connector.triggers.feed import CHANGES, DELETIONS, Plan, recur
from connector.triggers.leases import CoordinatorLeases, FileLeases, Leases

if TYPE_CHECKING:
    from connector.core import Connector

DEFAULT_INSTANCE = "default"
DEFAULT_BATCH_SIZE = 50
#: Seconds a poll waits for another poller of the same feed to finish.
LEASE_WAIT = 10.0
#: Records one recurrence may read per event it may deliver (skipped ones included).
READS_PER_EVENT = 10
MAX_INSTANCE_LENGTH = 200
Checkpoint = Callable[[str], None]


@dataclass(frozen=True)
class PollResult:
    """What one recurrence left to deliver: every event not yet acknowledged, oldest first,
    the outputs a workflow reads, and the token that acknowledges these events."""

    trigger: str
    instance: str
    events: tuple[TriggerEvent, ...]
    outputs: list[dict[str, Any]]
    ack_token: str | None
    more: bool  # a backlog remains: poll again soon
    baseline: bool  # this first recurrence only set the baseline
    deletions: dict[str, Any]  # {"visible": bool, "reason": str when not}

    def to_dict(self) -> dict[str, Any]:
        return {"trigger": self.trigger, "instance": self.instance,
                "events": [event.to_dict() for event in self.events],
                "outputs": self.outputs, "ackToken": self.ack_token, "more": self.more,
                "baseline": self.baseline, "deletions": self.deletions}


@dataclass(frozen=True)
class Run:
    """A trigger's inputs, resolved: what to read and how to deliver it."""

    trigger: TriggerSpec
    values: dict[str, Any]
    query: ChangeQuery
    report: frozenset[str]
    lookback: datetime | None
    batch_size: int | None  # None: one document per recurrence

    def feed(self, identity: Mapping[str, Any], instance: str) -> str:
        delivery = self.trigger.delivery_inputs()
        what = {name: value for name, value in self.values.items() if name not in delivery}
        return feed_key(self.trigger.key, json.dumps(identity, sort_keys=True, default=str),
                        {"inputs": what, "instance": instance})


def resolve(connector: Connector, key: str, inputs: Mapping[str, Any] | None) -> Run:
    """Validate the inputs (every problem at once, before any request) and resolve what the
    declaration reads from them."""
    trigger = connector.trigger(key)
    if not callable(getattr(connector.protocol, "change_streams", None)):
        raise ConnectorError(f"trigger {key!r} cannot run: the {connector.protocol.name} "
                             "protocol cannot poll for changes (it has no change_streams)")
    values = prepare_inputs(key, trigger.schema, inputs, connector.protocol.input_date_formats)
    problems = []
    lookback = values.get(trigger.lookback_input) if trigger.lookback_input else None
    today = datetime.now(timezone.utc).date()
    if isinstance(lookback, date) and lookback > today:
        problems.append(_problem(trigger, trigger.lookback_input or "",
                                 f"{lookback.isoformat()} is in the future (today is "
                                 f"{today.isoformat()} UTC)"))
    obj = resolve_option(trigger.object, values)
    if not obj:
        problems.append(_problem(trigger, trigger.object["input"], "is required: the object "
                                 "whose changes to report"))
    if problems:
        raise InputError(key, problems)
    created = trigger.created_field
    default = created.get("default") if isinstance(created, dict) else None
    query = ChangeQuery(str(obj), trigger.key_field or connector.protocol.default_key_field,
                        trigger.modified_field, resolve_option(created, values, default))
    report = frozenset(kind for kind in CHANGE_TYPES
                       if resolve_option(trigger.report.get(kind, True), values, default=True))
    batching = resolve_option(trigger.batching.get("enabled", False), values, default=False)
    size = resolve_option(trigger.batching.get("size", DEFAULT_BATCH_SIZE), values,
                          default=DEFAULT_BATCH_SIZE)
    return Run(trigger, values, query, report,
               datetime.combine(lookback, datetime.min.time()) if lookback else None,
               int(size) if batching else None)


def poll(connector: Connector, key: str, inputs: Mapping[str, Any] | None,
         connection: Mapping[str, Any], *, state: StateStore | str | Path | None = None,
         instance: str = DEFAULT_INSTANCE, max_events: int | None = None,
         leases: Leases | None = None, wait: float = LEASE_WAIT,
         checkpoint: Checkpoint | None = None) -> PollResult:
    """One recurrence of a trigger instance; see the module docstring.

    `state` is a StateStore, a SQLite file, or None for the configured one (CONNECTOR_STATE,
    by default a file in the cache directory). `max_events` caps the events returned (and so
    the new ones read); the trigger declares the default. `checkpoint(name)` is called after
    the changes are read ("fetched") and after they are committed ("committed"), so tests
    can stop a poller exactly there.
    """
    try:
        result, new = _poll(connector, key, inputs, connection, state=state, instance=instance,
                            max_events=max_events, leases=leases, wait=wait,
                            checkpoint=checkpoint)
    except Exception as exc:
        _report(key, type(exc).__name__, 0)
        raise
    _report(key, "baseline" if result.baseline else "ok", new)
    return result


def _poll(connector: Connector, key: str, inputs: Mapping[str, Any] | None,
          connection: Mapping[str, Any], *, state: StateStore | str | Path | None,
          instance: str, max_events: int | None, leases: Leases | None, wait: float,
          checkpoint: Checkpoint | None) -> tuple[PollResult, int]:
    """The poll, and how many events it added."""
    run = resolve(connector, key, inputs)
    check_instance(key, instance)
    limit = max_events if max_events is not None else run.trigger.max_events
    if limit < 1:
        raise ValueError(f"max_events must be at least 1, not {limit}")
    streams = dict(zip((CHANGES, DELETIONS), connector.protocol.change_streams(run.query),
                       strict=True))
    if streams[DELETIONS] is None:
        del streams[DELETIONS]
    with _state(state, leases) as (store, held):
        feed = run.feed(connection_identity(connector, connection), instance)
        with held.hold(f"trigger:{feed}", wait=wait) as fence:
            loaded = store.load_cursor(feed)
            cursor = FeedCursor.from_json(loaded.value) if loaded is not None else None
            budget = limit - len(store.pending(feed, limit))
            more, baseline, hidden, added = False, False, None, 0
            if budget > 0 and run.report:
                plan = Plan(timedelta(seconds=run.trigger.overlap_seconds), budget,
                            budget * READS_PER_EVENT, connector.settings.page_size, run.report,
                            run.lookback)
                recurrence = recur(streams, _reader(connector, run, connection), cursor, plan)
                more, baseline, hidden = recurrence.more, recurrence.baseline, recurrence.hidden
                _step(checkpoint, "fetched")
                if not held.counted and loaded is not None:
                    fence = max(fence, loaded.fence + 1)
                added = len(store.commit_poll(feed, fence, recurrence.cursor.to_json(),
                                              recurrence.events))
                _prune(store, feed, cursor)
                _step(checkpoint, "committed")
            pending = [TriggerEvent.stored(e) for e in store.pending(feed, limit)]
    visible = DELETIONS in streams and "deleted" in run.report and hidden is None
    deletions: dict[str, Any] = {"visible": visible}
    if not visible:
        deletions["reason"] = hidden or ("not reported (turned off)" if "deleted" not in
                                         run.report else "the remote does not show deletions")
    token = encode_token(key, feed, [e.id for e in pending]) if pending else None
    return PollResult(key, instance, tuple(pending), outputs(pending, run.batch_size), token,
                      more, baseline, deletions), added


def ack(token: str, *, state: StateStore | str | Path | None = None,
        trigger: str | None = None) -> int:
    """Acknowledge the events a poll returned with this token; how many were pending. An
    event acknowledged is never delivered again. `trigger` refuses another trigger's token."""
    key, feed, ids = decode_token(token)
    if trigger is not None and key != trigger:
        raise InputError(trigger, [InputProblem("token", "Acknowledgement token",
                                                f"was issued by trigger {key!r}")])
    with _state(state, None) as (store, _):
        return store.ack(feed, ids)


def reset(connector: Connector, key: str, inputs: Mapping[str, Any] | None,
          connection: Mapping[str, Any], *, state: StateStore | str | Path | None = None,
          instance: str = DEFAULT_INSTANCE) -> None:
    """Forget an instance's cursor and events: its next poll is a first recurrence again."""
    run = resolve(connector, key, inputs)
    check_instance(key, instance)
    with _state(state, None) as (store, _):
        store.reset(run.feed(connection_identity(connector, connection), instance))


# -- acknowledgement tokens -------------------------------------------------------------------


def encode_token(trigger: str, feed: str, ids: list[str]) -> str:
    """An opaque, URL-safe token naming the feed and the events it acknowledges."""
    data = json.dumps([trigger, feed, ids], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(data, 9)).decode().rstrip("=")


def decode_token(token: str) -> tuple[str, str, list[str]]:
    problem = InputProblem("token", "Acknowledgement token",
                           "is not a token a poll returned")
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)),
                              bufsize=1 << 16)
        trigger, feed, ids = json.loads(raw)
    except (ValueError, TypeError, zlib.error):
        raise InputError("ack", [problem]) from None
    if not (isinstance(trigger, str) and isinstance(feed, str) and isinstance(ids, list)
            and all(isinstance(i, str) and i for i in ids) and feed.startswith(trigger + ":")):
        raise InputError("ack", [problem])
    return trigger, feed, ids


# -- helpers ----------------------------------------------------------------------------------


def _reader(connector: Connector, run: Run, connection: Mapping[str, Any]
            ) -> Callable[[Any], Iterator[dict[str, Any]]]:
    """Send one body through the engine (middleware, retries, company slots) and stream the
    records it lists, page by page."""
    options = connector.options()

    def read(body: Any) -> Iterator[dict[str, Any]]:
        call = Call(run.trigger, run.values, (body,), options, OutputSpec("records"))
        return connector.run(call, connection, stream=True)

    return read


def connection_identity(connector: Connector, connection: Mapping[str, Any]) -> dict[str, Any]:
    """The connection without its secrets: which account, company and entity it reaches."""
    properties = connector.manifest.connection_schema.get("properties", {})
    secret = {name for name, prop in properties.items()
              if prop.get("format") == "password" or prop.get("writeOnly")}
    return {name: value for name, value in connection.items() if name not in secret}


def _prune(store: StateStore, feed: str, before: FeedCursor | None) -> None:
    """Forget acknowledged events no read can reach again: stamped before where every stream
    settled, as the feed stood before this recurrence."""
    settled = [c.settled for c in (before.streams.values() if before else ())]
    if settled and all(settled):
        store.prune(feed, stamp(min(s for s in settled if s is not None)))


def check_instance(key: str, instance: str) -> None:
    if not isinstance(instance, str) or not instance.strip() or \
            len(instance) > MAX_INSTANCE_LENGTH or not instance.isprintable():
        raise InputError(key, [InputProblem("instance", "Instance", "must be printable text "
                                            f"of 1 to {MAX_INSTANCE_LENGTH} characters")])


def _problem(trigger: TriggerSpec, name: str, problem: str) -> InputProblem:
    title = trigger.schema.get("properties", {}).get(name, {}).get("title", "")
    return InputProblem(name, title, problem)


def _report(trigger: str, outcome: str, events: int) -> None:
    telemetry.trigger_poll(trigger, outcome)
    telemetry.trigger_events(trigger, events)


def _step(checkpoint: Checkpoint | None, name: str) -> None:
    if checkpoint is not None:
        checkpoint(name)


@contextmanager
def _state(state: StateStore | str | Path | None, leases: Leases | None
           ) -> Iterator[tuple[StateStore, Leases]]:
    """The store and the leases to use: a given store as it is, or one opened from a path or
    the CONNECTOR_* settings (closed afterwards). Leases are the coordinator's when one is
    configured, else lock files beside the state (or in the cache directory)."""
    if state is not None and not isinstance(state, (str, Path)):
        yield state, leases or FileLeases(default_state_path().parent / "leases")
        return
    settings = Settings.from_env(state=None if state is None else str(state))
    coordination = build(settings)
    try:
        if leases is None:
            leases = (CoordinatorLeases(coordination.coordinator) if settings.coordinator
                      and settings.coordinator.strip().lower() != "local"
                      else FileLeases(_lease_directory(settings.state)))
        yield coordination.state, leases
    finally:
        coordination.close()


def _lease_directory(location: str | None) -> Path:
    text = (location or "").strip()
    if text.lower().startswith("sqlite://"):
        text = text[len("sqlite://"):]
    if not text or "://" in text:
        return default_state_path().parent / "leases"
    path = Path(text)
    return path.with_name(path.name + ".leases")
