"""`requests.yaml` beside the recordings: the requests they answer, per source, as typed entries.

Offline runs plan exactly these (pipelines/flows.py `plan`); `labour-monitor record` writes them. An unknown
key, a year range that is not [first, last], a region parameter that is not text, or a source or table the
catalog does not declare (or a table listed under another source) is an error naming the file, the entry
and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from catalog import Catalog, default_catalog
from catalog.consistency import Reference, check_references
from catalog.reading import entries, read_yaml
from sources.contract import TableRequest

Year = Annotated[int, Field(ge=1900, le=2100)]


class RecordedRequest(BaseModel):
    """One request under its source: the table, the years [first, last] and the provider's regional selection."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str
    years: tuple[Year, Year]
    regionalvariable: str | None = None  # GENESIS: the regional variable (KREISE, DLAND, ...)
    regionalkey: str | None = None  # GENESIS: AGS codes, comma-separated
    geo: str | None = None  # Eurostat: NUTS codes, comma-separated
    regions: str | None = None  # BA: catalog region codes, comma-separated

    @model_validator(mode="after")
    def _ordered(self) -> RecordedRequest:
        if self.years[0] > self.years[1]:
            raise ValueError(f"years {list(self.years)}: the first year is after the last")
        return self

    def request(self, source_id: str) -> TableRequest:
        selection = tuple((k, v) for k in ("regionalvariable", "regionalkey", "geo", "regions") if (v := getattr(self, k)))
        return TableRequest(source_id, self.table, *self.years, selection)


def read_requests(path: Path, catalog: Catalog | None = None) -> list[TableRequest]:
    """The requests recordings answer; none when there is no file."""
    if not path.exists():
        return []
    catalog = catalog or default_catalog()
    doc = read_yaml(path, [], optional=list(catalog.sources))
    out: list[TableRequest] = []
    references: list[Reference] = []
    for source_id, raw in doc.items():
        for n, entry in enumerate(entries(RecordedRequest, raw, path.name, f"{source_id} request", key="table"), 1):
            where = f"{path.name}: {source_id} request {n} ({entry.table})"
            references.append(Reference(where, "table", entry.table, of_source=source_id))
            out.append(entry.request(source_id))
    check_references(catalog, references)
    return out


def write_requests(path: Path, requests: list[TableRequest], comment: str) -> None:
    doc: dict[str, list[dict]] = {}
    for r in requests:
        doc.setdefault(r.source_id, []).append({"table": r.table_id, "years": [r.first_year, r.last_year]} | r.region_params)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {comment}\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
