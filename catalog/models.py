"""Typed models of the catalog's entries (regions.yaml, sources.yaml, indicators.yaml, statuses.yaml).

Each model checks what one entry can tell about itself: its keys (an unknown key is an error, never
ignored), their types, the allowed words (levels, topics, frequencies) and the shape of a formula or
an aggregation. Whether an entry's references resolve (a region's members, an indicator's table) is
checked across the files in catalog/consistency.py.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Topic = Literal["demography", "economy", "social", "labour_market", "skilled_labour"]
PUBLISHED_LEVELS = ("country", "state", "regbez", "kreis")
AGGREGATE_LEVELS = ("partner", "aa_district", "regionalverband")
# Levels whose figure can be summed from member Kreise when the provider publishes none.
SUMMABLE_LEVELS = ("regbez", "state", *AGGREGATE_LEVELS)
Level = Literal["country", "state", "regbez", "kreis", "partner", "aa_district", "regionalverband"]
Freq = Literal["A", "Q", "M"]
Confirmation = Literal["recorded response", "real ffcsv", "code list", "labels"]
FORMULA_KINDS = ("ratio", "difference", "sum", "change_pct")
# Report months as the German statistics offices write them ("Juni 2023"): a file kind names one, files and the BA's API write them.
MONTHS = {name: n for n, name in enumerate(("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                                            "September", "Oktober", "November", "Dezember"), start=1)}


class Entry(BaseModel):
    """An entry of a catalog file: immutable, and no key that the model does not know."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(Entry):
    code: Text
    name_de: Text
    name_en: Text
    level: Level
    nuts: str | None = None
    parent: str | None = None
    members: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _members_and_code(self) -> Region:
        if self.level in AGGREGATE_LEVELS and not self.members:
            raise ValueError("an aggregate region needs members")
        if self.level not in AGGREGATE_LEVELS and self.members:
            raise ValueError(f"only aggregate levels {AGGREGATE_LEVELS} have members")
        if self.level == "kreis" and not re.fullmatch(r"[0-9]{5}", self.code):
            raise ValueError("a Kreis code is a 5-digit AGS")
        return self


class Scope(Entry):
    """The states the warehouse covers completely (catalog/regions.yaml `scope:`)."""

    states: Annotated[tuple[Text, ...], Field(min_length=1)]


class Source(Entry):
    id: Text
    provider: Text
    name: Text
    base_url: Annotated[str, StringConstraints(pattern=r"^https?://")]
    licence: Text
    licence_url: Text
    citation: Text
    credentials_env: dict[Literal["username", "password"], str] = {}
    enabled: StrictBool = True


class SourceTable(Entry):
    id: Text
    source: Text
    title_de: Text
    freq: Freq
    start_year: Annotated[int, Field(ge=1900, le=2100)]
    verified: StrictBool
    note: str = ""
    # A table read whole (a partner file, forecasts included) declares the last year it may hold; GX then
    # checks its rows against start_year..end_year instead of the request's years.
    end_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    # Regions every batch must contain; default: the Kreise the request selects.
    regions: tuple[str, ...] = ()
    # The region levels the provider publishes the table for; empty: all published levels. An aggregate level
    # (aa_district) for a table published for such regions only (BIBB's Ausbildungsmarkt per agency district).
    levels: tuple[Level, ...] = ()
    # A provider that answers for one region per request (the BA API): region level -> the query parameter
    # that takes the region's name.
    region_parameters: dict[Level, Text] = {}
    # What the table's codes, units and labels were checked against: a response recorded from the API, a real flat
    # file (ffcsv) of this table published by a third party, the provider's code list (GENESIS metadata), or only
    # the labels of a website export. `verified: true` needs a response or a real ffcsv.
    confirmed_from: tuple[Confirmation, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> SourceTable:
        if self.end_year is not None and self.end_year < self.start_year:
            raise ValueError(f"end_year {self.end_year} before start_year {self.start_year}")
        if self.confirmed_from and self.verified != bool({"recorded response", "real ffcsv"} & set(self.confirmed_from)):
            raise ValueError(f"verified: {str(self.verified).lower()} does not fit confirmed_from {list(self.confirmed_from)}: "
                             "a table is verified exactly when a recorded response or a real ffcsv confirms it")
        if set(self.region_parameters) - set(self.levels or PUBLISHED_LEVELS):
            raise ValueError(f"region_parameters {sorted(self.region_parameters)} name levels the table is not published for")
        return self

    def publishes(self, level: str) -> bool:
        return not self.levels or level in self.levels


class Aggregation(Entry):
    """How Kreis figures combine into a larger region: a sum, or a ratio recomputed from two indicators.

    In YAML: `sum`, `none`, `formula` (derived indicators: the formula on aggregated operands),
    `{numerator, denominator, scale}` for a ratio, or `{unavailable: <computed status>}` for a figure that
    cannot be computed for larger regions (a rate without a published count to weigh it): those regions get
    NULL with that status, which says why, never an average."""

    method: Literal["sum", "ratio", "none", "formula", "unavailable"]
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    status: str | None = None  # unavailable: the computed status of catalog/statuses.yaml the regions get

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            return {"method": raw}
        if isinstance(raw, dict) and set(raw) == {"unavailable"}:
            return {"method": "unavailable", "status": raw["unavailable"]}
        if isinstance(raw, dict) and "method" not in raw:
            return {"method": "ratio", **raw}
        return raw

    @model_validator(mode="after")
    def _ratio_inputs(self) -> Aggregation:
        if (self.method == "ratio") != bool(self.numerator and self.denominator):
            raise ValueError("a ratio aggregation is {numerator, denominator, scale}: both indicators, and only for a ratio")
        if (self.method == "unavailable") != bool(self.status):
            raise ValueError("`{unavailable: <status>}` names the computed status larger regions get; only it has a status")
        return self

    def inputs(self) -> tuple[str, ...]:
        return tuple(x for x in (self.numerator, self.denominator) if x)


class Formula(Entry):
    """How a derived indicator is computed from other indicators of the same region.

    In YAML: `{ratio: [a, b], scale: 100}`, `{difference: [a, b, ...]}`, `{sum: [a, b, ...]}`,
    `{change_pct: a, periods: 5}`. ratio: operands[0] / operands[1] × scale; difference: operands[0] −
    the others; sum: all operands added; change_pct: (operands[0] now / `periods` periods earlier − 1)
    × 100. Operands of different annual indicators are matched by year.
    """

    kind: Literal["ratio", "difference", "sum", "change_pct"]
    operands: tuple[Text, ...]
    scale: float = 1.0
    periods: int = 0

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, raw: Any) -> Any:
        if not isinstance(raw, dict) or "kind" in raw:
            return raw
        kinds = [k for k in FORMULA_KINDS if k in raw]
        if len(kinds) != 1:
            raise ValueError(f"a formula names one of {FORMULA_KINDS} (plus scale or periods), got {raw!r}")
        rest = {k: v for k, v in raw.items() if k != kinds[0]}
        operands = raw[kinds[0]]
        return {"kind": kinds[0], "operands": [operands] if isinstance(operands, str) else operands, **rest}

    @model_validator(mode="after")
    def _arity(self) -> Formula:
        wanted = {"ratio": 2, "change_pct": 1}.get(self.kind)
        if (wanted and len(self.operands) != wanted) or len(self.operands) < (wanted or 2):
            raise ValueError(f"a {self.kind} formula needs {wanted or 'two or more'} indicator ids, got {list(self.operands)}")
        if (self.kind == "change_pct") != (self.periods > 0):
            raise ValueError("`periods` (a positive number) belongs to change_pct formulas only")
        return self

    def text(self) -> str:
        o = self.operands
        if self.kind == "ratio":
            return f"{o[0]} / {o[1]} × {self.scale:g}"
        if self.kind == "change_pct":
            return f"({o[0]} / {o[0]} {self.periods} period(s) earlier − 1) × 100"
        return (" − " if self.kind == "difference" else " + ").join(o)


