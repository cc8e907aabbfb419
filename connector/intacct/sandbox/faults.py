"""Fault injection: the failures a real integration meets between it and the gateway.

Faults apply only to gateway POSTs. Each request draws at most one fault: first from the
explicit ``sequence`` (consumed one entry per request, so a test can say "the next two
requests get 503, then normal"), otherwise from the rates, using a seeded random generator so a
run is reproducible. Faults "before" answer without doing any work; faults "after" (524, drop)
answer only once the work is committed, which is how responses get lost in real life.

Sequence entries: an HTTP status int (524 is after commit, any other is before the work),
``"ok"``, ``"drop"``, ``"expire"`` (expire sessions, then process), ``"html"`` or ``"html:520"``
(a Cloudflare-style HTML error page before the work), ``"empty"`` (HTTP 200 with an empty body
after commit) and ``"truncated"`` (HTTP 200 with the first half of the body after commit).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

# Kinds of fault actions.
NONE = "none"
STATUS_BEFORE = "status_before"
HTML_BEFORE = "html_before"
LOST_AFTER = "lost_after"
DROP_AFTER = "drop_after"
EMPTY_AFTER = "empty_after"
TRUNCATED_AFTER = "truncated_after"
EXPIRE_BEFORE = "expire_before"


@dataclass(frozen=True)
class FaultAction:
    kind: str
    status: int = 200


@dataclass
class Faults:
    """Mutable while the server runs; every field may be changed between requests."""

    fail_rate: float = 0.0  # share of requests answered fail_status before any work
    fail_status: int = 503
    sequence: list[int | str] = field(default_factory=list)
    lost_response_rate: float = 0.0  # share answered 524 after the work was committed
    html_error_rate: float = 0.0  # share answered with a Cloudflare HTML page
    html_error_status: int = 502
    drop_rate: float = 0.0  # share whose connection is closed without answer after commit
    latency_ms: float = 0.0  # each answer's least time from its arrival, the work included
    expire_sessions_after: int | None = None  # expire all sessions after every N requests
    seed: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.seed)
        self._count = 0

    def reseed(self, seed: int) -> None:
        """Restart the random draws from a new seed."""
        with self._lock:
            self.seed = seed
            self._rng = random.Random(seed)

    def draw(self) -> FaultAction:
        """The fault for the next gateway request (thread-safe)."""
        with self._lock:
            self._count += 1
            done = self._count - 1
            if self.expire_sessions_after and done and done % self.expire_sessions_after == 0:
                expire = FaultAction(EXPIRE_BEFORE)
            else:
                expire = None
            action = _from_entry(self.sequence.pop(0)) if self.sequence else self._from_rates()
        if expire is not None and action.kind == NONE:
            return expire
        return action

    def _from_rates(self) -> FaultAction:
        roll = self._rng.random()
        for rate, action in (
            (self.fail_rate, FaultAction(STATUS_BEFORE, self.fail_status)),
            (self.html_error_rate, FaultAction(HTML_BEFORE, self.html_error_status)),
            (self.lost_response_rate, FaultAction(LOST_AFTER, 524)),
            (self.drop_rate, FaultAction(DROP_AFTER)),
        ):
            if roll < rate:
                return action
            roll -= rate
        return FaultAction(NONE)


def _from_entry(entry: int | str) -> FaultAction:
    text = str(entry).strip().lower()
    if text == "ok":
        return FaultAction(NONE)
    if text == "drop":
        return FaultAction(DROP_AFTER)
    if text == "expire":
        return FaultAction(EXPIRE_BEFORE)
    if text == "empty":
        return FaultAction(EMPTY_AFTER)
    if text == "truncated":
        return FaultAction(TRUNCATED_AFTER)
    if text.startswith("html"):
        _, _, status = text.partition(":")
        return FaultAction(HTML_BEFORE, int(status or 502))
    status = int(text)
    if status == 524:
        return FaultAction(LOST_AFTER, 524)
    return FaultAction(STATUS_BEFORE, status)


_CF_PAGES = {
    502: ("Bad gateway", "The web server reported a bad gateway error."),
    503: ("Service unavailable", "The web server is not available right now."),
    520: ("Web server is returning an unknown error",
          "There is an unknown connection issue between Cloudflare and the origin web server."),
    521: ("Web server is down", "The web server is not returning a connection."),
    522: ("Connection timed out", "The initial connection between Cloudflare's network and "
          "the origin web server timed out."),
    524: ("A timeout occurred", "The origin web server timed out responding to this request."),
}


def cloudflare_page(status: int, host: str = "api.intacct.com") -> bytes:
    """An HTML error page shaped like Cloudflare's, which fronts the real gateway: the title
    "<host> | <status>: <what>" and the "Error code <status>" label."""
    title, detail = _CF_PAGES.get(status, ("Error", "The request could not be completed."))
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n'
        f"<title>{host} | {status}: {title}</title>\n</head>\n<body>\n"
        '<div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper">'
        f'<h1><span class="inline-block">{title}</span> <span class="code-label">Error code '
        f"{status}</span></h1><p>{detail}</p>"
        "<p>Cloudflare Ray ID: <strong>sandbox</strong> &bull; Performance &amp; security by "
        "Cloudflare</p></div></div>\n</body>\n</html>\n"
    ).encode()
