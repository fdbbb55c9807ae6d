"""The report's layout (reports/layout.yaml): which figures are headline figures, the topics in order, how
units and statuses read in German. Data, checked by a typed model that refuses unknown keys."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

LAYOUT_FILE = Path(__file__).parent / "layout.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Section(_Strict):
    """One topic of a region page."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    lines: tuple[str, ...] = ()
    ranked: tuple[str, ...] = ()
    releases: tuple[str, ...] = ()


class Unit(_Strict):
    label: str
    decimals: int = Field(ge=0, le=4)


class Layout(_Strict):
    headline: tuple[str, ...]
    overview: tuple[str, ...]
    sections: tuple[Section, ...]
    as_values: tuple[str, ...] = ()
    units: dict[str, Unit]
    statuses: dict[str, str]
    levels: dict[str, str]
    partner_levels: tuple[str, ...]

    @model_validator(mode="after")
    def _distinct_sections(self) -> Layout:
        ids = [s.id for s in self.sections]
        if len(set(ids)) != len(ids):
            raise ValueError(f"section ids must be distinct, got {ids}")
        return self

    def indicators(self) -> set[str]:
        """Every indicator the layout names."""
        return {*self.headline, *self.overview, *(i for s in self.sections for i in (*s.lines, *s.ranked, *s.releases))}

    def unknown(self, indicators: set[str], units: set[str]) -> list[str]:
        """What the layout names that the warehouse does not know: indicator ids, and units it has no label for."""
        return sorted(self.indicators() - indicators) + sorted(f"unit {u!r}" for u in units - set(self.units))


@cache
def load_layout(path: Path = LAYOUT_FILE) -> Layout:
    """The layout in `path`; a wrong key or type is an error naming the file and the field."""
    try:
        return Layout.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc
