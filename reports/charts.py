"""The one chart module of the report and the goals review: each chart a Vega-Lite spec, drawn in the reader's
browser.

Three generic charts: series over time (`line_chart`), a ranked bar chart with an optional reference line
(`ranked_bar_chart`), and one line per release of a forecast (`release_chart`). Each returns a `Chart`: its
Vega-Lite 5 spec (plain data, with an accessible description), its caption (title, unit, period, source,
licence) and a table of exactly the numbers it plots, for the page and for the CSV/XLSX download; the spec's
data and the table are made from the same figures. The caller passes the figures as a mart gave them; nothing
here computes a statistic.

The page embeds each spec and draws it with Vega from the report's own copy of its scripts (reports/assets.py),
in German number formats (a d3-format locale); numbers written here as text (the table, the labels at the
bars) come from reports/formats.py. Specs are built as plain dicts: Altair took 40-65 ms per chart, minutes
for a large report (README, "The regional report").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reports.formats import NO_VALUE, number

WIDTH, LINE_HEIGHT = 720, 220  # the whole chart's width (axes and legend included); a line chart's plot height
BAR_ROW, BAR_LABEL = 26, 220  # a bar's row; the room for a region's name
MAX_X_LABELS = 8
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
# Region, its state, Germany; releases from the oldest (light) to the newest (dark).
COLOURS = {"region": "#0b5394", "state": "#d9822b", "country": "#5f6368", "target": "#38761d"}
DASHES = {"country": [6, 4], "target": [2, 3]}
SOLID = [1, 0]
RELEASE_COLOURS = ("#b3cde0", "#8fb6d5", "#6497c5", "#3d78b0", "#1f5a96", "#0b3d73", "#062650")
CONFIG = {"font": FONT, "view": {"stroke": None}, "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e3e3e3"},
          "legend": {"labelFontSize": 12, "orient": "bottom", "title": None, "symbolType": "stroke", "symbolStrokeWidth": 3,
                     "labelLimit": 400, "columns": 4}}


@dataclass(frozen=True)
class Point:
    x: float  # position on the time axis (period index or year: proportional to time)
    label: str  # the period as a reader reads it
    y: float | None  # the plotted figure; None draws a gap
    note: str = ""  # why a figure is missing or flagged (status), shown in the table


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]
    role: str = "region"  # region, state, country, target or release: its colour and dash


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""
    rank: int | None = None  # as the mart ranks it (ties share a rank)


@dataclass(frozen=True)
class Reference:
    label: str
    value: float


@dataclass(frozen=True)
class Caption:
    title: str
    unit: str  # what the numbers are: "Personen", "Index (31.12.2023 = 100)"
    period: str
    source: str
    licence: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    """The plotted numbers: `values` as they are (downloads), `cells` as the page shows them."""

    columns: tuple[str, ...]
    values: tuple[tuple[str | float | None, ...], ...]
    cells: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    id: str
    kind: str  # line, bar or release
    caption: Caption
    spec: dict[str, Any]  # Vega-Lite 5
    table: Table


def _cell(value: float | None, note: str, decimals: int) -> str:
    text = number(value, decimals)
    return f"{text} ({note})" if note else text


def _format(decimals: int) -> str:
    """A d3 number format: thousands grouped, `decimals` places (the page's locale makes them German)."""
    return f",.{decimals}f"


def _x_labels(points: Sequence[Point]) -> list[Point]:
    """Every distinct x with its label, thinned to at most MAX_X_LABELS."""
    by_x = {p.x: p for p in sorted(points, key=lambda p: p.x)}
    shown = list(by_x.values())
    step = -(-len(shown) // MAX_X_LABELS)
    return shown[::step] if step > 1 else shown


def _tooltip(fields: dict[str, str], value: str, decimals: int) -> dict[str, str]:
    """A mark's tooltip: `fields` (title -> field) as they are, the value titled `value` in the page's number
    format, and the note; a field a row lacks (a note, a rank) is left out, where Vega-Lite's tooltip encoding
    would show "undefined"."""
    shown = [f"{json.dumps(title)}: datum[{json.dumps(field)}]" for title, field in fields.items()]
    shown += [f"{json.dumps(value)}: format(datum.value, {json.dumps(_format(decimals))})", '"Hinweis": datum.note']
    return {"expr": "{" + ", ".join(shown) + "}"}


def _spec(caption: Caption, description: str, layers: list[dict[str, Any]], **properties: Any) -> dict[str, Any]:
    """A layered chart WIDTH wide: `description` is what a screen reader reads out (Vega's aria-label)."""
    return {"description": f"{caption.title}. {caption.unit}, {caption.period}: {description}",
            "width": WIDTH, "autosize": {"type": "fit-x", "contains": "padding"}, **properties, "config": CONFIG, "layer": layers}


def line_chart(chart_id: str, caption: Caption, series: Sequence[Series], decimals: int, baseline: float | None = None,
               kind: str = "line", colours: dict[str, str] | None = None) -> Chart:
    """Series over time (a missing figure breaks its line); `baseline` draws a reference line (100 for an index)."""
    colours = colours or COLOURS
    points = [p for s in series for p in s.points]
    rows = [{"series": s.name, "x": p.x, "period": p.label, "value": p.y, **({"note": p.note} if p.note else {})}
            for s in series for p in sorted(s.points, key=lambda p: p.x)]
    labelled = _x_labels(points)
    names = [s.name for s in series]
    x = {"field": "x", "type": "quantitative", "title": None, "scale": {"zero": False, "nice": False},
         "axis": {"values": [p.x for p in labelled], "labelAngle": 0, "grid": False, "labelOverlap": "greedy", "labelSeparation": 8,
                  "labelExpr": f"{json.dumps([p.label for p in labelled], ensure_ascii=False)}"
                               f"[indexof({json.dumps([p.x for p in labelled])}, datum.value)]"}}
    y = {"field": "value", "type": "quantitative", "title": caption.unit, "scale": {"zero": False},
         "axis": {"titleAngle": 0, "titleAlign": "left", "titleAnchor": "end", "titleY": -12, "titleX": -8}}
    encoding = {"x": x, "y": y,
                "color": {"field": "series", "type": "nominal", "scale": {"domain": names, "range": [
                    colours.get(s.name, colours.get(s.role, "#333")) for s in series]}},
                "strokeDash": {"field": "series", "type": "nominal", "scale": {"domain": names, "range": [
                    DASHES.get(s.role, SOLID) for s in series]}}}
    layers: list[dict[str, Any]] = [{"encoding": encoding, "layer": [
        {"mark": {"type": "line", "strokeWidth": 2.5, "invalid": "break-paths-filter-domains"}},
        {"mark": {"type": "point", "filled": True, "size": 40, "opacity": 1,
                  "tooltip": _tooltip({"Reihe": "series", "Zeitraum": "period"}, caption.unit, decimals)},
         "encoding": {"strokeDash": {"value": SOLID}}}]}]
    if baseline is not None:
        layers.append({"data": {"values": [{}]}, "mark": {"type": "rule", "strokeWidth": 1},
                       "encoding": {"y": {"datum": baseline}, "color": {"value": "#222"}, "strokeDash": {"value": [3, 3]}}})
    spec = _spec(caption, "; ".join(names), layers, height=LINE_HEIGHT)
    spec["data"] = {"values": rows}
    periods = sorted({(p.x, p.label) for p in points})
    lookup = {(s.name, p.x): p for s in series for p in s.points}
    columns = ("Zeitraum", *names)
    values = tuple((label, *(getattr(lookup.get((s.name, xv)), "y", None) for s in series)) for xv, label in periods)
    cells = tuple((label, *(_cell(p.y, p.note, decimals) if (p := lookup.get((s.name, xv))) else NO_VALUE for s in series))
                  for xv, label in periods)
    return Chart(chart_id, kind, caption, spec, Table(columns, values, cells))


def release_chart(chart_id: str, caption: Caption, releases: Sequence[Series], decimals: int) -> Chart:
    """One line per release of a forecast (oldest light, newest dark), so that revisions between releases show."""
    colours = {s.name: RELEASE_COLOURS[min(i * len(RELEASE_COLOURS) // max(len(releases), 1), len(RELEASE_COLOURS) - 1)]
               for i, s in enumerate(releases)}
    return line_chart(chart_id, caption, [Series(s.name, s.points, "release") for s in releases], decimals,
                      baseline=0.0 if any(p.y is not None and p.y < 0 for s in releases for p in s.points) else None,
                      kind="release", colours=colours)


def ranked_bar_chart(chart_id: str, caption: Caption, bars: Sequence[Bar], decimals: int, value_label: str,
                     reference: Reference | None = None) -> Chart:
    """Bars from the highest figure down (a missing figure last, without a bar: its label says why), with an
    optional reference line."""
    ranked = sorted(bars, key=lambda b: (b.value is None, -(b.value or 0.0), b.label))
    cells = [_cell(b.value, b.note, decimals) for b in ranked]
    rows = [{"region": b.label, "value": b.value, "text": cell, **({"rank": b.rank} if b.rank is not None else {}),
             **({"note": b.note} if b.note else {})} for b, cell in zip(ranked, cells, strict=True)]
    x = {"field": "value", "type": "quantitative", "title": value_label, "scale": {"zero": True}}
    y = {"field": "region", "type": "nominal", "title": None, "sort": [b.label for b in ranked],
         "axis": {"labelLimit": BAR_LABEL, "ticks": False, "domain": False}}
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "bar", "color": COLOURS["region"], "height": {"band": 0.7},
                  "tooltip": _tooltip({"Region": "region", "Rang": "rank"}, value_label, decimals)},
         "encoding": {"x": x, "y": y}},
        # the figure beside its bar, as the table shows it; a missing figure's "–" at the zero line
        {"transform": [{"calculate": "isValid(datum.value) ? max(datum.value, 0) : 0", "as": "at"}],
         "mark": {"type": "text", "align": "left", "dx": 6, "color": "#222", "fontSize": 12},
         "encoding": {"x": {"field": "at", "type": "quantitative"}, "y": y, "text": {"field": "text", "type": "nominal"}}}]
    description = "; ".join(f"{b.label} {cell}" for b, cell in zip(ranked, cells, strict=True))
    if reference is not None:
        shown = f"{reference.label}: {number(reference.value, decimals)}"
        layers.append({"data": {"values": [{"reference": shown, "value": reference.value}]},
                       "mark": {"type": "rule", "strokeWidth": 2, "strokeDash": [5, 3]},
                       "encoding": {"x": {"field": "value", "type": "quantitative"},
                                    "color": {"field": "reference", "type": "nominal", "scale": {"range": [COLOURS["state"]]},
                                              "legend": {"symbolDash": [5, 3]}},
                                    "tooltip": {"field": "reference", "type": "nominal"}}})
        description += f"; Linie: {shown}"
    # room on the right for the label beside the longest bar
    spec = _spec(caption, description, layers, height={"step": BAR_ROW}, padding={"left": 5, "top": 5, "bottom": 5, "right": 60})
    spec["data"] = {"values": rows}
    columns = ("Rang", "Region", value_label)
    table_values = tuple(("" if b.rank is None else str(b.rank), b.label, b.value) for b in ranked)
    table_cells = tuple((rank, label, cell) for (rank, label, _), cell in zip(table_values, cells, strict=True))
    if reference is not None:
        table_values += (("", f"{reference.label} (Referenz)", reference.value),)
        table_cells += (("", f"{reference.label} (Referenz)", number(reference.value, decimals)),)
    return Chart(chart_id, "bar", caption, spec, Table(columns, table_values, table_cells))
