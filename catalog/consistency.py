"""The checks across files: every reference of one declarative file resolves in the catalog.

One place for them all: a region's parent and members, a table's source and regions, an indicator's
table and the indicators it is computed from (without circles), and what the other declarative files
name (the file kinds' tables, indicators, regions and markers; the validation rules' tables and
indicators; the recordings' sources and tables), given as `Reference`s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from graphlib import CycleError
from typing import TYPE_CHECKING, Literal

from catalog.models import MONTHS
from catalog.reading import CatalogError

if TYPE_CHECKING:
    from catalog import Catalog
    from catalog.partner_files import KindEntry
    from catalog.registers import Register

Kind = Literal["region", "source", "table", "indicator", "suppressing status"]


@dataclass(frozen=True)
class Reference:
    """`where` (file, entry and field) names the catalog `kind` entry `id` (a table: of source `of_source`)."""

    where: str
    kind: Kind
    id: str
    of_source: str | None = None


def check_catalog(cat: Catalog) -> None:
    """Every reference inside the catalog's own files resolves; derived indicators form no circle."""
    for r in cat.regions.values():
        where = f"regions.yaml: region {r.code!r}"
        if r.parent is not None and r.parent not in cat.regions:
            raise CatalogError(f"{where}: parent {r.parent!r} is not in the catalog")
        bad = [m for m in r.members if m not in cat.regions or cat.regions[m].level != "kreis"]
        if bad:
            raise CatalogError(f"{where}: members {bad} are not Kreise of the catalog")
    bad = [s for s in cat.scope.states if s not in cat.regions or cat.regions[s].level != "state"]
    if bad:
        raise CatalogError(f"regions.yaml: scope: states {bad} are not states of the catalog")
    for t in cat.tables.values():
        where = f"indicators.yaml: table {t.id!r}"
        if t.source not in cat.sources:
            raise CatalogError(f"{where}: source {t.source!r} is not in sources.yaml")
        unknown = [r for r in t.regions if r not in cat.regions]
        if unknown:
            raise CatalogError(f"{where}: regions {unknown} are not in regions.yaml")
        if cat.sources[t.source].provider == "genesis" and not t.confirmed_from:
            raise CatalogError(f"{where}: a GENESIS table says what it was confirmed from (confirmed_from)")
    for i in cat.indicators.values():
        if i.table not in cat.tables:
            raise CatalogError(f"indicators.yaml: indicator {i.id!r}: table {i.table!r} is not declared under tables:")
        if i.aggregation.method == "unavailable" and i.aggregation.status not in cat.computed_statuses:
            raise CatalogError(f"indicators.yaml: indicator {i.id!r}: aggregation status {i.aggregation.status!r} "
                               "is not a computed status of statuses.yaml")
    for d in cat.derived.values():
        if d.id in cat.indicators:
            raise CatalogError(f"indicators.yaml: derived indicator {d.id!r}: id is also a provider indicator")
    known = cat.all_indicators()
    undeclared = sorted({i.unit for i in known.values()} - set(cat.units))
    if undeclared:
        raise CatalogError(f"indicators.yaml: units {undeclared} of indicators are not declared under units:")
    for i in known.values():
        operands = getattr(getattr(i, "formula", None), "operands", ())
        for ref in i.aggregation.inputs() + operands:
            if ref not in known:
                raise CatalogError(f"indicators.yaml: indicator {i.id!r}: refers to unknown indicator {ref!r}")
    try:
        cat.derivation_order()
        cat.aggregation_order()
    except CycleError as exc:
        raise CatalogError(f"indicators.yaml: indicators depend on each other in a circle: {exc.args[1]}") from exc


