"""The catalog: regions, source tables, indicators, sources and value markers, declared once in YAML.

Code reads the catalog; it never hard-codes an indicator, a region or a table. `load_catalog()`
checks every file on load and raises `CatalogError` with the file and entry at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import yaml

CATALOG_DIR = Path(__file__).parent

TOPICS = ("demography", "economy", "social", "labour_market", "skilled_labour")
PUBLISHED_LEVELS = ("country", "state", "regbez", "kreis")
AGGREGATE_LEVELS = ("partner", "aa_district", "regionalverband")
# Levels whose figure can be summed from member Kreise when the provider publishes none.
SUMMABLE_LEVELS = ("regbez", "state", *AGGREGATE_LEVELS)
FORMULA_KINDS = ("ratio", "difference", "sum", "change_pct")
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
    # A table read whole (a partner file, forecasts included) declares the last year it may hold; GX then
    # checks its rows against start_year..end_year instead of the request's years.
    end_year: int | None = None
    # Regions every batch must contain; default: the Kreise the request selects.
    regions: tuple[str, ...] = ()
    # The region levels the provider publishes the table for; empty: all published levels. An aggregate level
    # (aa_district) for a table published for such regions only (BIBB's Ausbildungsmarkt per agency district).
    levels: tuple[str, ...] = ()
    # A provider that answers for one region per request (the BA API): region level -> the query parameter
    # that takes the region's name.
    region_parameters: dict[str, str] = field(default_factory=dict)

    def publishes(self, level: str) -> bool:
        return not self.levels or level in self.levels


@dataclass(frozen=True)
class Aggregation:
    """How Kreis figures combine into a larger region: a sum, or a ratio recomputed from two indicators."""

    method: str  # "sum" | "ratio" | "none" | "formula" (derived indicators: the formula on aggregated operands)
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0

    def inputs(self) -> tuple[str, ...]:
        return tuple(x for x in (self.numerator, self.denominator) if x)


@dataclass(frozen=True)
class Formula:
    """How a derived indicator is computed from other indicators of the same region.

    ratio: operands[0] / operands[1] × scale; difference: operands[0] − the others; sum: all operands
    added; change_pct: (operands[0] now / `periods` periods earlier − 1) × 100. Operands of different
    annual indicators are matched by year (e.g. employees at 30.06. per inhabitants at 31.12.).
    """

    kind: str
    operands: tuple[str, ...]
    scale: float = 1.0
    periods: int = 0

    def text(self) -> str:
        o = self.operands
        if self.kind == "ratio":
            return f"{o[0]} / {o[1]} × {self.scale:g}"
        if self.kind == "change_pct":
            return f"({o[0]} / {o[0]} {self.periods} period(s) earlier − 1) × 100"
        return (" − " if self.kind == "difference" else " + ").join(o)


@dataclass(frozen=True)
class Described:
    """What every indicator has, drawn from a provider table or derived."""

    id: str
    label_de: str
    label_en: str
    definition: str
    unit: str
    topic: str


@dataclass(frozen=True)
class Indicator(Described):
    table: str
    content: str | None
    source_unit: str
    filters: dict[str, str]
    aggregation: Aggregation
    verified: bool
    signed: bool = False  # a balance that can be negative (a shortage; negative = surplus), not a count


@dataclass(frozen=True)
class DerivedIndicator(Described):
    """An indicator computed for every region from other indicators (catalog: indicators.yaml `derived:`)."""

    formula: Formula
    aggregation: Aggregation  # "formula" (default) or "sum" (summed from the provider regions' values)


@dataclass(frozen=True)
class Status:
    marker: str | None
    status: str
    suppressed: bool
    label_de: str
    label_en: str
    carried: bool = False  # a figure computed from one with this status carries it (e.g. provisional)
    provider: str = "genesis"  # whose sign it is: the same sign can differ ("e": final in GENESIS, estimated at Eurostat)


@dataclass(frozen=True)
class Catalog:
    regions: dict[str, Region]
    sources: dict[str, Source]
    tables: dict[str, SourceTable]
    indicators: dict[str, Indicator]
    statuses: dict[str, Status]  # the statistical offices' (GENESIS) markers
    flags: dict[str, dict[str, Status]] = field(default_factory=dict)  # other providers' markers: provider -> marker -> status
    derived: dict[str, DerivedIndicator] = field(default_factory=dict)
    computed_statuses: dict[str, Status] = field(default_factory=dict)  # statuses without a provider marker

    def markers(self, provider: str) -> dict[str, Status]:
        """The value markers of one provider (catalog/statuses.yaml), keyed by the sign it writes."""
        return self.statuses if provider == "genesis" else self.flags.get(provider, {})

    def all_statuses(self) -> list[Status]:
        return [*self.statuses.values(), *(s for markers in self.flags.values() for s in markers.values())]

    def carried_statuses(self) -> list[str]:
        """Statuses a computed figure takes over from its inputs, strongest first."""
        return list(dict.fromkeys(s.status for s in self.all_statuses() if s.carried))

    def indicators_for(self, table_id: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.table == table_id]

    def tables_for(self, source_id: str) -> list[SourceTable]:
        return [t for t in self.tables.values() if t.source == source_id]

    def region_scope(self) -> tuple[str, ...]:
        """AGS prefixes the catalog covers completely: the codes of its states (e.g. ``08``)."""
        return tuple(r.code for r in self.regions.values() if r.level == "state")

    def kreise(self) -> list[Region]:
        return [r for r in self.regions.values() if r.level == "kreis"]

    def members(self, code: str) -> tuple[str, ...]:
        """The Kreise whose figures add up to region `code`: an aggregate's members, or the Kreise
        below a Regierungsbezirk or state. Empty for Kreise and for Germany (not covered whole)."""
        region = self.regions[code]
        if region.level in AGGREGATE_LEVELS:
            return region.members
        if region.level not in SUMMABLE_LEVELS:
            return ()

        def below(r: Region) -> bool:
            while r.parent is not None:
                if r.parent == code:
                    return True
                r = self.regions[r.parent]
            return False

        return tuple(k.code for k in self.kreise() if below(k))

    def all_indicators(self) -> dict[str, Indicator | DerivedIndicator]:
        return {**self.indicators, **self.derived}

    def derivation_order(self) -> list[str]:
        """Derived indicators so that every one comes after the derived indicators its formula uses."""
        graph = {d.id: [o for o in d.formula.operands if o in self.derived] for d in self.derived.values()}
        return list(TopologicalSorter(graph).static_order())

    def aggregation_order(self) -> list[str]:
        """All aggregated indicators so that a ratio or formula comes after the indicators it needs."""
        def needs(i: Indicator | DerivedIndicator) -> tuple[str, ...]:
            if i.aggregation.method == "ratio":
                return i.aggregation.inputs()
            return i.formula.operands if i.aggregation.method == "formula" else ()

        aggregated = {k: i for k, i in self.all_indicators().items() if i.aggregation.method != "none"}
        return list(TopologicalSorter({k: [n for n in needs(i) if n in aggregated] for k, i in aggregated.items()}).static_order())


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
    if raw in ("sum", "none", "formula"):
        return Aggregation(raw)
    if isinstance(raw, dict) and set(raw) <= {"numerator", "denominator", "scale"}:
        if not raw.get("numerator") or not raw.get("denominator"):
            raise CatalogError(f"{where}: a ratio aggregation needs numerator and denominator")
        return Aggregation("ratio", raw["numerator"], raw["denominator"], float(raw.get("scale", 1)))
    raise CatalogError(f"{where}: aggregation must be 'sum', 'none', 'formula' or {{numerator, denominator, scale}}, got {raw!r}")


def _formula(raw: Any, where: str) -> Formula:
    """`{ratio: [a, b], scale: 100}`, `{difference: [a, b, ...]}`, `{sum: [a, b, ...]}`, `{change_pct: a, periods: 5}`."""
    kinds = [k for k in FORMULA_KINDS if isinstance(raw, dict) and k in raw]
    if len(kinds) != 1 or set(raw) - {kinds[0], "scale", "periods"}:
        raise CatalogError(f"{where}: formula must name one of {FORMULA_KINDS} (plus scale or periods), got {raw!r}")
    kind = kinds[0]
    operands = (raw[kind],) if isinstance(raw[kind], str) else tuple(raw[kind] or ())
    wanted = {"ratio": 2, "change_pct": 1}.get(kind)
    if (wanted and len(operands) != wanted) or len(operands) < (wanted or 2) or not all(isinstance(o, str) for o in operands):
        raise CatalogError(f"{where}: a {kind} formula needs {wanted or 'two or more'} indicator ids, got {raw[kind]!r}")
    periods = int(raw.get("periods", 0))
    if (kind == "change_pct") != (periods > 0):
        raise CatalogError(f"{where}: `periods` (a positive number) belongs to change_pct formulas only")
    return Formula(kind, operands, float(raw.get("scale", 1)), periods)


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
        if i.aggregation.method == "formula":
            raise CatalogError(f"{where}: aggregation 'formula' is for derived indicators")
    known = cat.all_indicators()
    for i in known.values():
        where = f"indicators.yaml: indicator {i.id!r}"
        for ref in i.aggregation.inputs() + (i.formula.operands if isinstance(i, DerivedIndicator) else ()):
            if ref not in known:
                raise CatalogError(f"{where}: refers to unknown indicator {ref!r}")
    for d in cat.derived.values():
        where = f"indicators.yaml: derived indicator {d.id!r}"
        if d.id in cat.indicators:
            raise CatalogError(f"{where}: id is also a provider indicator")
        if d.topic not in TOPICS:
            raise CatalogError(f"{where}: topic {d.topic!r} is not one of {TOPICS}")
        if d.aggregation.method not in ("formula", "sum"):
            raise CatalogError(f"{where}: aggregation must be 'formula' (default) or 'sum'")
    try:
        cat.derivation_order()
        cat.aggregation_order()
    except CycleError as exc:
        raise CatalogError(f"indicators.yaml: indicators depend on each other in a circle: {exc.args[1]}") from exc
    for t in cat.tables.values():
        where = f"indicators.yaml: table {t.id!r}"
        if t.source not in cat.sources:
            raise CatalogError(f"{where}: source {t.source!r} is not in sources.yaml")
        if t.freq not in FREQUENCIES:
            raise CatalogError(f"{where}: freq {t.freq!r} is not one of {FREQUENCIES}")
        if set(t.levels) - set(PUBLISHED_LEVELS + AGGREGATE_LEVELS):
            raise CatalogError(f"{where}: levels {list(t.levels)} must be among {PUBLISHED_LEVELS + AGGREGATE_LEVELS}")
        if set(t.region_parameters) - set(t.levels or PUBLISHED_LEVELS):
            raise CatalogError(f"{where}: region_parameters {sorted(t.region_parameters)} name levels the table is not published for")
        if t.end_year is not None and t.end_year < t.start_year:
            raise CatalogError(f"{where}: end_year {t.end_year} before start_year {t.start_year}")
        unknown = [r for r in t.regions if r not in cat.regions]
        if unknown:
            raise CatalogError(f"{where}: regions {unknown} are not in regions.yaml")


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
            _build(SourceTable, e, f"indicators.yaml: table {n}", levels=tuple(e.get("levels", ())),
                   regions=tuple(e.get("regions", ())))
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
    derived = _unique(
        [
            _build(
                DerivedIndicator,
                e,
                f"indicators.yaml: derived indicator {e.get('id', n)!r}",
                formula=_formula(e.get("formula"), f"indicators.yaml: derived indicator {e.get('id', n)!r}"),
                aggregation=_aggregation(e.get("aggregation", "formula"), f"indicators.yaml: derived indicator {e.get('id', n)!r}"),
            )
            for n, e in enumerate(_read(ind_path, "derived"), 1)
        ],
        "indicators.yaml derived",
    )
    status_path = directory / "statuses.yaml"
    every_status = [_build(Status, e, f"statuses.yaml: entry {n}") for n, e in enumerate(_read(status_path, "statuses"), 1)]
    by_provider = {
        p: _unique([s for s in every_status if s.provider == p], f"statuses.yaml ({p})", key="marker")
        for p in dict.fromkeys(s.provider for s in every_status)
    }
    statuses = by_provider.pop("genesis", {})
    computed = _unique(
        [_build(Status, {"marker": None, "provider": "labour-monitor"} | e, f"statuses.yaml: computed {n}")
         for n, e in enumerate(_read(status_path, "computed"), 1)],
        "statuses.yaml computed",
        key="status",
    )
    cat = Catalog(regions, sources, tables, indicators, statuses, flags=by_provider, derived=derived, computed_statuses=computed)
    _check_indicators(cat)
    return cat


@cache
def default_catalog() -> Catalog:
    return load_catalog()
