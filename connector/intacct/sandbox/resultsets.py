"""readByQuery result sets, kept for readMore until read to the end or expired."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass


@dataclass
class ResultSet:
    companyid: str
    object: str
    recordnos: list[int]
    fields: str
    pagesize: int
    position: int
    expires: float  # time.monotonic(): a lifetime, not a date


class ResultSets:
    """The live result sets of every company, by resultId."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        self._sets: dict[str, ResultSet] = {}

    def add(self, rs: ResultSet) -> str:
        result_id = secrets.token_hex(16)
        with self._lock:
            now = time.monotonic()
            self._sets = {k: v for k, v in self._sets.items() if v.expires > now}
            self._sets[result_id] = rs
        return result_id

    def take(self, result_id: str, companyid: str) -> ResultSet | None:
        with self._lock:
            rs = self._sets.get(result_id)
            if rs is None or rs.companyid != companyid or rs.expires <= time.monotonic():
                self._sets.pop(result_id, None)
                return None
            return rs

    def drop(self, result_id: str) -> None:
        with self._lock:
            self._sets.pop(result_id, None)

    def expire_all(self) -> None:
        with self._lock:
            self._sets.clear()
