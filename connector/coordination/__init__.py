"""The coordination layer: what workers share when one company is served by many of them.

Three interfaces, each with a local default (one process, nothing to set up) and a shared
implementation (several processes and hosts):

- `Coordinator`: per-company request slots and fenced single-flight leases
  (`LocalCoordinator`; `redis_coordinator.RedisCoordinator`);
- `SessionCache`: gateway sessions between calls
  (`LocalSessionCache`; `redis_sessions.RedisSessionCache`, encrypted);
- `StateStore`: trigger feeds and bulk runs
  (`sqlite_state.SQLiteStateStore`; `postgres_state.PostgresStateStore`).

`config.build()` makes the three from CONNECTOR_* settings. The shared implementations need the
extras `[redis]`, `[postgres]` (and `[dramatiq]` for `dispatch.redis_broker`); their modules
are imported only when configured.
"""

from connector.coordination.config import Coordination, Settings, build
from connector.coordination.coordinator import Coordinator, Lease, LocalCoordinator
from connector.coordination.errors import (
    BackendError,
    BackendUnavailable,
    ConfigurationError,
    LeaseBusy,
    StaleFence,
)
from connector.coordination.sessions import (
    CachedSession,
    LocalSessionCache,
    SessionCache,
    get_or_sign_in,
)
from connector.coordination.state import Cursor, Event, StateStore, feed_key

__all__ = [
    "BackendError",
    "BackendUnavailable",
    "CachedSession",
    "ConfigurationError",
    "Coordination",
    "Coordinator",
    "Cursor",
    "Event",
    "Lease",
    "LeaseBusy",
    "LocalCoordinator",
    "LocalSessionCache",
    "SessionCache",
    "Settings",
    "StaleFence",
    "StateStore",
    "build",
    "feed_key",
    "get_or_sign_in",
]
