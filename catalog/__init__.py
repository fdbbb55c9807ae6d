"""The catalog: regions, source tables, indicators, sources and value markers, declared once in YAML.

Code reads the catalog; it never hard-codes an indicator, a region or a table. `load_catalog()`
checks every file on load and raises `CatalogError` with the file and entry at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_DIR = Path(__file__).parent

TOPICS = ("demography", "economy", "social", "labour_market", "skilled_labour")
PUBLISHED_LEVELS = ("country", "state", "regbez", "kreis")
AGGREGATE_LEVELS = ("partner", "aa_district", "regionalverband")
FREQUENCIES = ("A", "Q", "M")


class CatalogError(ValueError):
    """A catalog file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Region:
    code: str
    name_de: str
    name_en: str
    level: str
    nuts: str | None = None
    parent: str | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str
    provider: str
    name: str
    base_url: str
    licence: str
    licence_url: str
    citation: str
    credentials_env: dict[str, str] = field(default_factory=dict)
    enabled: bool = True


@dataclass(frozen=True)
class SourceTable:
    id: str
    source: str
    title_de: str
    freq: str
    start_year: int
    verified: bool
    note: str = ""
    levels: tuple[str, ...] = ()  # the region levels the provider publishes the table for; empty: all

    def publishes(self, level: str) -> bool:
        return not self.levels or level in self.levels


@dataclass(frozen=True)
class Aggregation:
    """How Kreis figures combine into a larger region: a sum, or a ratio recomputed from two indicators."""

    method: str  # "sum" | "ratio" | "none"
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0


@dataclass(frozen=True)
class Indicator:
    id: str
    label_de: str
    label_en: str
    definition: str
    unit: str
    topic: str
    table: str
    content: str | None
    source_unit: str
    filters: dict[str, str]
    aggregation: Aggregation
    verified: bool


@dataclass(frozen=True)
class Status:
    marker: str
    status: str
    suppressed: bool
    label_de: str
    label_en: str
    provider: str = "genesis"  # whose sign it is: the same sign can differ ("e": final in GENESIS, estimated at Eurostat)


@dataclass(frozen=True)
class Catalog:
    regions: dict[str, Region]
    sources: dict[str, Source]
    tables: dict[str, SourceTable]
    indicators: dict[str, Indicator]
    statuses: dict[str, Status]  # the statistical offices' (GENESIS) markers
    flags: dict[str, dict[str, Status]] = field(default_factory=dict)  # other providers' markers: provider -> marker -> status

    def markers(self, provider: str) -> dict[str, Status]:
        """The value markers of one provider (catalog/statuses.yaml), keyed by the sign it writes."""
        return self.statuses if provider == "genesis" else self.flags.get(provider, {})

    def all_statuses(self) -> list[Status]:
        return [*self.statuses.values(), *(s for markers in self.flags.values() for s in markers.values())]

    def indicators_for(self, table_id: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.table == table_id]

    def tables_for(self, source_id: str) -> list[SourceTable]:
        return [t for t in self.tables.values() if t.source == source_id]

    def region_scope(self) -> tuple[str, ...]:
        """AGS prefixes the catalog covers completely: the codes of its states (e.g. ``08``)."""
        return tuple(r.code for r in self.regions.values() if r.level == "state")

    def kreise(self) -> list[Region]:
        return [r for r in self.regions.values() if r.level == "kreis"]


def _read(path: Path, key: str) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise CatalogError(f"{path.name}: expected a top-level list '{key}:'")
    return data[key]


def _build(cls: type, entry: dict[str, Any], where: str, **convert: Any) -> Any:
    fields = cls.__dataclass_fields__
    unknown = set(entry) - set(fields)
    if unknown:
        raise CatalogError(f"{where}: unknown keys {sorted(unknown)}")
    values = dict(entry) | convert
    missing = [
        name
        for name, f in fields.items()
        if name not in values and f.default is f.default_factory  # both MISSING: a required field
    ]
    if missing:
        raise CatalogError(f"{where}: missing keys {missing}")
    return cls(**values)


def _unique(items: list[Any], what: str, key: str = "id") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        k = getattr(item, key)
        if k in out:
            raise CatalogError(f"{what}: duplicate {key} {k!r}")
        out[k] = item
    return out


