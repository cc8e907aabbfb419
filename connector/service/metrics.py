"""The service's Prometheus metrics: its requests, and what the runtime reports through
connector.telemetry (gateway calls, retries, 429s, sign-ins, slot waits, trigger polls and
events).

Each app has its own registry, so several apps in one process (tests, a factory building one
per worker) never share or double-register a metric; the telemetry listener is this object's
bound method, dropped when the app is.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from connector import telemetry

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    """Counters and histograms, fed by the request middleware and by telemetry reports."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter("connector_http_requests_total", "HTTP requests answered.",
                                ["method", "route", "status"], registry=registry)
        self.latency = Histogram("connector_http_request_duration_seconds",
                                 "Time to answer an HTTP request.", ["method", "route"],
                                 buckets=LATENCY_BUCKETS, registry=registry)
        self.gateway_calls = Counter("connector_gateway_calls_total",
                                     "Requests sent to the remote API, by outcome.",
                                     ["protocol", "outcome"], registry=registry)
        self.gateway_latency = Histogram("connector_gateway_call_duration_seconds",
                                         "Time for the remote API to answer a request.",
                                         ["protocol"], buckets=LATENCY_BUCKETS,
                                         registry=registry)
        self.retries = Counter("connector_gateway_retries_total",
                               "Requests sent again after a transient failure.", ["protocol"],
                               registry=registry)
        self.rate_limited = Counter("connector_gateway_rate_limited_total",
                                    "Answers of HTTP 429 from the remote API.", ["protocol"],
                                    registry=registry)
        self.sign_ins = Counter("connector_session_sign_ins_total",
                                "Sessions opened with the remote API, by outcome.",
                                ["protocol", "outcome"], registry=registry)
        self.slot_wait = Histogram("connector_slot_wait_seconds",
                                   "Time waiting for one of a company's request slots.",
                                   ["protocol"], buckets=LATENCY_BUCKETS, registry=registry)
        self.trigger_polls = Counter("connector_trigger_polls_total", "Trigger polls, by "
                                     "outcome.", ["trigger", "outcome"], registry=registry)
        self.trigger_events = Counter("connector_trigger_events_total",
                                      "Events trigger polls found.", ["trigger"],
                                      registry=registry)
        telemetry.subscribe(self.hear)

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def hear(self, event: str, fields: dict[str, Any]) -> None:
        """A telemetry report, counted."""
        if event == telemetry.GATEWAY_CALL:
            self.gateway_calls.labels(fields["protocol"], fields["outcome"]).inc()
            self.gateway_latency.labels(fields["protocol"]).observe(fields["seconds"])
        elif event == telemetry.RETRY:
            self.retries.labels(fields["protocol"]).inc()
        elif event == telemetry.RATE_LIMITED:
            self.rate_limited.labels(fields["protocol"]).inc()
        elif event == telemetry.SIGN_IN:
            self.sign_ins.labels(fields["protocol"], fields["outcome"]).inc()
        elif event == telemetry.SLOT_WAIT:
            self.slot_wait.labels(fields["protocol"]).observe(fields["seconds"])
        elif event == telemetry.TRIGGER_POLL:
            self.trigger_polls.labels(fields["trigger"], fields["outcome"]).inc()
        elif event == telemetry.TRIGGER_EVENTS:
            self.trigger_events.labels(fields["trigger"]).inc(fields["count"])

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
