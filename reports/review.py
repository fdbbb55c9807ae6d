"""The alliance's yearly review of its goals, measures and results: a page of the report (review/<alliance>-<year>.html)
with a table of the goals and their status, a chart per goal drawn by the report's chart module (the region's figures,
the target path, the state's development), the measures with their reported outputs, and the same as PDF and Excel.

Read-only from the published warehouse (reports/review_figures.py): the status, the path and every change are the
marts' (marts.goal_progress); this module only words and draws them. A made-up example register is marked "Beispiel"
in the page, the PDF and every sheet of the workbook.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any


from reports import charts
from reports.assets import copy_assets, embed_options, vendor_scripts
from reports.build import page_templates
from reports.downloads import sheet_names, write_downloads
from reports.files import write_bytes, write_text
from reports.formats import NO_VALUE, number, timestamp
from reports.layout import Layout, load_layout
from reports.printing import Printer
from reports.review_figures import REVIEW_ZONE, ReviewError, ReviewFigures, end_of_day, read_review
from reports.review_xlsx import review_workbook
from warehouse.connection import read_only

__all__ = ["ReviewError", "ReviewResult", "build_review", "review_page"]

STATUS_DE = {"reached": "erreicht", "on_track": "auf Kurs", "behind": "hinter dem Zielpfad", "no_data_yet": "noch keine Daten",
             "incomplete": "unvollständig"}
DIRECTION_DE = {"higher": "höher ist besser", "lower": "niedriger ist besser"}
KIND_DE = {"value": "Wert", "change_pct": "Veränderung in %", "change_points": "Veränderung in Punkten",
           "close_gap_to_state": "Abstand zum Land schließen"}
CHANGE_DE = {"title": "Titel", "region": "Region", "indicator": "Indikator", "direction": "Richtung"}


@dataclass(frozen=True)
class GoalRow:
    id: str
    title: str
    region: str
    indicator: str
    baseline: str
    target: str
    latest: str
    path: str
    gap: str
    change: str
    state_change: str
    status: str
    status_label: str
    review_year_label: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class GoalSection:
    anchor: str
    row: GoalRow
    direction: str
    partners: str
    note: str
    changes: tuple[str, ...]
    chart: charts.Chart | None


@dataclass(frozen=True)
class MeasureRow:
    id: str
    title: str
    partners: str
    years: str
    goals: str
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class ReviewPage:
    stem: str
    title: str
    lead: str
    example: bool
    goals: tuple[GoalSection, ...]
    measures: tuple[MeasureRow, ...]
    register_credit: str


@dataclass
class ReviewResult:
    html: Path
    xlsx: Path
    pdf: Path | None = None
    pdf_missing: str = ""  # why no PDF was printed (no Chromium)


def review_stem(alliance: str, year: int, as_of: datetime | None) -> str:
    return f"{alliance}-{year}" + (f"-stand-{as_of:%Y-%m-%d}" if as_of else "")


class Review:
    """Words and charts of one review, from its figures."""

    def __init__(self, figures: ReviewFigures, layout: Layout) -> None:
        self.f, self.layout = figures, layout

    def unit(self, unit: str) -> tuple[str, int]:
        u = self.layout.units.get(unit)
        return (u.label, u.decimals) if u else (unit, 1)

    def figure(self, value: float | None, unit: str) -> str:
        label, decimals = self.unit(unit)
        return NO_VALUE if value is None else f"{number(value, decimals)} {label}"

    def change(self, value: float | None, changes_in: str, unit: str) -> str:
        if value is None:
            return NO_VALUE
        return f"{number(value, self.unit(unit)[1], signed=True)} Pkt." if changes_in == "points" else f"{number(value, 1, signed=True)} %"

    def target(self, g: Any) -> str:
        by = f"bis {g.target_year}"
        if g.target_kind == "close_gap_to_state":
            return f"Abstand zu {g.state_name_de or 'dem Land'} schließen {by}"
        if g.target_kind == "value":
            return f"{self.figure(g.target_value, g.unit)} {by}"
        change = (f"{number(g.target_value, 1, signed=True)} %" if g.target_kind == "change_pct"
                  else f"{number(g.target_value, self.unit(g.unit)[1], signed=True)} Pkt.")
        reached = self.f.progress[g.goal_id][-1].target_level if self.f.progress.get(g.goal_id) else None
        return f"{change} {by}" + (f" (auf {self.figure(reached, g.unit)})" if reached is not None else "")

    def row(self, g: Any) -> GoalRow:
        flags = []
        if g.actual_status and g.actual_value is None:
            flags.append(self.layout.statuses.get(g.actual_status, g.actual_status)
                         + (f": es fehlen {', '.join(g.missing)}" if g.missing else ""))
        status = STATUS_DE[g.status] + (f" ({g.reached_in})" if g.status == "reached" else "")
        return GoalRow(
            id=g.goal_id, title=g.goal_title, region=g.region_name_de, indicator=g.indicator_label_de,
            baseline=f"{self.figure(g.baseline_value, g.unit)} ({g.baseline_year})", target=self.target(g),
            latest=f"{self.figure(g.actual_value, g.unit)} ({g.year})", path=self.figure(g.target_path, g.unit),
            gap=self.change(g.gap_to_path, g.changes_in, g.unit), change=self.change(g.change_since_baseline, g.changes_in, g.unit),
            state_change=(f"{g.state_name_de}: {self.change(g.state_change_since_baseline, g.changes_in, g.unit)}"
                          if g.state_change_since_baseline is not None else NO_VALUE),
            status=g.status, status_label=status, review_year_label=str(self.f.year), flags=tuple(flags))

    def changes(self, goal_id: str) -> tuple[str, ...]:
        """When the goal was set, and when and how it was changed (marts.goal_changes)."""
        out = []
        for v in self.f.changes.get(goal_id, []):
            when = v.since.astimezone(REVIEW_ZONE).strftime("%d.%m.%Y")
            if v.changed == ["set"]:
                out.append(f"festgelegt am {when}")
                continue
            what = []
            for field in v.changed:
                if field == "target_value":
                    what.append(f"Zielwert {_as_entered(v.previous_target_value)} → {_as_entered(v.target_value)}")
                elif field == "target_year":
                    what.append(f"Zieljahr {v.previous_target_year} → {v.target_year}")
                elif field == "baseline_year":
                    what.append(f"Basisjahr {v.previous_baseline_year} → {v.baseline_year}")
                elif field == "target_kind":
                    what.append(f"Zielart {KIND_DE[v.previous_target_kind]} → {KIND_DE[v.target_kind]}")
                else:
                    what.append(f"{CHANGE_DE[field]} geändert")
            if what:
                out.append(f"geändert am {when}: {', '.join(what)}")
        return tuple(out)

    def chart(self, g: Any) -> charts.Chart | None:
        """The region's figures up to the review year, the target path to the target year, the state's development; a count
        as an index (the baseline = 100), a rate or share as it is."""
        rows = self.f.progress.get(g.goal_id, [])
        as_index = g.changes_in == "percent"  # a count: drawn as an index
        unit, decimals = self.unit(g.unit)
        shown = [r for r in rows if r.year <= self.f.year]

        def points(value: str, of: list[Any], note: bool = False) -> tuple[charts.Point, ...]:
            return tuple(charts.Point(float(r.year), str(r.year), getattr(r, value),
                                      self.layout.statuses.get(r.actual_status, r.actual_status or "") if note else "") for r in of)

        series = [charts.Series(g.region_name_de, points("actual_index" if as_index else "actual_value", shown, note=True), "region"),
                  charts.Series("Zielpfad", points("target_path_index" if as_index else "target_path", rows), "target")]
        if g.state_code:
            series.append(charts.Series(g.state_name_de, points("state_index" if as_index else "state_value", shown), "state"))
        if not any(p.y is not None for s in series for p in s.points):
            return None
        credit = [self.f.credits.get((code, g.indicator_id), ("", "")) for code in (g.region_code, g.state_code) if code]
        citations = sorted({c for cit, _ in credit for c in cit.split(" | ") if c})
        licences = sorted({lic for _, li in credit for lic in li.split(" | ") if lic})
        caption = charts.Caption(
            title=f"{g.goal_id}: {g.indicator_label_de}, {g.region_name_de}" + (" (Beispiel)" if g.example else ""),
            unit=f"Index (Basisjahr {g.baseline_year} = 100)" if as_index else unit,
            period=f"{g.baseline_year} bis {g.target_year}", source="; ".join(citations) or NO_VALUE, licence="; ".join(licences) or NO_VALUE,
            note=("Zielpfad: " + ("Beispiel, erfundenes Ziel" if g.example else "Ziel der Partner (Register), keine Statistik")
                  + (f"; Index: jede Reihe im Basisjahr = 100, Werte in {unit}" if as_index else "")))
        anchor = _anchor(g.goal_id)
        return charts.line_chart(f"{anchor}-verlauf", caption, series, 1 if as_index else decimals, baseline=100.0 if as_index else None)

    def measures(self) -> tuple[MeasureRow, ...]:
        by_id: dict[str, list[Any]] = {}
        for r in self.f.measures:
            by_id.setdefault(r.measure_id, []).append(r)
        out = []
        for mid, rows in by_id.items():
            m = rows[0]
            outputs = tuple(f"{r.year}: {number(r.value, 0 if float(r.value).is_integer() else 1)} {r.unit} {r.output} (Quelle: {r.source})"
                            for r in rows if r.output is not None)
            goals = "; ".join(f"{gid} {title}" for gid, title in zip(m.goal_ids, m.goal_titles, strict=False)) or NO_VALUE
            out.append(MeasureRow(mid, m.measure_title, "; ".join(m.partners), f"{m.start_year}–{m.end_year or 'offen'}", goals, outputs))
        return tuple(out)

    def page(self) -> ReviewPage:
        f = self.f
        example = f.example
        goals = tuple(GoalSection(_anchor(g.goal_id), self.row(g), DIRECTION_DE[g.direction], "; ".join(g.partners) or NO_VALUE,
                                  g.note or "", self.changes(g.goal_id), self.chart(g)) for g in f.goals)
        known = f"Register und Zahlen wie am {f.as_of:%d.%m.%Y} veröffentlicht" if f.as_of else "Register und Zahlen wie derzeit veröffentlicht"
        title = ("Beispiel – " if example else "") + f"Ziele, Maßnahmen und Ergebnisse {f.year}: {f.alliance_name}"
        lead = (f"Jahresrückblick des Bündnisses {f.alliance_name} mit Zahlen bis {f.year}. {known} "
                f"(Stand des Datenbestands: {timestamp(f.published)}).")
        credit = ("erfundenes Beispiel, keine Angaben der Partner" if example
                  else "Angaben der Partner im Register des Bündnisses (keine amtliche Statistik)")
        return ReviewPage(review_stem(f.alliance, f.year, f.as_of), title, lead, example, goals, self.measures(), credit)


def _as_entered(value: float | None) -> str:
    """A target value as the register gives it: German, without trailing zeros (2,8; 105; −10)."""
    if value is None:
        return NO_VALUE
    text = number(value, 6)
    return text.rstrip("0").rstrip(",")


def _anchor(goal_id: str) -> str:
    return "ziel-" + (re.sub(r"[^a-z0-9]+", "-", goal_id.lower()).strip("-") or "x")


def review_page(figures: ReviewFigures, layout: Layout | None = None) -> ReviewPage:
    return Review(figures, layout or load_layout()).page()


def build_review(db_path: Path, out_dir: Path, alliance: str, year: int, as_of: date | None = None, pdf: bool = True) -> ReviewResult:
    """Write the review of `alliance` for `year` (figures up to that year; `as_of`: as published at the end of that day)
    into `out_dir`/review/: the page, the numbers of each chart (CSV, XLSX), the workbook and the PDF."""
    if not db_path.exists():
        raise ReviewError(f"no published warehouse at {db_path}: run `labour-monitor run` first")
    moment = end_of_day(as_of) if as_of else None
    con = read_only(db_path)
    try:
        figures = read_review(con, alliance, year, moment)
    finally:
        con.close()
    page = review_page(figures)
    folder = out_dir / "review"
    copy_assets(out_dir)
    result = ReviewResult(folder / f"{page.stem}.html", folder / f"{page.stem}.xlsx")
    chart_list = [goal.chart for goal in page.goals if goal.chart is not None]
    workbook = f"{page.stem}-grafiken.xlsx"
    write_text(result.html, page_templates().get_template("review.html.j2").render(
        page=page, root="../", pdf=pdf, downloads=f"downloads/{page.stem}/", workbook=workbook,
        sheets=sheet_names(chart_list), chart_options=embed_options(), vendor_scripts=vendor_scripts("../")))
    downloads = folder / "downloads" / page.stem
    shutil.rmtree(downloads, ignore_errors=True)
    write_downloads(chart_list, downloads, workbook)
    write_bytes(result.xlsx, review_workbook(page, figures))
    if pdf:
        with Printer(folder) as printer:
            printer.add(page.stem, result.html)
        result.pdf = printer.printed.pdfs.get(page.stem)
        result.pdf_missing = printer.printed.missing
    return result
