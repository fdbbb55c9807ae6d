"""The GENESIS REST 2020 client: POST with a form body, credentials in the `username` and `password`
headers (an API token goes as username with an empty password), a zip for
`data/tablefile?format=ffcsv`, a JSON envelope (`Status.Code`) or a flat `{"Code", "Content"}` error for
everything else, often with HTTP 200. Too large (code 98): split by years, a single year through the job flow.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from catalog import Source, SourceTable
from sources.base import HttpClient
from sources.blob import CHUNK, Blob, InMemory, OnDisk
from sources.contract import RawPayload, Upstream
from sources.errors import AuthError, FormatError, NoData, NotModified, ProviderError, TableMissing, TooLarge, TransientError

log = logging.getLogger(__name__)

_RESULT_NAME = re.compile(r"(?<=:\s)\S*_\d+")


def zip_member(body: bytes, source: str, table: str | None, spool: Path | None = None) -> tuple[str, Blob]:
    """The name and bytes of the one .csv member of a flat-file zip, unzipped into a new file in `spool` where given (a
    whole table's flat file is hundreds of MB, its zip a tenth of that), else into memory; anything else is a
    FormatError."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            members = [n for n in zf.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise FormatError(source, table, f"zip holds {zf.namelist()}, expected one .csv")
            if spool is None:
                return members[0], InMemory(zf.read(members[0]))
            spool.mkdir(parents=True, exist_ok=True)
            target = spool / f"{uuid.uuid4().hex}.csv"
            with zf.open(members[0]) as member, target.open("wb") as out:
                shutil.copyfileobj(member, out, CHUNK)
            return members[0], OnDisk(target)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise FormatError(source, table, f"truncated or corrupt zip ({len(body)} bytes): {exc}") from exc


def stored_flat_file(body: bytes, source: str, table: str) -> bytes:
    """The flat file of a stored tablefile body: the zip's member, or the body itself (an uncompressed text/csv answer)."""
    return zip_member(body, source, table)[1].read() if body[:2] == b"PK" else body


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = ""

    @classmethod
    def from_env(cls, source: Source) -> Credentials | None:
        user = os.environ.get(source.credentials_env.get("username", ""), "")
        return cls(user, os.environ.get(source.credentials_env.get("password", ""), "")) if user else None

    @property
    def is_token(self) -> bool:
        return self.password == ""

    def headers(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password}

    def __repr__(self) -> str:  # never show the secret, not even in a traceback
        return "Credentials(username='***', password='***')"


class GenesisClient(HttpClient):
    """Fetches GENESIS tables as raw payloads. One instance per source (host)."""

    def __init__(self, source: Source, http: httpx.Client, credentials: Credentials | None = None, *, poll_interval: float = 30.0,
                 max_polls: int = 240, language: str = "de", spool: Path | None = None, **kwargs: Any) -> None:
        super().__init__(source, http, **kwargs)
        self.credentials = credentials
        self.spool = spool  # where the flat files of the answers are unzipped to; None: into memory
        self.poll_interval, self.max_polls, self.language = poll_interval, max_polls, language

    # -- low level -------------------------------------------------------------------------

    def _post(self, method: str, form: dict[str, str], table: str | None) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
        if self.credentials:
            headers |= self.credentials.headers()
        request = self.http.build_request("POST", self.source.base_url + method, data=form, headers=headers)
        response = self.send(request, table)
        self.refuse_redirect(response, table, fix="set the new base_url in catalog/sources.yaml (redirects are not followed with credentials)")
        return response

    def _envelope(self, response: httpx.Response, table: str | None) -> dict[str, Any]:
        """Parse a JSON answer and raise the typed error its status code stands for."""
        doc = self.json_body(response, table, instead="data")
        if not isinstance(doc, dict):  # e.g. a bare list or string: no envelope to read a code from
            raise FormatError(self.source.id, table, f"JSON answer without a status code: {str(doc)[:120]}")
        status = doc.get("Status") if isinstance(doc.get("Status"), dict) else doc
        code, text = status.get("Code"), str(status.get("Content", ""))
        if not isinstance(code, int):
            raise FormatError(self.source.id, table, f"JSON answer without a status code: {str(doc)[:120]}")
        src = self.source.id
        if code == 15:
            env = "/".join(self.source.credentials_env.values())
            raise AuthError(src, table, f"code 15, no credentials recognised: set {env} ({text})")
        if code == 2 and (response.status_code in (401, 403, 404) or "Passwort" in text or "password" in text.lower()):
            raise AuthError(src, table, f"code 2, the credentials were rejected ({text})")
        if code == 90:
            raise TableMissing(src, table, f"code 90, the table does not exist ({text})")
        if code in (103, 104):
            raise NoData(src, table, f"code {code}, no data for this selection ({text})")
        if code == 98:
            raise TooLarge(src, table, f"code 98, too large for a direct download ({text})")
        if code == -1:
            raise ProviderError(src, table, f"code -1, system error of the provider ({text})")
        if code == 22:
            log.warning("source %s, table %s: code 22, the provider adjusted a parameter (%s)", src, table, text)
        elif code not in (0, 99):
            raise ProviderError(src, table, f"code {code}: {text}")
        if response.status_code >= 400:
            raise ProviderError(src, table, f"HTTP {response.status_code} with code {code}: {text}")
        return doc

    def _data(self, response: httpx.Response, table: str) -> Blob:
        """The flat file inside a tablefile answer; any other answer raises its typed error."""
        body = response.content
        if body[:2] == b"PK":
            return zip_member(body, self.source.id, table, self.spool)[1]
        if response.headers.get("content-type", "").startswith("text/csv"):
            return InMemory(body)  # an uncompressed flat file (regio before its 2025 move); the parser checks the layout
        doc = self._envelope(response, table)
        raise FormatError(self.source.id, table, f"expected a flat file, got status {doc.get('Status')}")

    # -- endpoints -------------------------------------------------------------------------

    def metadata(self, table: str) -> dict[str, Any]:
        """`metadata/table`: the table's structure, time range and `Updated` stamp."""
        response = self._post("metadata/table", {"name": table, "area": "all", "language": self.language}, table)
        return self._envelope(response, table).get("Object") or {}

    def _tablefile_form(self, table: str, startyear: int, endyear: int, job: bool, regions: dict[str, str]) -> dict[str, str]:
        return regions | {
            "name": table,
            "area": "all",
            "compress": "false",
            "format": "ffcsv",
            "language": self.language,
            "quality": "on",
            "startyear": str(startyear),
            "endyear": str(endyear),
            "job": "true" if job else "false",
        }

    def _payload(self, table: str, form: dict[str, str], response: httpx.Response, updated: str | None) -> RawPayload:
        return self.payload(table, str(response.request.url), form, response.content, [response],
                            data=self._data(response, table), provider_updated=updated)

    def raise_if_unchanged(self, table: SourceTable, upstream: Upstream) -> None:
        """The table's `Updated` stamp in `metadata/table` the same as the one the warehouse holds: NotModified."""
        self._raise_if_same(table, self.metadata(table.id).get("Updated"), upstream)

    def _raise_if_same(self, table: SourceTable, updated: str | None, upstream: Upstream) -> None:
        if updated and updated == upstream.provider_updated:
            raise NotModified(self.source.id, table.id, f"metadata/table Updated {updated!r}, the same as at the last load: not downloaded")

    def fetch(
        self, table: SourceTable, startyear: int, endyear: int, regions: dict[str, str] | None = None,
        upstream: Upstream | None = None,
    ) -> Iterator[RawPayload]:
        """Yield the table for the years, split into smaller year ranges while the provider says code 98.

        `regions`: a regional selection, GENESIS `regionalvariable` (KREISE, DLAND, …) and `regionalkey`
        (AGS list, `*` wildcard); none = every region of the table. `upstream`: the update stamp the warehouse
        holds for the request; the table's `Updated` stamp in `metadata/table` being the same raises NotModified
        before anything is downloaded (no stamp: always downloaded).
        """
        regions = {k: v for k, v in (regions or {}).items() if v}
        unknown = set(regions) - {"regionalvariable", "regionalkey"}
        if unknown:
            raise ValueError(f"source {self.source.id}, table {table.id}: unknown regional selection {sorted(unknown)}")
        updated = self.metadata(table.id).get("Updated")
        if upstream is not None:
            self._raise_if_same(table, updated, upstream)
        yield from self._fetch_range(table.id, startyear, endyear, updated, regions)

    def _fetch_range(self, table: str, start: int, end: int, updated: str | None, regions: dict[str, str]) -> Iterator[RawPayload]:
        form = self._tablefile_form(table, start, end, job=False, regions=regions)
        try:
            yield self._payload(table, form, self._post("data/tablefile", form, table), updated)
        except TooLarge:
            if start < end:
                mid = (start + end) // 2
                log.info("source %s, table %s: %d-%d too large, splitting", self.source.id, table, start, end)
                yield from self._fetch_range(table, start, mid, updated, regions)
                yield from self._fetch_range(table, mid + 1, end, updated, regions)
            elif self.credentials and not self.credentials.is_token:
                yield self._job(table, start, end, updated, regions)
            else:
                raise TooLarge(
                    self.source.id,
                    table,
                    f"year {start} alone exceeds the download limit; the job flow needs a user name and password (a token cannot start jobs)",
                ) from None

    def _job(self, table: str, start: int, end: int, updated: str | None, regions: dict[str, str]) -> RawPayload:
        """The background-job flow: tablefile job=true (code 99), poll catalogue/results, then data/resultfile."""
        form = self._tablefile_form(table, start, end, job=True, regions=regions)
        doc = self._envelope(self._post("data/tablefile", form, table), table)
        match = _RESULT_NAME.search(doc["Status"]["Content"])
        if doc["Status"]["Code"] != 99 or not match:
            raise ProviderError(self.source.id, table, f"job not created: {doc['Status']}")
        result = match.group(0)
        poll = {"selection": result, "area": "user", "pagelength": "1", "language": self.language}
        for _ in range(self.max_polls):
            try:
                listing = self._envelope(self._post("catalogue/results", poll, table), table)
                if listing.get("List"):
                    break
            except NoData:  # code 104: the job is not finished yet
                pass
            self.sleep(self.poll_interval)
        else:
            raise TransientError(self.source.id, table, f"job {result} not finished after {self.max_polls} polls")
        form = {"name": result, "area": "user", "compress": "false", "format": "ffcsv", "language": self.language}
        return self._payload(table, form, self._post("data/resultfile", form, table), updated)
