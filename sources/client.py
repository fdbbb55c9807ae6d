"""A polite HTTP client for the providers: one request at a time per host, retries with backoff.

Retried: connection errors, timeouts, HTTP 5xx and 429 (honouring Retry-After). Everything else is
returned to the source, which maps the provider's answer to a typed error. Redirects are never
followed: credentials travel in headers and must not go to a host nobody configured.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from sources.errors import RateLimited, TransientError

log = logging.getLogger(__name__)

_host_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_last_request_at: dict[str, float] = {}


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 2.0  # seconds before the 2nd attempt, doubled each time
    max_backoff: float = 120.0
    min_interval: float = 1.0  # pause between two requests to the same host
    timeout: float = 300.0


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def send(
    client: httpx.Client,
    request: httpx.Request,
    *,
    source: str,
    table: str | None,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """Send `request`, retrying transient failures; raise the last `TransientError` when attempts run out."""
    host = request.url.host
    for attempt in range(1, policy.attempts + 1):
        try:
            with _host_locks[host]:
                wait = policy.min_interval - (time.monotonic() - _last_request_at.get(host, -1e9))
                if wait > 0:
                    sleep(wait)
                try:
                    response = client.send(request, follow_redirects=False)
                    response.read()
                finally:
                    _last_request_at[host] = time.monotonic()
            if response.status_code == 429:
                raise RateLimited(
                    source, table, "HTTP 429 Too Many Requests", retry_after_seconds(response.headers.get("retry-after"))
                )
            if response.status_code >= 500:
                raise TransientError(source, table, f"HTTP {response.status_code} from {request.url.host}")
            return response
        except (httpx.TimeoutException, httpx.TransportError, TransientError) as exc:
            err = exc if isinstance(exc, TransientError) else TransientError(source, table, f"{type(exc).__name__}: {exc}")
            if attempt == policy.attempts:
                raise err from exc
            delay = min(policy.max_backoff, policy.backoff * 2 ** (attempt - 1))
            if isinstance(err, RateLimited) and err.retry_after is not None:
                delay = min(policy.max_backoff, err.retry_after)
            log.warning("%s (attempt %d of %d), retrying in %.1f s", err, attempt, policy.attempts, delay)
            sleep(delay)
    raise AssertionError("unreachable")
