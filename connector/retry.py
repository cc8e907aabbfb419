"""Retrying one request on tenacity: when to try again, how long to wait, when to give up.

A protocol says which failures are transient (and which answers mean "busy"); this module turns
that and a RetryPolicy into waits: the server's Retry-After when it gave one (seconds or an
HTTP date), otherwise exponential backoff with full jitter, never past the call's deadline.
Every wait is logged with the reason.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import tenacity

from connector.errors import ConnectorError, DeadlineExceeded
from connector.protocol import CallOptions

log = logging.getLogger("connector.retry")
T = TypeVar("T")


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """An HTTP Retry-After header as seconds from now: delta-seconds or an HTTP date."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - (now or dt.datetime.now(dt.timezone.utc))).total_seconds())


def call_with_retries(attempt: Callable[[], T], options: CallOptions, *,
                      transient: Callable[[BaseException], bool],
                      busy: Callable[[T], bool] = lambda _: False,
                      describe: Callable[[str], str] = str) -> T:
    """Run `attempt` until it succeeds, fails for good, or the policy or deadline stops it.

    A result for which `busy` is true is retried like a transient failure; when retries run
    out it is returned as is. `describe` turns a failure's message into loggable text (it
    must redact secrets). Raises the last error, or DeadlineExceeded when the deadline cut
    the retries short.

    The first attempt runs bare, since most calls succeed at once and should not pay for
    tenacity's machinery; a retryable first outcome becomes tenacity's attempt 1, so that the
    waits, attempt counts and deadline are those of one tenacity loop.
    """
    try:
        first = attempt()
    except BaseException as exc:
        if not transient(exc):
            raise
        return _retried(_after(_raising(exc), attempt), options, transient, busy, describe)
    if not busy(first):
        return first
    return _retried(_after(lambda: first, attempt), options, transient, busy, describe)


def _after(first: Callable[[], T], attempt: Callable[[], T]) -> Callable[[], T]:
    """An attempt whose first run is `first` (an outcome already had) and every later one
    `attempt`."""
    runs = iter((first,))
    return lambda: next(runs, attempt)()


def _raising(error: BaseException) -> Callable[[], Any]:
    def again() -> Any:
        raise error
    return again


def _retried(attempt: Callable[[], T], options: CallOptions,
             transient: Callable[[BaseException], bool], busy: Callable[[T], bool],
             describe: Callable[[str], str]) -> T:
    """Tenacity's loop over `attempt` (whose first outcome was retryable)."""
    policy = options.retry
    backoff = (tenacity.wait_random_exponential(multiplier=max(policy.delay_ms, 100) / 1000,
                                                max=policy.max_delay_ms / 1000)
               if policy.exponential_backoff else tenacity.wait_fixed(policy.delay_ms / 1000))
    cut_by_deadline = False

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        hint = getattr(error, "retry_after", None)
        if hint is not None:
            return min(float(hint), policy.max_delay_ms / 1000)
        return backoff(state)

    def past_deadline(state: tenacity.RetryCallState) -> bool:
        nonlocal cut_by_deadline
        remaining = options.remaining()
        cut_by_deadline = remaining is not None and remaining <= (state.upcoming_sleep or 0)
        return cut_by_deadline

    def log_wait(state: tenacity.RetryCallState) -> None:
        outcome = state.outcome
        error = outcome.exception() if outcome else None
        reason = describe(getattr(error, "message", str(error))) if error else "the gateway is busy"
        log.warning("retrying in %.2f s after %s (attempt %d of %d)",
                    state.upcoming_sleep, reason, state.attempt_number + 1,
                    policy.max_retries + 1)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.max_retries + 1) | past_deadline,
        wait=wait,
        retry=(tenacity.retry_if_exception(transient) | tenacity.retry_if_result(busy)),
        before_sleep=log_wait,
        retry_error_callback=lambda state: state.outcome.result(),
        reraise=True,
        sleep=time.sleep,
    )
    try:
        return retrying(attempt)
    except ConnectorError as exc:
        # A request that was sent keeps its own error: the caller must learn it may have applied.
        if cut_by_deadline and transient(exc) and not getattr(exc, "sent", False):
            raise DeadlineExceeded(f"the call's deadline passed before it could succeed; last "
                                   f"failure: {describe(exc.message)}") from exc
        raise
