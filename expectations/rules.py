"""The per-table checks of expectations/rules.yaml as typed models, checked against the catalog on load.

An unknown key, a severity other than critical or warning, a negative tolerance, or a table or indicator
the catalog does not declare is an error naming the file, the table, the rule and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from catalog import Catalog, CatalogError
from catalog.consistency import Reference, check_references
from catalog.reading import describe_errors, read_yaml

RULES = Path(__file__).parent / "rules.yaml"
Tolerance = Annotated[float, Field(ge=0)]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: Literal["critical", "warning"]


class PartsSumToTotal(Rule):
    """The parts add up to the total, per region and period (tolerance in units)."""

    total: str
    parts: Annotated[tuple[str, ...], Field(min_length=1)]
    tolerance: Tolerance


class KreiseSumToState(Rule):
    """Where the state and all its catalog Kreise are in one batch, the Kreise add up to the state figure."""

    indicator: str
    tolerance_pct: Tolerance


class YearOnYear(Rule):
    """A change between consecutive periods of one region beyond max_change_pct."""

    indicator: str
    max_change_pct: Annotated[float, Field(gt=0)]


class TableRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    parts_sum_to_total: tuple[PartsSumToTotal, ...] = ()
    kreise_sum_to_state: tuple[KreiseSumToState, ...] = ()
    year_on_year: tuple[YearOnYear, ...] = ()

    def references(self, where: str) -> list[Reference]:
        out = []
        for name in TableRules.model_fields:
            for n, rule in enumerate(getattr(self, name), 1):
                ids = [rule.total, *rule.parts] if isinstance(rule, PartsSumToTotal) else [rule.indicator]
                out += [Reference(f"{where}: {name} {n}", "indicator", i) for i in ids]
        return out


def load_rules(catalog: Catalog, path: Path = RULES) -> dict[str, TableRules]:
    """The rules per table id, every table and indicator they name declared in the catalog."""
    tables = read_yaml(path, ["tables"])["tables"] or {}
    if not isinstance(tables, dict):
        raise CatalogError(f"{path.name}: tables: expected a mapping of table id -> its rules")
    rules: dict[str, TableRules] = {}
    references: list[Reference] = []
    for table_id, raw in tables.items():
        where = f"{path.name}: table {str(table_id)!r}"
        try:
            rules[str(table_id)] = TableRules.model_validate(raw or {})
        except ValidationError as exc:
            raise CatalogError(f"{where}: {describe_errors(exc)}") from None
        references += [Reference(where, "table", str(table_id)), *rules[str(table_id)].references(where)]
    check_references(catalog, references)
    return rules
