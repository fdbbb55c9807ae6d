"""The mapping of each file kind (catalog/partner_files.yaml): how to read a partner's or a statistics
office's CSV or XLSX export. `KindEntry` is the typed YAML entry; `FileKind` the mapping as the parser
(sources/files/) uses it, built once its references are checked against the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator, model_validator

from catalog import CATALOG_DIR, Catalog, Status
from catalog.consistency import check_file_kinds
from catalog.models import MONTHS
from catalog.reading import entries, read_yaml, unique

KINDS_FILE = CATALOG_DIR / "partner_files.yaml"
WILDCARD = "*"  # in `indicators:`: every other value at this level, deliberately left out
REPEAT = "#"  # the n-th column with the same header label is named `label#n` (n >= 2)
# Wide layout: a footnote marker at the end of a header label ("UVB ohne Alternative1)", "UBA 2)") is not part of it.
FOOTNOTE = re.compile(r"\s*[0-9]+\)$")
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def plain(label: str) -> str:
    """A wide layout's header label as it is matched: whitespace collapsed, a trailing footnote marker dropped."""
    return FOOTNOTE.sub("", " ".join(label.split()))


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CsvOptions(Part):
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] = ";"
    encoding: str = "utf-8-sig"


class Numbers(Part):
    decimal: Literal[",", "."] = ","
    thousands: Literal["", ".", ",", " ", "'"] = ""

    @model_validator(mode="after")
    def _distinct(self) -> Numbers:
        if self.decimal == self.thousands:
            raise ValueError(f"decimal and thousands are the same sign {self.decimal!r}")
        return self


class Columns(Part):
    region: Label
    period: Label | None = None
    indicator: tuple[Label, ...]
    value: Label
    unit: Label | None = None
    release: Label | None = None  # the figure's release date (`Stand`): a figure of another release is another figure
    ignore: tuple[Label, ...] = ()

    @field_validator("indicator", mode="before")
    @classmethod
    def _one_or_several(cls, raw: Any) -> Any:
        return [raw] if isinstance(raw, str) else raw

    def named(self) -> list[str]:
        return [self.region, *([self.period] if self.period else []), *self.indicator, self.value,
                *([self.unit] if self.unit else []), *([self.release] if self.release else []), *self.ignore]

    @model_validator(mode="after")
    def _each_label_once(self) -> Columns:
        named = self.named()
        if len(set(named)) != len(named):
            raise ValueError(f"a column label is named twice: {named}")
        for name in named:  # `label#n` (the n-th column labelled `label`) needs `label` and `label#2` .. `label#n-1` too
            base, sep, n = name.rpartition(REPEAT)
            if not sep or not base:
                continue
            if not n.isdigit() or int(n) < 2:
                raise ValueError(f"column {name!r}: a repeated label is named `label{REPEAT}n` with n >= 2 (the first is plain {base!r})")
            lacking = [c for c in [base, *(f"{base}{REPEAT}{k}" for k in range(2, int(n)))] if c not in named]
            if lacking:
                raise ValueError(f"column {name!r} is occurrence {n} of the label {base!r}: declare {lacking} too (under columns or ignore)")
        return self


class PeriodField(Part):
    field: Label  # the preamble label holding the report month ("Berichtsmonat")
    month: str | None = None  # annual tables: the German month the yearly figure refers to ("Juni")


class Preamble(Part):
    period: PeriodField | None = None
    expect: dict[str, str] = {}  # field label -> the text a file of this kind shows there

    @field_validator("expect", mode="before")
    @classmethod
    def _as_text(cls, raw: Any) -> Any:
        """A value YAML reads as a number (`Jahr: 2023`) is compared as the text the file shows."""
        if not isinstance(raw, dict):
            return raw
        return {str(k): str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for k, v in raw.items()}