def _aggregation(raw: Any, where: str) -> Aggregation:
    if raw in ("sum", "none"):
        return Aggregation(raw)
    if isinstance(raw, dict) and set(raw) <= {"numerator", "denominator", "scale"}:
        if not raw.get("numerator") or not raw.get("denominator"):
            raise CatalogError(f"{where}: a ratio aggregation needs numerator and denominator")
        return Aggregation("ratio", raw["numerator"], raw["denominator"], float(raw.get("scale", 1)))
    raise CatalogError(f"{where}: aggregation must be 'sum', 'none' or {{numerator, denominator, scale}}, got {raw!r}")


def _check_regions(regions: dict[str, Region]) -> None:
    for r in regions.values():
        where = f"regions.yaml: region {r.code!r}"
        if r.level not in PUBLISHED_LEVELS + AGGREGATE_LEVELS:
            raise CatalogError(f"{where}: unknown level {r.level!r}")
        if r.parent is not None and r.parent not in regions:
            raise CatalogError(f"{where}: parent {r.parent!r} is not in the catalog")
        if r.level in AGGREGATE_LEVELS:
            if not r.members:
                raise CatalogError(f"{where}: an aggregate region needs members")
            bad = [m for m in r.members if m not in regions or regions[m].level != "kreis"]
            if bad:
                raise CatalogError(f"{where}: members {bad} are not Kreise of the catalog")
        elif r.members:
            raise CatalogError(f"{where}: only aggregate levels {AGGREGATE_LEVELS} have members")
        if r.level == "kreis" and len(r.code) != 5:
            raise CatalogError(f"{where}: a Kreis code is a 5-digit AGS")


def _check_indicators(cat: Catalog) -> None:
    for i in cat.indicators.values():
        where = f"indicators.yaml: indicator {i.id!r}"
        if i.topic not in TOPICS:
            raise CatalogError(f"{where}: topic {i.topic!r} is not one of {TOPICS}")
        if i.table not in cat.tables:
            raise CatalogError(f"{where}: table {i.table!r} is not declared under tables:")
        agg = i.aggregation
        if agg.method == "ratio":
            for ref in (agg.numerator, agg.denominator):
                if ref not in cat.indicators:
                    raise CatalogError(f"{where}: aggregation refers to unknown indicator {ref!r}")
    for t in cat.tables.values():
        where = f"indicators.yaml: table {t.id!r}"
        if t.source not in cat.sources:
            raise CatalogError(f"{where}: source {t.source!r} is not in sources.yaml")
        if t.freq not in FREQUENCIES:
            raise CatalogError(f"{where}: freq {t.freq!r} is not one of {FREQUENCIES}")
        if set(t.levels) - set(PUBLISHED_LEVELS):
            raise CatalogError(f"{where}: levels {list(t.levels)} must be among {PUBLISHED_LEVELS}")


def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    """Read and check the catalog files in `directory`."""
    regions = _unique(
        [
            _build(Region, e, f"regions.yaml: entry {n}", members=tuple(e.get("members", ())))
            for n, e in enumerate(_read(directory / "regions.yaml", "regions"), 1)
        ],
        "regions.yaml",
        key="code",
    )
    _check_regions(regions)
    sources = _unique(
        [_build(Source, e, f"sources.yaml: entry {n}") for n, e in enumerate(_read(directory / "sources.yaml", "sources"), 1)],
        "sources.yaml",
    )
    ind_path = directory / "indicators.yaml"
    tables = _unique(
        [
            _build(SourceTable, e, f"indicators.yaml: table {n}", levels=tuple(e.get("levels", ())))
            for n, e in enumerate(_read(ind_path, "tables"), 1)
        ],
        "indicators.yaml tables",
    )
    indicators = _unique(
        [
            _build(
                Indicator,
                e,
                f"indicators.yaml: indicator {e.get('id', n)!r}",
                filters={str(k): ("" if v is None else str(v)) for k, v in (e.get("filters") or {}).items()},
                aggregation=_aggregation(e.get("aggregation"), f"indicators.yaml: indicator {e.get('id', n)!r}"),
            )
            for n, e in enumerate(_read(ind_path, "indicators"), 1)
        ],
        "indicators.yaml indicators",
    )
    every_status = [_build(Status, e, f"statuses.yaml: entry {n}") for n, e in enumerate(_read(directory / "statuses.yaml", "statuses"), 1)]
    by_provider = {
        p: _unique([s for s in every_status if s.provider == p], f"statuses.yaml ({p})", key="marker")
        for p in dict.fromkeys(s.provider for s in every_status)
    }
    statuses = by_provider.pop("genesis", {})
    cat = Catalog(regions, sources, tables, indicators, statuses, by_provider)
    _check_indicators(cat)
    return cat


@cache
def default_catalog() -> Catalog:
    return load_catalog()