def check_references(cat: Catalog, references: Iterable[Reference]) -> None:
    """Every reference of another declarative file names an entry of the catalog; the first that does not is an error."""
    by_status = {s.status: s for s in cat.statuses.values()}
    known = {
        "region": cat.regions,
        "source": cat.sources,
        "table": cat.tables,
        "indicator": cat.all_indicators(),
        "suppressing status": {k: s for k, s in by_status.items() if s.suppressed},
    }
    for ref in references:
        if ref.id not in known[ref.kind]:
            raise CatalogError(f"{ref.where}: {ref.kind} {ref.id!r} is not in the catalog")
        if ref.of_source is not None and cat.tables[ref.id].source != ref.of_source:
            raise CatalogError(f"{ref.where}: table {ref.id!r} is a table of source {cat.tables[ref.id].source!r}, not of {ref.of_source!r}")


def check_file_kinds(cat: Catalog, file: str, kinds: dict[str, KindEntry]) -> None:
    """Each kind is a table of a `files` source, maps to that table's indicators, to catalog regions and to
    suppressing statuses, and reads a period its table's frequency can hold; every such table has a kind."""
    suppressing = {s.status for s in cat.statuses.values() if s.suppressed}
    for kind in kinds.values():
        where = f"{file}: kind {kind.id!r}"
        table = cat.tables.get(kind.id)
        if table is None or cat.sources[table.source].provider != "files":
            raise CatalogError(f"{where}: not a table of a `files` source in indicators.yaml")
        bad = sorted(set(kind.regions.values()) - set(cat.regions))
        if bad:
            raise CatalogError(f"{where}: regions {bad} are not in regions.yaml")
        foreign = sorted(i for i in kind.flat_indicators()[0].values()
                         if i is not None and (i not in cat.indicators or cat.indicators[i].table != table.id))
        if foreign:
            raise CatalogError(f"{where}: {foreign} are not indicators of table {table.id!r} in indicators.yaml")
        for sign, status in kind.markers.items():
            if status not in suppressing:
                raise CatalogError(f"{where}: marker {sign!r} must map to a suppressing status of statuses.yaml, got {status!r}")
        period = kind.preamble.period if kind.preamble else None
        if period is not None and table.freq == "A" and period.month not in MONTHS:
            raise CatalogError(f"{where}: preamble: period: an annual table names the month its yearly figure refers to "
                               f"(one of {list(MONTHS)}), got {period.month!r}")
        if period is not None and table.freq == "M" and period.month is not None:
            raise CatalogError(f"{where}: preamble: period: a monthly table takes the month from the file; `month` is for annual tables")
        if period is not None and table.freq not in ("A", "M"):
            raise CatalogError(f"{where}: preamble: period: a report month gives an annual or monthly period, not freq {table.freq!r}")
        if kind.wide is not None and table.freq != "A":
            raise CatalogError(f"{where}: a wide table's sub-columns are years: table {table.id!r} must be annual (freq A), not {table.freq!r}")
    unmapped = sorted(t.id for t in cat.tables.values() if cat.sources[t.source].provider == "files" and t.id not in kinds)
    if unmapped:
        raise CatalogError(f"{file}: tables {unmapped} of `files` sources have no kind")


def check_registers(cat: Catalog, file: str, registers: dict[str, Register]) -> None:
    """Each register is a table of a `register` source and names a region as its alliance, each alliance once; every
    table of a `register` source has a register."""
    alliances: dict[str, str] = {}
    for reg in registers.values():
        where = f"{file}: register {reg.id!r}"
        table = cat.tables.get(reg.id)
        if table is None or cat.sources[table.source].provider != "register":
            raise CatalogError(f"{where}: not a table of a `register` source in indicators.yaml")
        if reg.alliance not in cat.regions:
            raise CatalogError(f"{where}: alliance {reg.alliance!r} is not a region of regions.yaml")
        if reg.alliance in alliances:
            raise CatalogError(f"{where}: alliance {reg.alliance!r} already keeps register {alliances[reg.alliance]!r}")
        alliances[reg.alliance] = reg.id
    unmapped = sorted(t.id for t in cat.tables.values() if cat.sources[t.source].provider == "register" and t.id not in registers)
    if unmapped:
        raise CatalogError(f"{file}: tables {unmapped} of `register` sources have no register")
