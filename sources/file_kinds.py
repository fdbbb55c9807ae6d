"""The mapping of each file kind (catalog/partner_files.yaml): how to read a partner's or a statistics
office's CSV or XLSX export, checked against the catalog on load. Read by sources/files.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from catalog import CATALOG_DIR, Catalog, CatalogError, SourceTable, Status
from sources.periods import MONTHS

KINDS_FILE = CATALOG_DIR / "partner_files.yaml"
WILDCARD = "*"  # in `indicators:`: every other value at this level, deliberately left out
REPEAT = "#"  # the n-th column with the same header label is named `label#n` (n >= 2)
# Wide layout: a footnote marker at the end of a header label ("UVB ohne Alternative1)", "UBA 2)") is not part of it.
FOOTNOTE = re.compile(r"\s*[0-9]+\)$")


def plain(label: str) -> str:
    """A wide layout's header label as it is matched: whitespace collapsed, a trailing footnote marker dropped."""
    return FOOTNOTE.sub("", " ".join(label.split()))


@dataclass(frozen=True)
class Wide:
    """A wide table (`wide:` in partner_files.yaml): groups of columns per measure, a year per column."""

    title: str  # the word in the title row after which the region's label stands ("Arbeitsagenturbezirk")
    ignore: tuple[str, ...]  # sub-column labels that are no period and are not loaded ("VR", the change in %)


@dataclass(frozen=True)
class FileKind:
    id: str
    source: str
    file: str | None  # glob in the partner's drop folder
    url: str | None  # or an address to fetch it from
    sheet: str | None
    delimiter: str
    encoding: str
    decimal: str
    thousands: str
    region_column: str
    period_column: str | None  # None: the period comes from the preamble (period_field)
    indicator_columns: tuple[str, ...]
    value_column: str
    unit_column: str | None
    ignored: tuple[str, ...]
    release_column: str | None  # the figure's release date (`Stand`): kept, a figure of another release is another figure
    regions: dict[str, str]  # label in the file -> catalog region code
    indicators: dict[tuple[str, ...], str | None]  # values of the indicator columns -> indicator id (None: left out)
    markers: dict[str, Status]  # string in the value column -> suppressing catalog status
    # Where `*: ~` stands in `indicators:`: the values of the indicator columns before it. A row whose values
    # start so, and whose next value is not otherwise named at that level, is left out (counted).
    others: tuple[tuple[str, ...], ...] = ()
    preamble: bool = False  # "Label";"Value" lines above the header; the header is the line of exactly the declared labels
    period_field: str | None = None  # preamble label holding the report month ("Juni 2023")
    period_month: int | None = None  # annual tables: the month the yearly figure refers to (6 = the 30 June count)
    expect: dict[str, str] = field(default_factory=dict)  # preamble label -> the value a file of this kind must show
    footer: tuple[str, ...] = ()  # a line whose first non-empty cell starts so ends the table; a file without one is cut off
    wide: Wide | None = None  # a wide table; its `indicators` are keyed (row label, group label)
    each_file: bool = False  # every file matching `file` is read, each as one batch (one file per region)

    @property
    def columns(self) -> tuple[str, ...]:
        named = (self.region_column, self.period_column, *self.indicator_columns, self.value_column, self.unit_column,
                 self.release_column)
        return tuple(c for c in named if c is not None)

    def number(self, text: str) -> float | None:
        """The number a text value writes in this kind's notation, or None when it is not one."""
        d, t = re.escape(self.decimal), re.escape(self.thousands)
        plain = rf"-?[0-9]+(?:{d}[0-9]+)?"
        grouped = rf"|-?[0-9]{{1,3}}(?:{t}[0-9]{{3}})+(?:{d}[0-9]+)?" if self.thousands else ""
        if not re.fullmatch(plain + grouped, text):
            return None
        return float((text.replace(self.thousands, "") if self.thousands else text).replace(self.decimal, "."))

    def indicator_of(self) -> Callable[[tuple[str, ...]], tuple[bool, str | None]]:
        """key -> (known, indicator id or None for left out): a named key, else a wildcard `*` of its level."""
        named = {k[:i] for k in (*self.indicators, *self.others) for i in range(1, len(k) + 1)}

        def lookup(key: tuple[str, ...]) -> tuple[bool, str | None]:
            if key in self.indicators:
                return True, self.indicators[key]
            left_out = any(key[:len(p)] == p and key[:len(p) + 1] not in named for p in self.others)
            return left_out, None

        return lookup


