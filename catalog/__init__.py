"""The catalog: regions, source tables, indicators, sources and value markers, declared once in YAML.

Code reads the catalog; it never hard-codes an indicator, a region or a table. `load_catalog()` reads
every file into the typed models of catalog/models.py (an unknown key, a wrong type or word is an error
naming the file, the entry and the field), then checks the references across the files
(catalog/consistency.py), and raises `CatalogError` with the file and entry at fault.

A live run can take a source's `base_url` from the environment variable `base_url_variable(id)`
(`LABOUR_MONITOR_BASE_URL_REGIONALSTATISTIK`; pipelines/providers.py): tests point the processes they
start at a loopback address with it, so that nothing they run can reach a provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path

from catalog.consistency import check_catalog
from catalog.models import (
    AGGREGATE_LEVELS,
    PUBLISHED_LEVELS,
    SUMMABLE_LEVELS,
    Aggregation,
    ComputedStatus,
    DerivedIndicator,
    Formula,
    Indicator,
    Region,
    Scope,
    Source,
    SourceTable,
    Status,
    Unit,
)
from catalog.reading import CatalogError, entries, read_yaml, unique

__all__ = [
    "AGGREGATE_LEVELS", "CATALOG_DIR", "PUBLISHED_LEVELS", "SUMMABLE_LEVELS", "Aggregation", "Catalog", "CatalogError",
    "DerivedIndicator", "Formula", "Indicator", "Region", "Scope", "Source", "SourceTable", "Status", "Unit", "base_url_variable",
    "default_catalog", "load_catalog",
]

CATALOG_DIR = Path(__file__).parent


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
    scope: Scope = Scope(states=("08",))  # the states covered completely (regions.yaml `scope:`)
    units: dict[str, Unit] = field(default_factory=dict)  # how the figures of each unit are read (indicators.yaml `units:`)

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
        """AGS prefixes the warehouse covers completely: the codes of the scope's states (e.g. ``08``)."""
        return self.scope.states

    def kreise(self) -> list[Region]:
        return [r for r in self.regions.values() if r.level == "kreis"]

    def in_scope(self, code: str) -> bool:
        """Whether a provider-published region (Germany, a state, a Regierungsbezirk, a Kreis) lies in the scope."""
        return self.regions[code].level == "country" or code.startswith(self.scope.states)

    def kreise_in_scope(self) -> list[Region]:
        """The Kreise every answer for a whole table must hold: those of the scope's states."""
        return [k for k in self.kreise() if self.in_scope(k.code)]

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

    def freq_of(self, indicator_id: str) -> str:
        """A, Q or M: the frequency of the indicator's table (a derived indicator: of its first operand's)."""
        ind = self.all_indicators()[indicator_id]
        return self.freq_of(ind.formula.operands[0]) if isinstance(ind, DerivedIndicator) else self.tables[ind.table].freq

    def _published_levels(self, indicator_id: str) -> frozenset[str]:
        """The levels the provider publishes figures of the indicator at: its table's `levels`, else the levels of the
        table's `regions`, else every published level; a derived indicator where all its operands are published."""
        ind = self.all_indicators()[indicator_id]
        if isinstance(ind, DerivedIndicator):
            return frozenset.intersection(*(self._published_levels(o) for o in ind.formula.operands))
        table = self.tables[ind.table]
        return frozenset(table.levels or {self.regions[r].level for r in table.regions} or PUBLISHED_LEVELS)

    def levels_of(self, indicator_id: str) -> frozenset[str]:
        """The region levels the warehouse can hold figures of the indicator at (transforms/derive.py): where it is
        published, and at the levels summed from Kreise where its aggregation computes it there: `sum` of Kreis figures,
        a `ratio` or `formula` of inputs it has there. Empty of aggregate levels for `none` and `unavailable` (NULL,
        status no_matching_count)."""
        ind = self.all_indicators()[indicator_id]
        published = self._published_levels(indicator_id)
        method = ind.aggregation.method
        if method == "sum":
            aggregated = frozenset(SUMMABLE_LEVELS) if "kreis" in published else frozenset()
        elif method in ("ratio", "formula"):
            inputs = ind.aggregation.inputs() if method == "ratio" else ind.formula.operands
            aggregated = frozenset.intersection(*(self.levels_of(i) for i in inputs)) & frozenset(SUMMABLE_LEVELS)
        else:
            aggregated = frozenset()
        return published | aggregated

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


def base_url_variable(source_id: str) -> str:
    """The environment variable that replaces a source's base_url (e.g. a loopback address in tests)."""
    return "LABOUR_MONITOR_BASE_URL_" + source_id.upper().replace("-", "_")


def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    """Read and check the catalog files in `directory`."""
    doc = read_yaml(directory / "regions.yaml", ["scope", "regions"])
    regions = unique(entries(Region, doc["regions"], "regions.yaml", "region", key="code"), "regions.yaml", key="code")
    (scope,) = entries(Scope, [doc["scope"]], "regions.yaml", "scope", key="states")
    sources = unique(entries(Source, read_yaml(directory / "sources.yaml", ["sources"])["sources"], "sources.yaml", "source"),
                     "sources.yaml")
    doc = read_yaml(directory / "indicators.yaml", ["units", "tables", "indicators", "derived"])
    units = unique(entries(Unit, doc["units"], "indicators.yaml", "unit", key="unit"), "indicators.yaml units", key="unit")
    tables = unique(entries(SourceTable, doc["tables"], "indicators.yaml", "table"), "indicators.yaml tables")
    indicators = unique(entries(Indicator, doc["indicators"], "indicators.yaml", "indicator"), "indicators.yaml indicators")
    derived = unique(entries(DerivedIndicator, doc["derived"], "indicators.yaml", "derived indicator"), "indicators.yaml derived")
    doc = read_yaml(directory / "statuses.yaml", ["statuses", "computed"])
    every_status = entries(Status, doc["statuses"], "statuses.yaml", "status", key="marker")
    by_provider = {
        p: unique([s for s in every_status if s.provider == p], f"statuses.yaml ({p})", key="marker")
        for p in dict.fromkeys(s.provider for s in every_status)
    }
    computed = unique(entries(ComputedStatus, doc["computed"], "statuses.yaml", "computed status", key="status"),
                      "statuses.yaml computed", key="status")
    cat = Catalog(regions, sources, tables, indicators,
                  by_provider.pop("genesis", {}), flags=by_provider, derived=derived, computed_statuses=dict(computed), scope=scope,
                  units=units)
    check_catalog(cat)
    return cat


@cache
def default_catalog() -> Catalog:
    return load_catalog()
