"""API sessions: created by getAPISession (and implicitly by each login), persisted in the
store, expiring after a configurable inactivity timeout that slides forward on every call."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from .store import Store


@dataclass(frozen=True)
class Session:
    sessionid: str
    userid: str
    companyid: str
    locationid: str
    timestamp: float  # this call
    expires: float  # projected timeout after this call

    @property
    def timestamp_text(self) -> str:
        return _iso(self.timestamp)

    @property
    def timeout_text(self) -> str:
        return _iso(self.expires)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).isoformat()


class Sessions:
    """Session bookkeeping on top of the store's sessions table."""

    def __init__(
        self, store: Store, timeout_seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.timeout_seconds = timeout_seconds
        self.clock = clock

    def create(self, userid: str, companyid: str, locationid: str) -> Session:
        now = self.clock()
        session = Session(
            sessionid=secrets.token_urlsafe(24) + "..",
            userid=userid,
            companyid=companyid,
            locationid=locationid,
            timestamp=now,
            expires=now + self.timeout_seconds,
        )
        self.store.save_session(
            {
                "sessionid": session.sessionid,
                "userid": userid,
                "companyid": companyid,
                "locationid": locationid,
                "created": now,
                "expires": session.expires,
            }
        )
        return session

    def touch(self, sessionid: str) -> Session | None:
        """The live session for this id with its timeout pushed forward, or None."""
        with self.store.lock:
            row = self.store.load_session(sessionid)
            now = self.clock()
            if row is None or row["expires"] <= now:
                return None
            expires = now + self.timeout_seconds
            self.store.set_session_expiry(sessionid, expires)
        return Session(sessionid, row["userid"], row["companyid"], row["locationid"], now, expires)

    def expire_all(self) -> None:
        """Expire every live session now (tests of session-expiry handling)."""
        self.store.expire_all_sessions(self.clock())
