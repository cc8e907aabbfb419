"""What the runtime reports as it works: gateway calls, retries, rate limits, sign-ins, slot
waits, trigger polls and events.

The runtime calls the functions below at the points where these things happen; a listener
(the service's Prometheus metrics, a test, an operator's own hook) subscribes to hear them.
With no listener a report costs one empty-list check. Listeners are held weakly, so a service
that is gone stops listening without unsubscribing, and a listener that fails is dropped from
that one report, never from the caller's work. Reports carry names and numbers only, never a
request, a response or a credential.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Listener = Callable[[str, dict[str, Any]], None]

GATEWAY_CALL = "gateway_call"  # protocol, outcome ("ok", "http_4xx", "error"...), seconds
RETRY = "retry"  # protocol
RATE_LIMITED = "rate_limited"  # protocol: the remote API answered 429
SIGN_IN = "sign_in"  # protocol, outcome ("ok" or "failed")
SLOT_WAIT = "slot_wait"  # protocol, seconds spent waiting for a company's request slot
TRIGGER_POLL = "trigger_poll"  # trigger, outcome
TRIGGER_EVENTS = "trigger_events"  # trigger, count

_listeners: list[weakref.ReferenceType[Any]] = []
_lock = threading.Lock()


def subscribe(listener: Listener) -> None:
    """Hear every report until the listener is garbage-collected (bound methods are followed
    through their object)."""
    ref: weakref.ReferenceType[Any] = (weakref.WeakMethod(listener)
                                       if hasattr(listener, "__self__")
                                       else weakref.ref(listener))
    with _lock:
        _listeners.append(ref)


def report(event: str, **fields: Any) -> None:
    """Tell every listener; called by the runtime."""
    if not _listeners:
        return
    with _lock:
        live = [listener for ref in _listeners if (listener := ref()) is not None]
        _listeners[:] = [ref for ref in _listeners if ref() is not None]
    for listener in live:
        try:
            listener(event, fields)
        except Exception:  # a listener's bug must not fail a gateway call
            log.exception("telemetry listener failed on %s", event)


def gateway_call(protocol: str, outcome: str, seconds: float) -> None:
    report(GATEWAY_CALL, protocol=protocol, outcome=outcome, seconds=seconds)


def retry(protocol: str) -> None:
    report(RETRY, protocol=protocol)


def rate_limited(protocol: str) -> None:
    report(RATE_LIMITED, protocol=protocol)


def sign_in(protocol: str, outcome: str) -> None:
    report(SIGN_IN, protocol=protocol, outcome=outcome)


def slot_wait(protocol: str, seconds: float) -> None:
    report(SLOT_WAIT, protocol=protocol, seconds=seconds)


def trigger_poll(trigger: str, outcome: str) -> None:
    report(TRIGGER_POLL, trigger=trigger, outcome=outcome)


def trigger_events(trigger: str, count: int) -> None:
    report(TRIGGER_EVENTS, trigger=trigger, count=count)