class WideLayout(Part):
    title: Label  # the word in the title row after which the region's label stands ("Arbeitsagenturbezirk")
    ignore: tuple[Label, ...] = ()  # sub-column labels that are no period and are not loaded ("VR", the change in %)

    @field_validator("title")
    @classmethod
    def _collapse(cls, title: str) -> str:
        return " ".join(title.split())

    @field_validator("ignore")
    @classmethod
    def _collapse_each(cls, ignore: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(" ".join(i.split()) for i in ignore)


class KindEntry(Part):
    """One kind of partner_files.yaml, as written (the header comment of that file explains every key)."""

    id: Label
    file: Label | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://")] | None = None
    sheet: str | None = None
    csv: CsvOptions = CsvOptions()
    numbers: Numbers = Numbers()
    columns: Columns | None = None
    regions: dict[str, Label] = {}
    indicators: dict[str, Any] = {}  # label -> label ... -> indicator id or ~ (checked by flat_indicators)
    markers: dict[str, Label] = {}
    preamble: Preamble | None = None
    footer: tuple[Label, ...] = ()
    wide: WideLayout | None = None
    each_file: StrictBool = False

    @field_validator("regions", "markers", "indicators", mode="before")
    @classmethod
    def _text_keys(cls, raw: Any) -> Any:
        """YAML reads a label such as `0` or `2023` as a number: labels are text."""
        def text(tree: Any) -> Any:
            return {str(k): text(v) for k, v in tree.items()} if isinstance(tree, dict) else tree
        return text(raw)

    @model_validator(mode="after")
    def _layout(self) -> KindEntry:
        if bool(self.file) == bool(self.url):
            raise ValueError("give either `file` (a glob in the drop folder) or `url`")
        if self.each_file and not self.file:
            raise ValueError("each_file: every file matching `file` is read, each as a batch: it needs `file`")
        if self.wide is not None:
            clash = sorted(k for k in ("columns", "preamble") if getattr(self, k) is not None)
            if clash:
                raise ValueError(f"a wide table finds its columns by the group and period rows: {clash} do not apply")
            if not self.regions:
                raise ValueError("a wide table names its region in the title row: map those labels under regions")
        elif self.columns is None:
            raise ValueError("columns must name region, period, indicator and value (and may name unit, release, ignore), or `wide:` a wide table")
        elif bool(self.columns.period) == bool(self.preamble and self.preamble.period):
            raise ValueError("the period comes from a column (columns: period) or from the preamble (preamble: period), exactly one of them")
        return self

    def flat_indicators(self) -> tuple[dict[tuple[str, ...], str | None], tuple[tuple[str, ...], ...]]:
        """Nested `indicators:` -> ({(value of each indicator column): indicator id or None}, paths where `*: ~` stands)."""
        depth = 2 if self.wide is not None else len(self.columns.indicator if self.columns else ())
        flat: dict[tuple[str, ...], str | None] = {}
        others: list[tuple[str, ...]] = []

        def walk(tree: Any, path: tuple[str, ...]) -> None:
            if len(path) == depth:
                if tree is not None and not isinstance(tree, str):
                    raise ValueError(f"{' / '.join(path)} must map to an indicator id or ~, got {tree!r}")
                flat[path] = tree
                return
            if not isinstance(tree, dict):
                raise ValueError(f"expected {depth} levels of labels (one per indicator column), got {tree!r} under {path}")
            for label, sub in tree.items():
                if label != WILDCARD:
                    walk(sub, (*path, label))
                elif sub is not None:
                    raise ValueError(f"`{WILDCARD}` under {' / '.join(path) or 'indicators'} stands for every other value, "
                                     f"deliberately left out: it must map to ~, got {sub!r}")
                else:
                    others.append(path)

        walk(self.indicators, ())
        if self.wide is not None and (not flat or any(others)):
            raise ValueError(f"a wide table's indicators map row labels to group labels to indicator ids, with `{WILDCARD}: ~` "
                             f"(rows level only) for every other row, left out and counted: e.g. {{alle Berufe: {{NAA: <id>}}, "
                             f"'{WILDCARD}': ~}}")
        return flat, tuple(others)

    @model_validator(mode="after")
    def _indicator_levels(self) -> KindEntry:
        self.flat_indicators()
        return self


@dataclass(frozen=True)
class FileKind:
    """A kind's mapping as the parser reads it: columns by role, indicators by the tuple of their labels."""

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
    wide: WideLayout | None = None  # a wide table; its `indicators` are keyed (row label, group label)
    each_file: StrictBool = False  # every file matching `file` is read, each as one batch (one file per region)

    @property
    def columns(self) -> tuple[str, ...]:
        named = (self.region_column, self.period_column, *self.indicator_columns, self.value_column, self.unit_column,
                 self.release_column)
        return tuple(c for c in named if c is not None)

    def number(self, text: str) -> float | None:
        """The number a text value writes in this kind's notation, or None when it is not one."""
        d, t = re.escape(self.decimal), re.escape(self.thousands)
        digits = rf"-?[0-9]+(?:{d}[0-9]+)?"
        grouped = rf"|-?[0-9]{{1,3}}(?:{t}[0-9]{{3}})+(?:{d}[0-9]+)?" if self.thousands else ""
        if not re.fullmatch(digits + grouped, text):
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


def _compile(entry: KindEntry, catalog: Catalog) -> FileKind:
    """The parser's form of a checked entry."""
    table = catalog.tables[entry.id]
    indicators, others = entry.flat_indicators()
    if entry.wide is not None:  # matched as the file's labels are read: whitespace collapsed, no footnote marker
        indicators = {(" ".join(row.split()), plain(group)): i for (row, group), i in indicators.items()}
    by_status = {s.status: s for s in catalog.statuses.values()}
    cols, pre = entry.columns, entry.preamble
    period = pre.period if pre else None
    return FileKind(
        id=table.id, source=table.source, file=entry.file, url=entry.url, sheet=entry.sheet,
        delimiter=entry.csv.delimiter, encoding=entry.csv.encoding, decimal=entry.numbers.decimal,
        thousands=entry.numbers.thousands, region_column=cols.region if cols else "", period_column=cols.period if cols else None,
        indicator_columns=cols.indicator if cols else (), value_column=cols.value if cols else "",
        unit_column=cols.unit if cols else None, ignored=cols.ignore if cols else (),
        release_column=cols.release if cols else None, regions=dict(entry.regions),
        indicators=indicators, markers={sign: by_status[status] for sign, status in entry.markers.items()}, others=others,
        preamble=entry.preamble is not None, period_field=period.field if period else None,
        period_month=MONTHS.get(period.month or "") if period else None, expect=dict(pre.expect) if pre else {},
        footer=entry.footer, wide=entry.wide, each_file=entry.each_file,
    )


def load_kinds(catalog: Catalog, path: Path = KINDS_FILE) -> dict[str, FileKind]:
    """Every file kind, checked against the catalog; every table of a `files` source must have one."""
    kinds = unique(entries(KindEntry, read_yaml(path, ["kinds"])["kinds"], path.name, "kind"), f"{path.name}: kinds")
    check_file_kinds(catalog, path.name, kinds)
    return {k: _compile(entry, catalog) for k, entry in kinds.items()}
