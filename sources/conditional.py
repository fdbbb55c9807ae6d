"""Conditional requests (RFC 9110, section 13.1): a GET carries the validators of the answer the warehouse holds
(`If-None-Match` its ETag, `If-Modified-Since` its Last-Modified), and a provider that honours them answers
`304 Not Modified` without a body when nothing changed. A provider that ignores them answers 200 with the whole body:
then the data hash decides (the same data is not parsed again)."""

from __future__ import annotations

import httpx

from sources.contract import Upstream, Validator

NOT_MODIFIED = 304


def make_conditional(request: httpx.Request, upstream: Upstream | None) -> None:
    """Add the validators the warehouse holds for the request's URL, if any, to its headers."""
    held = upstream.validators_for(str(request.url)) if upstream else None
    if held is None:
        return
    etag, modified = held
    if etag:
        request.headers["If-None-Match"] = etag
    if modified:
        request.headers["If-Modified-Since"] = modified


def validator_of(response: httpx.Response) -> Validator | None:
    """(URL asked, ETag, Last-Modified) of an answer that carries either, else None."""
    etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
    return (str(response.request.url), etag, modified) if etag or modified else None
