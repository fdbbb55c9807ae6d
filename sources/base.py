"""What every provider client shares: sending through the polite client (sources/client.py `send`), and
the checks of an answer that are the same for every provider (a redirect, an HTTP error status, an HTML
page instead of data, a body that is not JSON), and building the `RawPayload` of an answer.

A provider's client subclasses `HttpClient` and adds what only it knows: its endpoints, its parameters,
its error bodies (GENESIS status codes, Eurostat's error envelope) and how it splits a request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from catalog import Source, SourceTable
from sources.blob import Blob, InMemory
from sources.client import RetryPolicy, send
from sources.conditional import NOT_MODIFIED, make_conditional, validator_of
from sources.contract import RawPayload, Upstream
from sources.errors import FormatError, NotModified, ProviderError, TableMissing

_LEADING = b"\xef\xbb\xbf \r\n\t"  # a UTF-8 BOM and whitespace before the first sign of a body


def snippet(body: bytes, length: int = 60) -> str:
    """The start of a body, for an error message."""
    return body[:length].decode("utf-8", "replace").replace("\n", " ")


def is_html(body: bytes) -> bool:
    """Whether a body is a web page (maintenance, login or error page) rather than the data."""
    return body.lstrip(_LEADING)[:1] == b"<"


class HttpClient:
    """A client of one catalog source (one host): every request goes through `send` with the source's policy."""

    def __init__(self, source: Source, http: httpx.Client, policy: RetryPolicy = RetryPolicy(),
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.source, self.http, self.policy, self.sleep = source, http, policy, sleep

    def send(self, request: httpx.Request, table: str | None, upstream: Upstream | None = None) -> httpx.Response:
        """Send through the polite client; with `upstream`, as a conditional request (a 304 answer is returned as it is)."""
        make_conditional(request, upstream)
        return send(self.http, request, source=self.source.id, table=table, policy=self.policy, sleep=self.sleep)

    def raise_if_unchanged(self, table: SourceTable, upstream: Upstream) -> None:
        """Raise NotModified where the provider tells, without a download, that its data of `table` is still the
        `upstream` the warehouse holds (an update stamp of its own). Returns where only the download can tell (a
        conditional request, the data hash): this provider has no such stamp."""

    def raise_if_not_modified(self, table: str, answers: list[httpx.Response]) -> None:
        """Every answer to the conditional requests of one payload was 304 Not Modified: nothing to download. (Where
        only some were, the caller asks for those again unconditionally: a payload is made of whole answers.)"""
        if answers and all(r.status_code == NOT_MODIFIED for r in answers):
            raise NotModified(self.source.id, table, f"HTTP 304 Not Modified to {len(answers)} conditional request(s) "
                              "(ETag / Last-Modified of the answers the warehouse holds): not downloaded")

    def refuse_redirect(self, response: httpx.Response, table: str | None, asked: str = "",
                        fix: str = "set the new base_url in catalog/sources.yaml") -> None:
        """Redirects are never followed (credentials must not go to a host nobody configured): a clear error."""
        if response.is_redirect:
            raise ProviderError(self.source.id, table, f"HTTP {response.status_code} redirect to "
                                f"{response.headers.get('location')!r}{asked}: the API moved; {fix}")

    def refuse_error_status(self, response: httpx.Response, table: str, asked: str, missing: str) -> None:
        """HTTP 404: the table is missing (`missing` says where to check it); any other 4xx: a provider error."""
        if response.status_code == 404:
            raise TableMissing(self.source.id, table, f"HTTP 404{asked}: {missing}")
        if response.status_code >= 400:
            raise ProviderError(self.source.id, table, f"HTTP {response.status_code}{asked}: {snippet(response.content, 80)!r}")

    def refuse_html(self, response: httpx.Response, table: str | None, asked: str = "", instead: str = "data") -> None:
        if is_html(response.content):
            raise FormatError(self.source.id, table, f"HTTP {response.status_code}{asked}: an HTML page instead of {instead} "
                              "(maintenance page or wrong URL)")

    def json_body(self, response: httpx.Response, table: str | None, asked: str = "", instead: str = "JSON") -> Any:
        """The answer's JSON document; an HTML page or a body that is not JSON (truncated?) is a FormatError."""
        self.refuse_html(response, table, asked, instead)
        body = response.content.lstrip(_LEADING)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise FormatError(self.source.id, table, f"HTTP {response.status_code}{asked}: not JSON ({snippet(body)!r}…), "
                              "truncated?") from exc

    def payload(self, table: str, url: str, request: dict[str, str], body: bytes, answers: list[httpx.Response],
                data: Blob | None = None, provider_updated: str | None = None) -> RawPayload:
        """The payload of one request: the body as served (the answers of a split request together). The
        validators ETag and Last-Modified are kept where one answer makes the payload, and per answer for the
        conditional requests of the next run."""
        first, single, served = answers[0], len(answers) == 1, InMemory(body)
        return RawPayload(
            source_id=self.source.id, table_id=table, url=url, request=request, body=served,
            data=served if data is None else data, content_type=first.headers.get("content-type", ""),
            fetched_at=datetime.now(UTC), etag=first.headers.get("etag") if single else None,
            last_modified=first.headers.get("last-modified") if single else None, provider_updated=provider_updated,
            validators=tuple(v for r in answers if (v := validator_of(r)) is not None),
        )
