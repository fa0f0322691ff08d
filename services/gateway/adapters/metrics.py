"""The gateway's own metrics: calls to the services and refusals, beside the request metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPSTREAM_SECONDS = Histogram(
    "cjp_gateway_upstream_duration_seconds",
    "Calls from the gateway to a service, by service, method and outcome",
    ["upstream", "method", "outcome"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
UPSTREAM_ERRORS = Counter(
    "cjp_gateway_upstream_errors_total",
    "Calls to a service that failed: unreachable (no answer) or server_error (5xx)",
    ["upstream", "kind"],
)
RATE_LIMIT_REFUSALS = Counter(
    "cjp_gateway_rate_limit_refusals_total",
    "Requests refused with 429 because the caller spent its budget",
    ["protocol"],
)
LIVE_FEED_READING = Gauge(
    "cjp_gateway_live_feed_reading",
    "1 while the live feed reads the services' topics (every partition answered a fetch in the "
    "last 10 s); else 0, and kept public answers end only by their time limit",
)


def outcome_of(status: int) -> str:
    """A status code as a small label set: ok, client_error, server_error."""
    if status < 400:
        return "ok"
    return "client_error" if status < 500 else "server_error"
