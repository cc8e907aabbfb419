"""Delivering a trigger's events to a webhook: one POST per event, in order, each with an
`Idempotency-Key` equal to the event's id, retried until the target answers 2xx.

An event is acknowledged only once its target has answered 2xx; one that is not delivered
before the round's deadline stops the round there (order is kept), and it and the events after
it come back, with the same ids, on the next poll. A target therefore sees an event again only
when it did not answer in time, and recognises it by its key.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from connector.triggers.events import TriggerEvent

log = logging.getLogger(__name__)

#: Seconds one POST may take, the first pause between attempts and the longest one.
ATTEMPT_TIMEOUT = 10.0
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 8.0


def check_url(url: str) -> str:
    """An http(s) URL with a host, or ValueError saying what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return url


def shown(url: str) -> str:
    """The URL without credentials, path or query (they may hold a secret), for logs."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


@dataclass
class Webhook:
    """A target URL, and how long one round of deliveries may go on retrying."""

    url: str
    deadline: float = 60.0

    def deliver(self, trigger: str, instance: str, events: Sequence[TriggerEvent],
                session: requests.Session) -> list[str]:
        """POST the events in order until one is not accepted by the deadline; returns the
        ids of those delivered."""
        end = time.monotonic() + self.deadline
        delivered = []
        for event in events:
            if not self._post(trigger, instance, event, session, end):
                break
            delivered.append(event.id)
        return delivered

    def _post(self, trigger: str, instance: str, event: TriggerEvent,
              session: requests.Session, end: float) -> bool:
        body = json.dumps({"trigger": trigger, "instance": instance, **event.to_dict()},
                          ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": event.id}
        pause = FIRST_PAUSE
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return False
            try:
                answer = session.post(self.url, data=body, headers=headers,
                                      timeout=min(ATTEMPT_TIMEOUT, left), allow_redirects=False)
                if 200 <= answer.status_code < 300:
                    return True
                problem = f"HTTP {answer.status_code}"
            except requests.RequestException as exc:
                problem = type(exc).__name__
            log.info("webhook %s refused event %s (%s); retrying", shown(self.url), event.id,
                     problem)
            time.sleep(max(0.0, min(pause, end - time.monotonic())))
            pause = min(pause * 2, LONGEST_PAUSE)