class Unit(Entry):
    """A unit of the indicators (catalog/indicators.yaml `units:`) and the decimals the providers publish its figures
    with: goals are compared with their targets at this precision (marts.goal_progress)."""

    unit: Text
    decimals: Annotated[int, Field(ge=0, le=6)]


class Described(Entry):
    """What every indicator has, drawn from a provider table or derived."""

    id: Text
    label_de: Text
    label_en: Text
    definition: Text
    unit: Text
    topic: Topic

    @field_validator("unit")
    @classmethod
    def _percent_in_words(cls, unit: str) -> str:
        if "%" in unit:  # a rate must read as one (change_in): '%' is the provider's source_unit, not the warehouse's
            raise ValueError(f"write the unit {unit!r} in words: 'percent'")
        return unit

    @property
    def change_in(self) -> Literal["percent", "points"]:
        """How a change over time is expressed (marts.indicator_changes): rates, shares and figures per
        inhabitant or per head (unit `percent`, `per …` or `… per …`: per 1000 inhabitants, EUR per inhabitant)
        in points, value − base value in their unit; counts and amounts (persons, thousand EUR) in % of the base."""
        return "points" if self.unit.startswith(("percent", "per ")) or " per " in self.unit else "percent"


class Indicator(Described):
    table: Text
    content: str | None
    source_unit: str
    filters: dict[str, str]
    aggregation: Aggregation
    verified: StrictBool
    signed: StrictBool = False  # a balance that can be negative (a shortage; negative = surplus), not a count

    @field_validator("filters", mode="before")
    @classmethod
    def _totals(cls, raw: Any) -> Any:
        """`GES: ""` and `GES: ~` both select the total; codes are text even where YAML reads a number."""
        if not isinstance(raw, dict):
            return raw
        return {str(k): "" if v is None else str(v) for k, v in raw.items()}

    @field_validator("aggregation")
    @classmethod
    def _not_a_formula(cls, aggregation: Aggregation) -> Aggregation:
        if aggregation.method == "formula":
            raise ValueError("aggregation 'formula' is for derived indicators")
        return aggregation


class DerivedIndicator(Described):
    """An indicator computed for every region from other indicators (catalog: indicators.yaml `derived:`)."""

    formula: Formula
    aggregation: Aggregation = Aggregation(method="formula")  # or "sum": summed from the provider regions' values

    @field_validator("aggregation")
    @classmethod
    def _formula_or_sum(cls, aggregation: Aggregation) -> Aggregation:
        if aggregation.method not in ("formula", "sum"):
            raise ValueError("aggregation must be 'formula' (default) or 'sum'")
        return aggregation


class Status(Entry):
    marker: str | None
    status: Text
    suppressed: StrictBool
    label_de: Text
    label_en: Text
    carried: StrictBool = False  # a figure computed from one with this status carries it (e.g. provisional)
    provider: Text = "genesis"  # whose sign it is: the same sign can differ ("e": final in GENESIS, estimated at Eurostat)


class ComputedStatus(Status):
    """A status the warehouse gives to figures it computes: no provider writes it, so it has no marker."""

    marker: None = None
    provider: Literal["labour-monitor"] = "labour-monitor"
