"""Fetching partner files: from a drop folder (read directly) or a URL (over httpx, so record and replay work)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any, Protocol

import httpx

from catalog import Source, SourceTable
from sources.base import HttpClient
from sources.blob import InMemory
from sources.contract import RawPayload, Upstream
from sources.errors import NoData, ProviderError

DROP_FOLDER_ENV = "LABOUR_MONITOR_PARTNER_FILES"
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Located(Protocol):
    """Where the file of a table is found: a glob in the drop folder (every match a batch of its own with `each_file`),
    or a `url` (a file kind of catalog/partner_files.yaml, a register of catalog/registers.yaml)."""

    @property
    def id(self) -> str: ...
    @property
    def file(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def each_file(self) -> bool: ...


def no_drop_folder(source: Source) -> str:
    """The line a live run says when the drop folder of a source's files is not configured."""
    return (f"source {source.id}: not fetched, no drop folder: set {DROP_FOLDER_ENV} to the folder whose "
            f"subfolder {source.id}/ holds the partner's files")


class FilesClient(HttpClient):
    """Fetches the files of one partner source as raw payloads.

    `kinds`: where each table's file is found. `folder`: the partner's drop folder (None: not configured). `keep_in`:
    record mode, where a copy of each file read from the folder is kept for replay.
    """

    def __init__(self, source: Source, kinds: dict[str, Located], folder: Path | None, http: httpx.Client, *args: Any,
                 keep_in: Path | None = None, **kwargs: Any) -> None:
        super().__init__(source, http, *args, **kwargs)
        self.kinds, self.folder, self.keep_in = kinds, folder, keep_in

    def fetch(self, table: SourceTable, startyear: int, endyear: int, regions: dict[str, str] | None = None,
              upstream: Upstream | None = None) -> Iterator[RawPayload]:
        """Yield the kind's file (with `each_file`: every matching file). A file is read whole: the years select nothing (GX checks its rows against
        the table's declared years), and there is no regional selection. `upstream` is not asked: a file is always read,
        and the hash of its data decides whether it is parsed."""
        if any((regions or {}).values()):
            raise ValueError(f"source {self.source.id}, table {table.id}: a partner file has no regional selection, got {regions}")
        kind = self.kinds[table.id]
        if kind.url:
            yield self._download(kind)
        else:
            yield from self._read(kind)

    def _read(self, kind: Located) -> list[RawPayload]:
        """The kind's file in the drop folder; a kind with `each_file` reads every matching file, each a payload
        of its own (its request names the file, so each file is a batch and is skipped while unchanged)."""
        src = self.source.id
        if self.folder is None:
            raise ProviderError(src, kind.id, f"no drop folder configured: set {DROP_FOLDER_ENV} (files are read from its subfolder {src}/)")
        if not self.folder.is_dir():
            raise NoData(src, kind.id, f"drop folder {self.folder} does not exist")
        found = sorted(p for p in self.folder.glob(kind.file or "") if p.is_file() and p.suffix.lower() in CONTENT_TYPES)
        if not found:
            raise NoData(src, kind.id, f"no .csv or .xlsx file matching {kind.file!r} in {self.folder}")
        if len(found) > 1 and not kind.each_file:
            raise ProviderError(src, kind.id, f"{len(found)} files match {kind.file!r} in {self.folder}: {[p.name for p in found]}; "
                                "keep one per kind (the newest release, or the corrected file)")
        if self.keep_in is not None and self.keep_in.resolve() != self.folder.resolve():
            self.keep_in.mkdir(parents=True, exist_ok=True)
            for old in self.keep_in.glob(kind.file or ""):
                old.unlink()
            for path in found:
                shutil.copyfile(path, self.keep_in / path.name)
        return [self._payload(kind, path) for path in found]

    def _payload(self, kind: Located, path: Path) -> RawPayload:
        data = InMemory(path.read_bytes())  # a small file, held as read: a partner may replace it in the drop folder
        return RawPayload(
            source_id=self.source.id, table_id=kind.id, url=path.resolve().as_uri(),
            request={"file": path.name} if kind.each_file else {}, body=data, data=data,
            content_type=CONTENT_TYPES[path.suffix.lower()], fetched_at=datetime.now(UTC),
            last_modified=formatdate(path.stat().st_mtime, usegmt=True),
        )

    def _download(self, kind: Located) -> RawPayload:
        url = kind.url or ""
        response = self.send(self.http.build_request("GET", url), kind.id)
        asked = f" for {url}"
        self.refuse_redirect(response, kind.id, asked, fix="set the new address in catalog/partner_files.yaml (redirects are not followed)")
        self.refuse_error_status(response, kind.id, asked, f"no file at {url}")
        self.refuse_html(response, kind.id, asked, instead="a CSV or XLSX file (a login or error page?)")
        return self.payload(kind.id, url, {}, response.content, [response])
