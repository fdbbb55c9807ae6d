"""The content of the report's pages, from the marts' rows (reports/figures.py): headline tiles, one section
per topic with its charts, and the index page's overview and data status. Text only; no statistic is
computed here: values, changes, indices and ranks are the marts'."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from reports import charts
from reports.figures import Figures
from reports.formats import NO_VALUE, number, period, timestamp
from reports.layout import Layout

STEP = {"A": ("Vorjahr", "5 Jahre"), "Q": ("Vorquartal", "5 Quartale"), "M": ("Vormonat", "5 Monate")}
ROLES = ("region", "state", "country")


def _span(periods: list[str]) -> str:
    """The periods a chart covers, in German."""
    first, last = min(periods), max(periods)
    return period(first) if first == last else f"{period(first)} bis {period(last)}"


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    unit: str
    period: str
    flags: tuple[str, ...]
    changes: tuple[str, ...]
    comparison: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    charts: tuple[charts.Chart, ...]
    without_figures: tuple[str, ...]  # indicators of the topic the region has no figure of


@dataclass(frozen=True)
class Member:
    code: str
    name: str


@dataclass(frozen=True)
class RegionPage:
    code: str
    name: str
    level: str
    members: tuple[Member, ...]
    tiles: tuple[Tile, ...]
    sections: tuple[Section, ...]


class Pages:
    """Builds the pages of one report from the figures read for it."""

    def __init__(self, figures: Figures, layout: Layout) -> None:
        self.figures, self.layout = figures, layout
        self.names = {code: r.name_de for code, r in figures.regions.items()}

    # --- pieces ---------------------------------------------------------------------------------------

    def unit(self, unit: str) -> tuple[str, int]:
        u = self.layout.units.get(unit)
        return (u.label, u.decimals) if u else (unit, 1)

    def flag(self, status: str | None) -> str:
        return self.layout.statuses.get(status, status) if status and status != "final" else ""

    def credit(self, regions: list[str], indicator: str) -> tuple[str, str]:
        citations, licences = set(), set()
        for r in regions:
            c, lic = self.figures.credits.get((r, indicator), ("", ""))
            citations.update(x for x in c.split(" | ") if x)
            licences.update(x for x in lic.split(" | ") if x)
        return "; ".join(sorted(citations)) or NO_VALUE, "; ".join(sorted(licences)) or NO_VALUE

    # --- tiles ------------------------------------------------------------------------------------------

    def tiles(self, code: str, indicators: tuple[str, ...]) -> tuple[Tile, ...]:
        rows = self.figures.headline.get(code, {})
        return tuple(self._tile(rows[i][0]) for i in indicators if rows.get(i))

    def _tile(self, r: Any) -> Tile:
        unit, decimals = self.unit(r.unit)
        previous, five = STEP.get(r.freq, ("Vorperiode", "5 Perioden"))
        relative = r.measure == "relative"
        changes = []
        for label, absolute, pct in ((f"ggü. {previous}", r.change_previous, r.change_previous_pct),
                                     (f"über {five}", r.change_5_periods, r.change_5_periods_pct)):
            change = absolute if relative else pct
            if change is not None:
                changes.append(f"{label}: {number(change, decimals if relative else 1, signed=True)} {'Pkt.' if relative else '%'}")
        comparison = ""
        if r.index_reference_100 is not None:
            comparison = (f"Index ({r.reference_name_de} = 100): {number(r.index_reference_100, 1)}" if relative
                          else f"Anteil an {r.reference_name_de}: {number(r.index_reference_100, 1)} %")
        flags = tuple(f for f in (self.flag(r.status), f"Stand {period(r.release)}" if r.release else "") if f)
        return Tile(r.indicator_label_de, number(r.value, decimals), unit, period(r.period), flags, tuple(changes), comparison)

    # --- charts -------------------------------------------------------------------------------------------

    def line(self, code: str, section: str, indicator: str, rows: list[Any]) -> charts.Chart | None:
        """The region against its state and Germany; a count as an index (its base: the first period shown)."""
        as_index = rows[0].measure == "count" and indicator not in self.layout.as_values
        if as_index:
            base = min(r.period_index for r in rows if r.period == r.base_period)
            rows = [r for r in rows if r.period_index >= base]
        unit, decimals = self.unit(rows[0].unit)
        by_role: dict[str, list[Any]] = defaultdict(list)
        for r in rows:
            by_role[r.series_role].append(r)
        series = [charts.Series(own[0].series_name_de, tuple(
                      charts.Point(float(p.period_index), period(p.period), p.index_base_100 if as_index else p.value, self.flag(p.status))
                      for p in own), role) for role in ROLES if (own := by_role.get(role))]
        if not any(p.y is not None for s in series for p in s.points):
            return None
        citation, licence = self.credit(sorted({r.series_code for r in rows}), indicator)
        caption = charts.Caption(
            title=f"{self.figures.labels[indicator]}: {self.names[code]} im Vergleich",
            unit=f"Index ({period(rows[0].base_period)} = 100)" if as_index else unit,
            period=_span([r.period for r in rows]), source=citation, licence=licence,
            note=f"Index: jede Reihe im ersten gezeigten Zeitraum = 100; Werte in {unit}" if as_index else "")
        return charts.line_chart(f"{section}-{indicator}-verlauf", caption, series, 1 if as_index else decimals,
                                 baseline=100.0 if as_index else None)

    def ranked(self, code: str, section: str, indicator: str, rows: list[Any]) -> charts.Chart | None:
        """The member Kreise ranked; a rate, share or per-inhabitant figure with the state's as reference line."""
        if all(r.value is None for r in rows):
            return None
        first = rows[0]
        unit, decimals = self.unit(first.unit)
        bars = [charts.Bar(r.member_name_de, r.value, self.flag(r.status), r.rank_in_region) for r in rows]
        reference = None
        if first.measure == "relative" and first.reference_value is not None:
            reference = charts.Reference(first.reference_name_de, first.reference_value)
        citation, licence = self.credit([*(r.member_code for r in rows), *([first.reference_code] if reference else [])], indicator)
        caption = charts.Caption(f"{self.figures.labels[indicator]}: die Kreise von {self.names[code]}", unit, period(first.period),
                                 citation, licence, "Rang unter den Kreisen der Region" + (f"; Linie: {reference.label}" if reference else ""))
        return charts.ranked_bar_chart(f"{section}-{indicator}-kreise", caption, bars, decimals, unit, reference)

    def releases(self, code: str, section: str, indicator: str, rows: list[Any]) -> charts.Chart | None:
        """One line per release of the figure (rows come ordered by release and period)."""
        by_release: dict[str, list[Any]] = defaultdict(list)
        for r in rows:
            by_release[r.release].append(r)
        unit, decimals = self.unit(rows[0].unit)
        series = [charts.Series(f"Stand {period(release)}", tuple(
                      charts.Point(float(p.period[:4]), p.period, p.value, self.flag(p.status)) for p in rel))
                  for release, rel in by_release.items()]
        citation, licence = self.credit([code], indicator)
        caption = charts.Caption(f"{self.figures.labels[indicator]}: {self.names[code]}, je Veröffentlichung", unit,
                                 _span([r.period for r in rows]), citation, licence,
                                 "Eine Linie je Veröffentlichung (Stand); Jahre nach dem Stand sind Prognosen")
        return charts.release_chart(f"{section}-{indicator}-staende", caption, series, decimals)

    # --- pages --------------------------------------------------------------------------------------------

    def region(self, code: str) -> RegionPage:
        info = self.figures.regions[code]
        members = tuple(Member(m, self.names.get(m, m)) for m in info.members)
        sections = []
        for s in self.layout.sections:
            drawn, without = [], []
            for kind, indicators, rows_of in (("releases", s.releases, self.figures.releases.get(code, {})),
                                              ("line", s.lines, self.figures.series.get(code, {})),
                                              ("ranked", s.ranked, self.figures.ranking.get(code, {}))):
                for indicator in indicators:
                    rows = rows_of.get(indicator)
                    chart = getattr(self, kind)(code, s.id, indicator, rows) if rows else None
                    if chart is not None:
                        drawn.append(chart)
                    elif kind != "ranked" or members:
                        without.append(self.figures.labels.get(indicator, indicator))
            sections.append(Section(s.id, s.title, tuple(drawn), tuple(dict.fromkeys(without))))
        return RegionPage(code, info.name_de, self.layout.levels.get(info.level, info.level), members,
                          self.tiles(code, self.layout.headline), tuple(sections))

    def overview(self, codes: list[str]) -> list[dict]:
        """Rows of the index page: each region with its overview figures."""
        return [{"code": code, "name": self.names[code], "level": self.layout.levels.get(self.figures.regions[code].level, ""),
                 "tiles": {t.label: t for t in self.tiles(code, self.layout.overview)}}
                for code in codes]

    def overview_columns(self) -> list[str]:
        return [self.figures.labels.get(i, i) for i in self.layout.overview]

    def data_status(self) -> list[dict]:
        return [{"source": r.source_name, "table": r.table_id, "newest_period": period(r.newest_period) if r.newest_period else NO_VALUE,
                 "newest_release": period(r.newest_release) if r.newest_release else "", "figures": number(r.figures),
                 "withheld": number(r.figures_withheld), "loaded": timestamp(r.last_loaded_at),
                 "provider_updated": r.provider_updated or NO_VALUE, "revised": number(r.revised_since_previous_publish),
                 "quarantined": r.batches_quarantined, "failed": r.batches_failed, "problems": r.problems or ""}
                for r in self.figures.data_status]

    def revisions(self, limit: int = 50) -> tuple[list[dict], int]:
        def shown(value: float | None, status: str | None, indicator: str) -> str:
            flag = self.flag(status)
            return number(value, self.unit(self.figures.units.get(indicator, ""))[1]) + (f" ({flag})" if flag else "")

        rows = self.figures.revisions
        return [{"indicator": r.indicator_label_de, "region": r.region_name_de, "period": period(r.period),
                 "before": shown(r.previous_value, r.previous_status, r.indicator_id), "after": shown(r.value, r.status, r.indicator_id)}
                for r in rows[:limit]], len(rows)