_KIND_KEYS = {"id", "file", "url", "sheet", "csv", "numbers", "columns", "regions", "indicators", "markers", "preamble", "footer",
              "wide", "each_file"}
_WIDE_KEYS = {"title", "ignore"}
_COLUMN_KEYS = {"region", "period", "indicator", "value", "unit", "release", "ignore"}
_PREAMBLE_KEYS = {"period", "expect"}


def _flatten(tree: Any, depth: int, where: str, others: list[tuple[str, ...]],
             path: tuple[str, ...] = ()) -> dict[tuple[str, ...], str | None]:
    """Nested `indicators:` mapping -> {(value of each indicator column): indicator id}; the paths where a
    wildcard `*` stands go to `others`."""
    if len(path) == depth:
        if tree is not None and not isinstance(tree, str):
            raise CatalogError(f"{where}: {' / '.join(path)} must map to an indicator id or ~, got {tree!r}")
        return {path: tree}
    if not isinstance(tree, dict):
        raise CatalogError(f"{where}: expected {depth} levels of labels (one per indicator column), got {tree!r} under {path}")
    out: dict[tuple[str, ...], str | None] = {}
    for label, sub in tree.items():
        if str(label) == WILDCARD:
            if sub is not None:
                raise CatalogError(f"{where}: `{WILDCARD}` under {' / '.join(path) or 'indicators'} stands for every other value, "
                                   f"deliberately left out: it must map to ~, got {sub!r}")
            others.append(path)
            continue
        out |= _flatten(sub, depth, where, others, (*path, str(label)))
    return out


def _repeats(named: list[str], where: str) -> None:
    """A declared `label#n` (the n-th column labelled `label`) needs `label` and `label#2` .. `label#n-1` declared too."""
    for name in named:
        base, sep, n = name.rpartition(REPEAT)
        if not sep or not base:
            continue
        if not n.isdigit() or int(n) < 2:
            raise CatalogError(f"{where}: column {name!r}: a repeated label is named `label{REPEAT}n` with n >= 2 (the first is plain {base!r})")
        lacking = [c for c in [base, *(f"{base}{REPEAT}{k}" for k in range(2, int(n)))] if c not in named]
        if lacking:
            raise CatalogError(f"{where}: column {name!r} is occurrence {n} of the label {base!r}: declare {lacking} too (under columns or ignore)")


def _preamble(entry: dict[str, Any], freq: str, where: str) -> tuple[str | None, int | None, dict[str, str]]:
    """`preamble:` -> (period field, month of an annual figure, expected values)."""
    pre = entry.get("preamble")
    if pre is None:
        return None, None, {}
    if not isinstance(pre, dict) or set(pre) - _PREAMBLE_KEYS:
        raise CatalogError(f"{where}: preamble must be a mapping with keys among {sorted(_PREAMBLE_KEYS)} (may be empty: {{}}), got {pre!r}")
    expect = pre.get("expect") or {}
    if not isinstance(expect, dict):
        raise CatalogError(f"{where}: preamble: expect must map preamble labels to the values a file must show, got {expect!r}")
    period = pre.get("period")
    if period is None:
        return None, None, {str(k): str(v) for k, v in expect.items()}
    if not isinstance(period, dict) or not period.get("field") or set(period) - {"field", "month"}:
        raise CatalogError(f"{where}: preamble: period must be {{field: <label of the report month>, month: <German month name>}}, got {period!r}")
    month = period.get("month")
    if freq == "A":
        if month not in MONTHS:
            raise CatalogError(f"{where}: preamble: period: an annual table names the month its yearly figure refers to "
                               f"(one of {list(MONTHS)}), got {month!r}")
    elif freq == "M":
        if month is not None:
            raise CatalogError(f"{where}: preamble: period: a monthly table takes the month from the file; `month` is for annual tables")
    else:
        raise CatalogError(f"{where}: preamble: period: a report month gives an annual or monthly period, not freq {freq!r}")
    return str(period["field"]), MONTHS.get(month), {str(k): str(v) for k, v in expect.items()}


