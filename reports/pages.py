"""The content of the report's pages, from the marts' rows (reports/figures.py): headline tiles, one section
per topic with its charts, and the index page's overview and data status. Text only; no statistic is
computed here: values, changes, indices and ranks are the marts'."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from reports import charts
from reports.figures import Figures
from reports.formats import NO_VALUE, number, period, timestamp
from reports.layout import Layout

STEP = {"A": ("Vorjahr", "5 Jahre"), "Q": ("Vorquartal", "5 Quartale"), "M": ("Vormonat", "5 Monate")}


def _value(v: object) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _span(periods: list[str]) -> str:
    """The periods a chart covers, in German."""
    first, last = min(periods), max(periods)
    return period(first) if first == last else f"{period(first)} bis {period(last)}"


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


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
    sources: tuple[str, ...]


@dataclass
class Pages:
    """Builds the pages of one report from the figures read for it."""

    figures: Figures
    layout: Layout
    names: dict[str, str] = field(init=False)
    labels: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.names = dict(zip(self.figures.regions["region_code"], self.figures.regions["name_de"], strict=True))
        self.labels = dict(zip(self.figures.indicators["indicator_id"], self.figures.indicators["label_de"], strict=True))

    # --- pieces ---------------------------------------------------------------------------------------

    def unit(self, unit: str) -> tuple[str, int]:
        u = self.layout.units.get(unit)
        return (u.label, u.decimals) if u else (unit, 1)

    def flag(self, status: object) -> str:
        s = _text(status)
        return self.layout.statuses.get(s, s) if s and s != "final" else ""

    def credit(self, regions: list[str], indicator: str) -> tuple[str, str]:
        citations, licences = set(), set()
        for r in regions:
            c, lic = self.figures.credits.get((r, indicator), ("", ""))
            citations.update(x for x in c.split(" | ") if x)
            licences.update(x for x in lic.split(" | ") if x)
        return "; ".join(sorted(citations)) or NO_VALUE, "; ".join(sorted(licences)) or NO_VALUE

    # --- tiles ------------------------------------------------------------------------------------------

    def tiles(self, code: str, indicators: tuple[str, ...]) -> tuple[Tile, ...]:
        rows = self.figures.headline.get(code)
        if rows is None:
            return ()
        by_indicator = {r.indicator_id: r for r in rows.itertuples(index=False)}
        return tuple(self._tile(by_indicator[i]) for i in indicators if i in by_indicator)

    def _tile(self, r: object) -> Tile:
        unit, decimals = self.unit(r.unit)
        previous, five = STEP.get(r.freq, ("Vorperiode", "5 Perioden"))
        relative = r.measure == "relative"
        changes = []
        for label, absolute, pct in ((f"ggü. {previous}", r.change_previous, r.change_previous_pct),
                                     (f"über {five}", r.change_5_periods, r.change_5_periods_pct)):
            change = _value(absolute) if relative else _value(pct)
            if change is not None:
                changes.append(f"{label}: {number(change, decimals if relative else 1, signed=True)} {'Pkt.' if relative else '%'}")
        comparison = ""
        if _value(r.index_reference_100) is not None:
            comparison = (f"Index ({r.reference_name_de} = 100): {number(r.index_reference_100, 1)}" if relative
                          else f"Anteil an {r.reference_name_de}: {number(r.index_reference_100, 1)} %")
        flags = tuple(f for f in (self.flag(r.status), f"Stand {period(r.release)}" if _text(r.release) else "") if f)
        return Tile(r.indicator_label_de, number(_value(r.value), decimals), unit, period(r.period), flags, tuple(changes), comparison)

    # --- charts -------------------------------------------------------------------------------------------

    def line(self, code: str, section: str, indicator: str, rows: pd.DataFrame) -> charts.Chart | None:
        as_index = rows["measure"].iloc[0] == "count" and indicator not in self.layout.as_values
        if as_index:  # the index starts at its base: the first period shown is the one = 100
            rows = rows[rows["period_index"] >= rows.loc[rows["period"] == rows["base_period"], "period_index"].min()]
        plotted = "index_base_100" if as_index else "value"
        unit, decimals = self.unit(rows["unit"].iloc[0])
        series = []
        for role in ("region", "state", "country"):
            own = rows[rows["series_role"] == role]
            if own.empty:
                continue
            points = tuple(charts.Point(float(p.period_index), period(p.period), _value(getattr(p, plotted)), self.flag(p.status))
                           for p in own.itertuples(index=False))
            series.append(charts.Series(own["series_name_de"].iloc[0], points, role))
        if not any(p.y is not None for s in series for p in s.points):
            return None
        citation, licence = self.credit(rows["series_code"].unique().tolist(), indicator)
        caption = charts.Caption(
            title=f"{self.labels[indicator]}: {self.names[code]} im Vergleich",
            unit=f"Index ({period(rows['base_period'].iloc[0])} = 100)" if as_index else unit,
            period=_span(rows["period"].tolist()),
            source=citation, licence=licence,
            note=f"Index: jede Reihe im ersten gezeigten Zeitraum = 100; Werte in {unit}" if as_index else "")
        return charts.line_chart(f"{section}-{indicator}-verlauf", caption, series, 1 if as_index else decimals,
                                 baseline=100.0 if as_index else None)

    def ranked(self, code: str, section: str, indicator: str, rows: pd.DataFrame) -> charts.Chart | None:
        if rows["value"].notna().sum() == 0:
            return None
        first = rows.iloc[0]
        unit, decimals = self.unit(first["unit"])
        bars = [charts.Bar(r.member_name_de, _value(r.value), self.flag(r.status), None if pd.isna(r.rank_in_region) else int(r.rank_in_region))
                for r in rows.itertuples(index=False)]
        reference = None
        if first["measure"] == "relative" and _value(first["reference_value"]) is not None:
            reference = charts.Reference(first["reference_name_de"], float(first["reference_value"]))
        citation, licence = self.credit([*rows["member_code"], *([first["reference_code"]] if reference else [])], indicator)
        caption = charts.Caption(f"{self.labels[indicator]}: die Kreise von {self.names[code]}", unit, period(first["period"]),
                                 citation, licence, "Rang unter den Kreisen der Region" + (f"; Linie: {reference.label}" if reference else ""))
        return charts.ranked_bar_chart(f"{section}-{indicator}-kreise", caption, bars, decimals, unit, reference)

    def releases(self, code: str, section: str, indicator: str, rows: pd.DataFrame) -> charts.Chart | None:
        unit, decimals = self.unit(rows["unit"].iloc[0])
        series = [charts.Series(f"Stand {period(release)}",
                                tuple(charts.Point(float(p.period[:4]), p.period, _value(p.value), self.flag(p.status))
                                      for p in rel.itertuples(index=False)))
                  for release, rel in rows.groupby("release", sort=True)]
        citation, licence = self.credit([code], indicator)
        caption = charts.Caption(f"{self.labels[indicator]}: {self.names[code]}, je Veröffentlichung", unit,
                                 _span(rows["period"].tolist()), citation, licence,
                                 "Eine Linie je Veröffentlichung (Stand); Jahre nach dem Stand sind Prognosen")
        return charts.release_chart(f"{section}-{indicator}-staende", caption, series, decimals)

    # --- pages --------------------------------------------------------------------------------------------

    def region(self, code: str) -> RegionPage:
        info = self.figures.regions.set_index("region_code").loc[code]
        members = tuple(Member(m, self.names.get(m, m)) for m in info["members"])
        sections = []
        for s in self.layout.sections:
            drawn, without = [], []
            for kind, indicators, frames in (("releases", s.releases, self.figures.releases), ("line", s.lines, self.figures.series),
                                             ("ranked", s.ranked, self.figures.ranking)):
                rows_of = frames.get(code)
                for indicator in indicators:
                    rows = None if rows_of is None else rows_of[rows_of["indicator_id"] == indicator]
                    chart = None if rows is None or rows.empty else getattr(self, kind)(code, s.id, indicator, rows)
                    if chart is not None:
                        drawn.append(chart)
                    elif kind != "ranked" or members:
                        without.append(self.labels.get(indicator, indicator))
            sections.append(Section(s.id, s.title, tuple(drawn), tuple(dict.fromkeys(without))))
        sources = sorted({c.caption.source for sec in sections for c in sec.charts})
        return RegionPage(code, info["name_de"], self.layout.levels.get(info["level"], info["level"]), members,
                          self.tiles(code, self.layout.headline), tuple(sections), tuple(sources))

    def overview(self, codes: list[str]) -> list[dict]:
        """Rows of the index page: each region with its overview figures."""
        out = []
        for code in codes:
            cells = {t.label: t for t in self.tiles(code, self.layout.overview)}
            out.append({"code": code, "name": self.names[code], "tiles": cells})
        return out

    def overview_columns(self) -> list[str]:
        return [self.labels.get(i, i) for i in self.layout.overview]

    def data_status(self) -> list[dict]:
        return [{"source": r.source_name, "table": r.table_id, "newest_period": period(_text(r.newest_period)) or NO_VALUE,
                 "newest_release": period(_text(r.newest_release)), "figures": number(r.figures),
                 "withheld": number(r.figures_withheld), "loaded": timestamp(None if pd.isna(r.last_loaded_at) else r.last_loaded_at),
                 "provider_updated": _text(r.provider_updated) or NO_VALUE, "revised": number(r.revised_since_previous_publish),
                 "quarantined": int(r.batches_quarantined), "failed": int(r.batches_failed), "problems": _text(r.problems)}
                for r in self.figures.data_status.itertuples(index=False)]

    def revisions(self, limit: int = 50) -> tuple[list[dict], int]:
        rows = self.figures.revisions
        units = {i: self.unit(u)[1] for i, u in zip(self.figures.indicators["indicator_id"], self.figures.indicators["unit"], strict=True)}
        return [{"indicator": r.indicator_label_de, "region": r.region_name_de, "period": period(r.period),
                 "before": number(_value(r.previous_value), units.get(r.indicator_id, 1)) + (f" ({self.flag(r.previous_status)})" if self.flag(r.previous_status) else ""),
                 "after": number(_value(r.value), units.get(r.indicator_id, 1)) + (f" ({self.flag(r.status)})" if self.flag(r.status) else "")}
                for r in rows.head(limit).itertuples(index=False)], len(rows)
