"""Gateway sessions shared by every worker through Redis, encrypted at rest.

The value under `session:{key}` is a Fernet token of the session (id, endpoint, expiry): who
can read Redis cannot use a session without the key. Redis drops it on its own when its time
is up, which ends before the gateway's `sessiontimeout`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import redis

from connector.coordination.encryption import Cipher, DecryptionFailed
from connector.coordination.errors import ConfigurationError
from connector.coordination.redis_client import answering
from connector.coordination.sessions import CachedSession, check_key, seconds_to_keep

log = logging.getLogger("connector.coordination")


class RedisSessionCache:
    """A SessionCache on Redis; refuses to exist without an encryption key."""

    def __init__(self, client: redis.Redis, cipher: Cipher, *,
                 namespace: str = "connector") -> None:
        if cipher is None:
            raise ConfigurationError("a Redis session cache needs CONNECTOR_SESSION_KEY: "
                                     "session ids are stored encrypted")
        self._redis = client
        self._cipher = cipher
        self._namespace = namespace

    def get(self, key: str) -> CachedSession | None:
        with answering("no session was read"):
            token = self._redis.get(self._key(key))
        return None if token is None else self._open(key, token)

    def put(self, key: str, session: CachedSession, ttl: float) -> None:
        keep = seconds_to_keep(session, ttl)
        name = self._key(key)
        with answering("the session was not kept"):
            if keep <= 0:
                self._redis.delete(name)
                return
            self._redis.set(name, self._seal(session), px=max(1, int(keep * 1000)))

    def invalidate(self, key: str, session_id: str) -> bool:
        name = self._key(key)

        def drop_if_same(pipe: redis.client.Pipeline) -> bool:
            token = pipe.get(name)
            kept = None if token is None else self._open(key, token)
            if kept is None or kept.id != session_id:
                return False
            pipe.multi()
            pipe.delete(name)
            return True

        with answering("no session was invalidated"):
            return self._redis.transaction(drop_if_same, name, value_from_callable=True)

    def close(self) -> None:
        self._redis.close()

    def _key(self, key: str) -> str:
        return f"{self._namespace}:session:{check_key(key)}"

    def _seal(self, session: CachedSession) -> bytes:
        expires = session.expires.isoformat() if session.expires else None
        record = {"id": session.id, "endpoint": session.endpoint, "expires": expires}
        return self._cipher.encrypt(json.dumps(record).encode("utf-8"))

    def _open(self, key: str, token: bytes) -> CachedSession | None:
        try:
            record = json.loads(self._cipher.decrypt(token))
        except DecryptionFailed:
            log.warning("the session cached for %s does not decrypt with "
                        "CONNECTOR_SESSION_KEY; signing in again", key)
            return None
        expires = dt.datetime.fromisoformat(record["expires"]) if record["expires"] else None
        return CachedSession(record["id"], record["endpoint"], expires)