def _kind(entry: dict[str, Any], catalog: Catalog, n: int) -> FileKind:
    where = f"{KINDS_FILE.name}: kind {entry.get('id', n)!r}"
    unknown = set(entry) - _KIND_KEYS
    if unknown:
        raise CatalogError(f"{where}: unknown keys {sorted(unknown)}")
    table = catalog.tables.get(entry.get("id", ""))
    if table is None or catalog.sources[table.source].provider != "files":
        raise CatalogError(f"{where}: not a table of a `files` source in indicators.yaml")
    if bool(entry.get("file")) == bool(entry.get("url")):
        raise CatalogError(f"{where}: give either `file` (a glob in the drop folder) or `url`")
    wide = _wide(entry, table, where)
    period_field, period_month, expect = _preamble(entry, table.freq, where)
    columns = _columns(entry, period_field, where) if wide is None else {}
    depth = len(columns["indicator_columns"]) if wide is None else 2
    footer = entry.get("footer") or []
    if not isinstance(footer, list) or not all(isinstance(f, str) and f.strip() for f in footer):
        raise CatalogError(f"{where}: footer must be a list of the texts a footer line starts with, got {footer!r}")
    regions = {str(k): str(v) for k, v in (entry.get("regions") or {}).items()}
    bad = sorted(set(regions.values()) - set(catalog.regions))
    if bad:
        raise CatalogError(f"{where}: regions {bad} are not in regions.yaml")
    others: list[tuple[str, ...]] = []
    indicators = _flatten(entry.get("indicators") or {}, depth, where, others)
    if wide is not None:
        if not indicators or any(others):
            raise CatalogError(f"{where}: a wide table's indicators map row labels to group labels to indicator ids, with "
                               f"`{WILDCARD}: ~` (rows level only) for every other row, left out and counted: "
                               f"e.g. {{alle Berufe: {{NAA: <id>}}, '{WILDCARD}': ~}}")
        # matched as the file's labels are read: whitespace collapsed, group labels without a footnote marker
        indicators = {(" ".join(row.split()), plain(group)): i for (row, group), i in indicators.items()}
    foreign = sorted(i for i in indicators.values() if i is not None and (i not in catalog.indicators or catalog.indicators[i].table != table.id))
    if foreign:
        raise CatalogError(f"{where}: {foreign} are not indicators of table {table.id!r} in indicators.yaml")
    by_status = {s.status: s for s in catalog.statuses.values()}
    markers = {}
    for sign, status in (entry.get("markers") or {}).items():
        if status not in by_status or not by_status[status].suppressed:
            raise CatalogError(f"{where}: marker {sign!r} must map to a suppressing status of statuses.yaml, got {status!r}")
        markers[str(sign)] = by_status[status]
    numbers = entry.get("numbers") or {}
    decimal, thousands = numbers.get("decimal", ","), numbers.get("thousands", "")
    if decimal not in (",", ".") or thousands not in ("", ".", ",", " ", "'") or decimal == thousands:
        raise CatalogError(f"{where}: numbers: decimal must be ',' or '.', thousands another sign or '', got {numbers!r}")
    each_file = entry.get("each_file", False)
    if not isinstance(each_file, bool) or (each_file and not entry.get("file")):
        raise CatalogError(f"{where}: each_file is true (every file matching `file` is read, each as a batch) or false, "
                           f"and needs `file`; got {each_file!r}")
    csv_opts = entry.get("csv") or {}
    return FileKind(
        id=table.id, source=table.source, file=entry.get("file"), url=entry.get("url"), sheet=entry.get("sheet"),
        delimiter=csv_opts.get("delimiter", ";"), encoding=csv_opts.get("encoding", "utf-8-sig"),
        decimal=decimal, thousands=thousands, **(columns or _NO_COLUMNS),
        regions=regions, indicators=indicators, markers=markers, others=tuple(others),
        preamble="preamble" in entry, period_field=period_field, period_month=period_month, expect=expect,
        footer=tuple(footer), wide=wide, each_file=each_file,
    )


