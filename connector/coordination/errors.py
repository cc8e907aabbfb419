"""Failures of the coordination layer, as data like every other ConnectorError."""

from __future__ import annotations

from connector.errors import USAGE_EXIT, ConnectorError


class ConfigurationError(ConnectorError):
    """A coordination setting that cannot be used; names the variable, never a secret."""

    exit_code = USAGE_EXIT


class LeaseBusy(ConnectorError):
    """Someone else held the lease for longer than the caller was willing to wait."""

    def __init__(self, name: str, wait: float) -> None:
        super().__init__(f"the lease {name!r} is held elsewhere; not free within {wait:g} s")
        self.name = name
        self.transient = True

    def to_dict(self) -> dict:
        return {**super().to_dict(), "transient": True}


class StaleFence(ConnectorError):
    """A write from a holder whose lease was taken over: a newer holder already wrote."""

    def __init__(self, feed: str, fence: int, current: int | None = None) -> None:
        newer = f" (fence {current} has written since)" if current is not None else ""
        super().__init__(f"refused a write to feed {feed!r} with fence {fence}{newer}: "
                         "its lease was lost")
        self.feed, self.fence, self.current = feed, fence, current


class BackendError(ConnectorError):
    """A shared backend (Redis, PostgreSQL, the SQLite file) refused what was asked of it
    (no permission, a file that is not a database); nothing was written."""


class BackendUnavailable(BackendError):
    """A shared backend did not answer in time or at all; what was asked of it did not happen,
    and asking again later may work."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.transient = True

    def to_dict(self) -> dict:
        return {**super().to_dict(), "transient": True}
