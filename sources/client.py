"""A polite HTTP client for the providers: one request at a time per host, retries with backoff.

Retried: connection errors, timeouts, HTTP 5xx and 429 (honouring Retry-After). Everything else is
returned to the source, which maps the provider's answer to a typed error. Redirects are never
followed: credentials travel in headers and must not go to a host nobody configured.

Waiting for a host that does not answer is bounded: a name that does not resolve, a refused or
never-completed connection, or a server that accepts and sends nothing within `first_byte_timeout` are
retried only while the time spent on them stays within `unanswered_budget` (3 minutes); then the request
fails with `HostUnreachable`, naming the host and the last error. A download that is making progress is
not bounded (only a silence longer than `first_byte_timeout` between two chunks ends it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from sources.errors import HostUnreachable, RateLimited, TransientError

log = logging.getLogger(__name__)

_host_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_last_request_at: dict[str, float] = {}


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 2.0  # seconds before the 2nd attempt, doubled each time
    max_backoff: float = 120.0
    min_interval: float = 1.0  # pause between two requests to the same host
    timeout: float = 300.0  # sending the request, waiting for a connection from the pool
    connect_timeout: float = 10.0  # name lookup and TCP/TLS connection
    first_byte_timeout: float = 60.0  # the longest silence: before the answer starts, and between two chunks
    unanswered_budget: float = 180.0  # the most time spent on a host that does not answer, retries included

    def httpx_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout, connect=self.connect_timeout, read=self.first_byte_timeout)


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


# Failures before the first byte of an answer: the host did not answer at all.
_UNANSWERED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.WriteTimeout,
               httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class _NoAnswer(TransientError):
    """One attempt that got no answer at all."""

    def __init__(self, source: str, table: str | None, host: str, exc: Exception) -> None:
        self.last_error = f"{type(exc).__name__}: {exc or 'no answer'}"
        super().__init__(source, table, f"host {host} did not answer: {self.last_error}")


def _exchange(client: httpx.Client, request: httpx.Request, source: str, table: str | None) -> httpx.Response:
    """Send and read one request; raise `_NoAnswer` if no answer starts, `TransientError` for the rest."""
    host = request.url.host
    try:
        response = client.send(request, follow_redirects=False, stream=True)
    except _UNANSWERED as exc:
        raise _NoAnswer(source, table, host, exc) from exc
    try:
        response.read()
    except httpx.HTTPError as exc:
        raise TransientError(source, table, f"the answer from {host} broke off: {type(exc).__name__}: {exc}") from exc
    finally:
        response.close()
    if response.status_code == 429:
        raise RateLimited(source, table, "HTTP 429 Too Many Requests", retry_after_seconds(response.headers.get("retry-after")))
    if response.status_code >= 500:
        raise TransientError(source, table, f"HTTP {response.status_code} from {host}")
    return response


def send(
    client: httpx.Client,
    request: httpx.Request,
    *,
    source: str,
    table: str | None,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """Send `request`, retrying transient failures; raise the last error when attempts or the budget for a host
    that does not answer run out."""
    host = request.url.host
    unanswered = 0.0  # seconds spent on attempts that got no answer, and the pauses after them
    for attempt in range(1, policy.attempts + 1):
        try:
            with _host_locks[host]:
                wait = policy.min_interval - (time.monotonic() - _last_request_at.get(host, -1e9))
                if wait > 0:
                    sleep(wait)
                started = time.monotonic()
                try:
                    return _exchange(client, request, source, table)
                finally:
                    _last_request_at[host] = time.monotonic()
        except TransientError as err:
            delay = min(policy.max_backoff, policy.backoff * 2 ** (attempt - 1))
            if isinstance(err, RateLimited) and err.retry_after is not None:
                delay = min(policy.max_backoff, err.retry_after)
            if isinstance(err, _NoAnswer):
                unanswered += time.monotonic() - started
                out_of_time = unanswered + delay + policy.connect_timeout + policy.first_byte_timeout > policy.unanswered_budget
                if out_of_time or attempt == policy.attempts:
                    raise HostUnreachable(source, table, host, err.last_error, attempt, unanswered) from err.__cause__
                unanswered += delay
            elif attempt == policy.attempts:
                raise err
            log.warning("%s (attempt %d of %d), retrying in %.1f s", err, attempt, policy.attempts, delay)
            sleep(delay)
    raise AssertionError("unreachable")
