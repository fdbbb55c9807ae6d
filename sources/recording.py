"""Record live provider responses to a folder, and replay them through an httpx transport.

Live and offline runs share one code path: the source builds the same `httpx.Request`, and only the
transport under the client differs. A recording is a JSON file (request, status, response headers)
beside the body exactly as served (a zip stays a zip). Requests are matched by method, URL and
their sorted parameters (query and form body); credentials travel in headers, which are never part
of the key and never written.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qsl

import httpx

from sources.errors import MissingRecording

SECRET_PARAMS = frozenset({"username", "password", "token", "api_key", "apikey"})
KEPT_RESPONSE_HEADERS = (
    "content-type",
    "content-disposition",
    "etag",
    "last-modified",
    "retry-after",
    "cache-control",
    "date",
)
_EXTENSIONS = {"application/zip": "zip", "application/json": "json", "text/csv": "csv", "text/html": "html"}


def request_params(request: httpx.Request) -> dict[str, str | list[str]]:
    """Query and form-body parameters of a request, without credentials. A repeated parameter
    (Eurostat's `geo=DE117&geo=DE118`) is the list of its values in the order sent."""
    pairs = list(request.url.params.multi_items())
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        pairs += parse_qsl(request.content.decode("utf-8"), keep_blank_values=True)
    params: dict[str, str | list[str]] = {}
    for key, value in pairs:
        if key.lower() in SECRET_PARAMS:
            continue
        seen = params.get(key)
        params[key] = value if seen is None else [*seen, value] if isinstance(seen, list) else [seen, value]
    return dict(sorted(params.items()))


def request_key(request: httpx.Request) -> str:
    url = request.url.copy_with(query=None, fragment=None)
    canonical = json.dumps([request.method, str(url), request_params(request)], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def describe(request: httpx.Request) -> str:
    params = "&".join(f"{k}={x}" for k, v in request_params(request).items() for x in (v if isinstance(v, list) else [v]))
    return f"{request.method} {request.url.copy_with(query=None)} {params}".strip()


def _slug(request: httpx.Request) -> str:
    params = request_params(request)
    parts = request.url.path.rstrip("/").split("/")[-2:] + [params.get("name", "")]
    first, last = params.get("startyear") or params.get("sinceTimePeriod"), params.get("endyear") or params.get("untilTimePeriod")
    years = "-".join(p for p in (first, last) if isinstance(p, str))
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "_".join(p for p in parts + [years] if p))


def _mask_echo(body: bytes) -> bytes:
    """GENESIS echoes request parameters in JSON answers: mask credentials there too."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    if isinstance(doc, dict) and isinstance(doc.get("Parameter"), dict):
        for k in doc["Parameter"]:
            if k.lower() in SECRET_PARAMS:
                doc["Parameter"][k] = "********************"
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return body


@dataclass(frozen=True)
class Recording:
    path: Path
    method: str
    url: str
    params: dict[str, str | list[str]]
    status: int
    headers: dict[str, str]
    body_file: str

    def response(self, request: httpx.Request) -> httpx.Response:
        body = (self.path.parent / self.body_file).read_bytes()
        return httpx.Response(self.status, headers=self.headers, content=body, request=request)


def load_recordings(folder: Path) -> Mapping[str, Recording]:
    """The recordings of `folder` by request key. Read once per process while the files stay as they are: a replayed
    run builds a client per request, and reading every recording again took about 15 ms each time, a tenth of a
    replayed nightly with nothing to do."""
    metas = sorted(m for m in folder.rglob("*.json") if ".body." not in m.name)
    return _read_recordings(tuple((m, (st := m.stat()).st_mtime_ns, st.st_size) for m in metas))


@functools.lru_cache(maxsize=64)
def _read_recordings(metas: tuple[tuple[Path, int, int], ...]) -> Mapping[str, Recording]:
    out: dict[str, Recording] = {}
    for meta, _, _ in metas:
        doc = json.loads(meta.read_text(encoding="utf-8"))
        req, resp = doc["request"], doc["response"]
        rec = Recording(meta, req["method"], req["url"], req["params"], resp["status"], resp["headers"], resp["body_file"])
        probe = httpx.Request(rec.method, rec.url, params=rec.params)
        out[request_key(probe)] = rec
    return MappingProxyType(out)


class ReplayTransport(httpx.BaseTransport):
    """Serves recorded responses; a request with no recording fails with a `MissingRecording` naming it."""

    def __init__(self, folder: Path, source: str) -> None:
        self.folder, self.source = folder, source
        self.recordings = load_recordings(folder)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        rec = self.recordings.get(request_key(request))
        if rec is None:
            raise MissingRecording(self.source, None, f"no recorded response in {self.folder} for {describe(request)}")
        return rec.response(request)


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to `inner` (the network) and writes each answer to `folder`, but for a 5xx or 429: those
    are retried (sources/client.py), and the answer that replay serves is the one the retry got."""

    def __init__(self, inner: httpx.BaseTransport, folder: Path) -> None:
        self.inner, self.folder = inner, folder

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if response.status_code >= 500 or response.status_code == 429:
            return response  # a passing failure, retried by the client: replay must not serve it
        body = response.read()
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        if content_type == "application/json":
            body = _mask_echo(body)
        stem = f"{_slug(request)}__{request_key(request)}"
        body_file = f"{stem}.body.{_EXTENSIONS.get(content_type, 'bin')}"
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / body_file).write_bytes(body)
        headers = {k: response.headers[k] for k in KEPT_RESPONSE_HEADERS if k in response.headers}
        doc = {
            "request": {
                "method": request.method,
                "url": str(request.url.copy_with(query=None)),
                "params": request_params(request),
            },
            "response": {"status": response.status_code, "headers": headers, "body_file": body_file},
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (self.folder / f"{stem}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)
