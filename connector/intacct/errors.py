"""Which gateway errors mean "try again" and which mean "already done".

The gateway has no machine-readable error classes, so these read errorno and text the way the
official SDKs' users do. Business and validation errors are never retried.
"""

from __future__ import annotations

from collections.abc import Iterable

from connector.errors import ErrorDetail

_TRANSIENT = (
    "too many operations running",
    "temporarily off-line",
    "temporarily offline",
    "gw-0010",
    "try again later",
)
_ALREADY_EXECUTED = ("already been executed", "already executed", "was already processed")


def _texts(errors: Iterable[ErrorDetail]) -> str:
    return " ".join(f"{e.errorno} {e.description} {e.description2}" for e in errors).lower()


def is_retryable(errors: Iterable[ErrorDetail]) -> bool:
    """True for errors that say the gateway is busy or briefly unavailable."""
    text = _texts(errors)
    return bool(text.strip()) and any(marker in text for marker in _TRANSIENT)


def is_already_executed(errors: Iterable[ErrorDetail]) -> bool:
    """True when uniqueid refused a function because its controlid already ran."""
    text = _texts(errors)
    return any(marker in text for marker in _ALREADY_EXECUTED)