# A wide table has no column mapping: its columns are the groups and periods found in the file.
_NO_COLUMNS = {"region_column": "", "period_column": None, "indicator_columns": (), "value_column": "", "unit_column": None,
               "ignored": (), "release_column": None}


def _columns(entry: dict[str, Any], period_field: str | None, where: str) -> dict[str, Any]:
    """`columns:` of a long table -> the FileKind fields naming its columns."""
    cols = entry.get("columns") or {}
    if set(cols) - _COLUMN_KEYS or not all(cols.get(k) for k in ("region", "indicator", "value")):
        raise CatalogError(f"{where}: columns must name region, period, indicator and value (and may name unit, release, ignore)")
    if bool(cols.get("period")) == bool(period_field):
        raise CatalogError(f"{where}: the period comes from a column (columns: period) or from the preamble (preamble: period), "
                           "exactly one of them")
    indicator_columns = (cols["indicator"],) if isinstance(cols["indicator"], str) else tuple(cols["indicator"])
    named = [cols["region"], *([cols["period"]] if cols.get("period") else []), *indicator_columns, cols["value"],
             *([cols["unit"]] if cols.get("unit") else []), *([cols["release"]] if cols.get("release") else []),
             *(cols.get("ignore") or [])]
    if len(set(named)) != len(named):
        raise CatalogError(f"{where}: a column label is named twice: {named}")
    _repeats(named, where)
    return {"region_column": cols["region"], "period_column": cols.get("period"), "indicator_columns": indicator_columns,
            "value_column": cols["value"], "unit_column": cols.get("unit"), "ignored": tuple(cols.get("ignore") or ()),
            "release_column": cols.get("release")}


def _wide(entry: dict[str, Any], table: SourceTable, where: str) -> Wide | None:
    """`wide:` -> the wide layout, checked: no column mapping or preamble beside it, an annual table, a region mapping."""
    raw = entry.get("wide")
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - _WIDE_KEYS or not isinstance(raw.get("title"), str) or not raw["title"].strip():
        raise CatalogError(f"{where}: wide must be {{title: <word before the region in the title row>, ignore: [<sub-column labels "
                           f"not loaded>]}}, got {raw!r}")
    ignore = raw.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(i, str) and i.strip() for i in ignore):
        raise CatalogError(f"{where}: wide: ignore must list sub-column labels (such as VR), got {ignore!r}")
    clash = sorted(k for k in ("columns", "preamble") if k in entry)
    if clash:
        raise CatalogError(f"{where}: a wide table finds its columns by the group and period rows: {clash} do not apply")
    if table.freq != "A":
        raise CatalogError(f"{where}: a wide table's sub-columns are years: table {table.id!r} must be annual (freq A), not {table.freq!r}")
    if not entry.get("regions"):
        raise CatalogError(f"{where}: a wide table names its region in the title row: map those labels under regions")
    return Wide(title=" ".join(raw["title"].split()), ignore=tuple(" ".join(i.split()) for i in ignore))


def load_kinds(catalog: Catalog, path: Path = KINDS_FILE) -> dict[str, FileKind]:
    """Every file kind, checked against the catalog; every table of a `files` source must have one."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("kinds"), list):
        raise CatalogError(f"{path.name}: expected a top-level list 'kinds:'")
    kinds: dict[str, FileKind] = {}
    for n, entry in enumerate(doc["kinds"], 1):
        kind = _kind(entry, catalog, n)
        if kind.id in kinds:
            raise CatalogError(f"{path.name}: duplicate kind {kind.id!r}")
        kinds[kind.id] = kind
    unmapped = sorted(t.id for t in catalog.tables.values() if catalog.sources[t.source].provider == "files" and t.id not in kinds)
    if unmapped:
        raise CatalogError(f"{path.name}: tables {unmapped} of `files` sources have no kind")
    return kinds
