"""The HTTP API of triggers: describe, poll, acknowledge, reset, and instances the service
polls on a schedule (optionally delivering to a webhook).

    GET    /triggers/{key}                       the trigger: inputs, schema, output schema
    POST   /triggers/{key}/poll                  {connection, inputs, instance, maxEvents}
                                                 -> pending events, outputs, ackToken
    POST   /triggers/{key}/ack                   {token} -> {"acknowledged": n}
    POST   /triggers/{key}/reset                 {connection, inputs, instance}
    GET    /triggers/{key}/instances             the registered instances and how they went
    PUT    /triggers/{key}/instances/{instance}  {connection, inputs, every, webhook}
    DELETE /triggers/{key}/instances/{instance}  stop polling it (its cursor is kept)

A poll is the same recurrence `connector.poll` runs (connector.triggers.poller): its events
come back, with the same ids, until acknowledged. Every answer is scrubbed of secrets.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector.catalog import describe_trigger
from connector.coordination.errors import BackendUnavailable, LeaseBusy, StaleFence
from connector.coordination.state import StateStore
from connector.core import Connector
from connector.errors import ConnectorError, InputError, InputProblem
from connector.service.envelope import (
    Check,
    is_object,
    is_positive_int,
    is_string,
    parse_body,
)
from connector.service.errors import Scrubber
from connector.service.problems import problem
from connector.service.responses import APIResponse
from connector.triggers import poller
from connector.triggers.scheduler import Instance, Scheduler
from connector.triggers.webhook import Webhook, check_url

#: Finds the named connection of a body ({"connection": name}); adds a problem when it cannot.
ConnectionOf = Callable[..., dict[str, Any] | None]
Handler = Callable[[Any, Request], Awaitable[Response]]

DEFAULT_EVERY = 300.0
BUSY_RETRY_AFTER = "1"


def is_seconds(value: Any) -> str | None:
    number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    return None if number and 1 <= value <= 86_400 else "must be a number of seconds, 1 to 86400"


def is_webhook(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    try:
        check_url(value)
    except ValueError as exc:
        return str(exc)
    return None


POLL_FIELDS: dict[str, Check] = {"connection": is_string, "inputs": is_object,
                                 "instance": is_string, "maxEvents": is_positive_int}
RESET_FIELDS: dict[str, Check] = {"connection": is_string, "inputs": is_object,
                                  "instance": is_string}
ACK_FIELDS: dict[str, Check] = {"token": is_string}
INSTANCE_FIELDS: dict[str, Check] = {"connection": is_string, "inputs": is_object,
                                     "every": is_seconds, "webhook": is_webhook}


def _guard(handler: Handler) -> Handler:
    """A feed another poller holds, or a state store that does not answer, is 503 with
    Retry-After (nothing happened); any other ConnectorError as the service maps it."""

    @functools.wraps(handler)
    async def guarded(self: TriggerRoutes, request: Request) -> Response:
        try:
            return await handler(self, request)
        except (LeaseBusy, StaleFence, BackendUnavailable) as exc:
            return problem(request.scope, 503, type(exc).__name__,
                           self.scrub.text(exc.message), headers={"Retry-After": BUSY_RETRY_AFTER})
        except ConnectorError as exc:
            return self.scrub.error(exc, request.scope)

    return guarded


class TriggerRoutes:
    """The routes, the scheduler they feed, and where trigger state lives."""

    def __init__(self, connector: Connector, connections: Mapping[str, dict[str, Any]],
                 scrub: Scrubber, connection_of: ConnectionOf, *,
                 state: StateStore | str | Path | None = None,
                 send: Callable[[str, str], None] | None = None) -> None:
        """`send(trigger, instance)` puts due polls on a work queue (Dramatiq workers) instead
        of polling in the service."""
        self.connector, self.scrub, self.state = connector, scrub, state
        self._connection_of = connection_of
        self.scheduler = Scheduler(connector, connections, state=state, send=send)

    def routes(self) -> list[Route]:
        return [
            Route("/triggers/{key}", self.describe, methods=["GET"]),
            Route("/triggers/{key}/poll", self.poll, methods=["POST"]),
            Route("/triggers/{key}/ack", self.ack, methods=["POST"]),
            Route("/triggers/{key}/reset", self.reset, methods=["POST"]),
            Route("/triggers/{key}/instances", self.instances, methods=["GET"]),
            Route("/triggers/{key}/instances/{instance}", self.instance,
                  methods=["PUT", "DELETE"]),
        ]

    def close(self) -> None:
        """Stop the scheduler's thread (the service's shutdown)."""
        self.scheduler.close()

    @_guard
    async def describe(self, request: Request) -> Response:
        return APIResponse(describe_trigger(self.connector.trigger(request.path_params["key"])))

    @_guard
    async def poll(self, request: Request) -> Response:
        key, body, connection = await self._body(request, POLL_FIELDS)

        def work() -> Response:
            result = self.connector.poll(key, body.get("inputs"), connection, state=self.state,
                                         instance=body.get("instance", poller.DEFAULT_INSTANCE),
                                         max_events=body.get("maxEvents"))
            return APIResponse(self.scrub.value(result.to_dict()))

        return await run_in_threadpool(work)

    @_guard
    async def ack(self, request: Request) -> Response:
        key, body, _ = await self._body(request, ACK_FIELDS, connection=False)
        if "token" not in body:
            raise InputError(key, [InputProblem("token", "Acknowledgement token",
                                                "is required: the ackToken a poll returned")])
        count = await run_in_threadpool(
            lambda: poller.ack(body["token"], state=self.state, trigger=key))
        return APIResponse({"acknowledged": count})

    @_guard
    async def reset(self, request: Request) -> Response:
        key, body, connection = await self._body(request, RESET_FIELDS)
        await run_in_threadpool(lambda: poller.reset(
            self.connector, key, body.get("inputs"), connection, state=self.state,
            instance=body.get("instance", poller.DEFAULT_INSTANCE)))
        return APIResponse({"reset": True})

    @_guard
    async def instances(self, request: Request) -> Response:
        key = self.connector.trigger(request.path_params["key"]).key
        shown = [i.to_dict() for i in self.scheduler.instances(key)]
        return APIResponse({"instances": self.scrub.value(shown)})

    @_guard
    async def instance(self, request: Request) -> Response:
        if request.method == "DELETE":
            key = self.connector.trigger(request.path_params["key"]).key
            removed = self.scheduler.remove(key, request.path_params["instance"])
            return APIResponse({"removed": removed}, 200 if removed else 404)
        key, body, _ = await self._body(request, INSTANCE_FIELDS)
        name = body.get("connection") or next(iter(self.scheduler.connections), "")
        webhook = Webhook(body["webhook"]) if "webhook" in body else None
        registered = Instance(key, request.path_params["instance"], name,
                              dict(body.get("inputs") or {}),
                              float(body.get("every", DEFAULT_EVERY)), webhook)
        await run_in_threadpool(lambda: self.scheduler.put(registered))
        return APIResponse(self.scrub.value(registered.to_dict()))

    async def _body(self, request: Request, fields: Mapping[str, Check], *,
                    connection: bool = True) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """The trigger's key, the body's fields and the named connection, or one InputError
        with every problem (the request's fields and the inputs')."""
        trigger = self.connector.trigger(request.path_params["key"])  # 404 before the body
        body, problems = parse_body(trigger.key, trigger.schema, await request.body(), fields)
        instance = request.path_params.get("instance", body.get("instance"))
        if instance is not None:
            try:
                poller.check_instance(trigger.key, instance)
            except InputError as exc:
                problems += exc.problems
        state = request.scope.setdefault("state", {})
        found = (self._connection_of(body, problems, state, required=True) if connection
                 else None)
        if problems:
            if "inputs" in fields and not any(p.path == "inputs" for p in problems):
                try:
                    poller.resolve(self.connector, trigger.key, body.get("inputs"))
                except InputError as exc:
                    problems += exc.problems
            raise InputError(trigger.key, problems)
        return trigger.key, body, found
