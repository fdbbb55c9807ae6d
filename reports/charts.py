"""The one chart module of the report and the goals review: charts drawn at build time as inline SVG.

Three generic charts: series over time (`line_chart`), a ranked bar chart with an optional reference line
(`ranked_bar_chart`), and one line per release of a forecast (`release_chart`). Each returns a `Chart`: the
SVG (title and description for screen readers), its caption (title, unit, period, source, licence) and a
table of exactly the numbers it plots, for the page and for the CSV/XLSX download. The caller passes the
figures as a mart gave them; nothing here computes a statistic.

Drawn at build time because a page must open without any request to a host, and fast enough for hundreds
of pages (README, "The regional report", says why not Vega-Lite).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from reports.formats import NO_VALUE, number
from reports.scales import Linear, ticks

WIDTH, LINE_HEIGHT = 720, 300
MARGIN = {"top": 30, "right": 24, "bottom": 62, "left": 84}
BAR_ROW, BAR_LABEL = 26, 230
MAX_X_LABELS = 10
# Region, its state, Germany; releases from the oldest (light) to the newest (dark).
COLOURS = {"region": "#0b5394", "state": "#d9822b", "country": "#5f6368", "target": "#38761d"}
DASHES = {"country": "6 4", "target": "2 3"}
RELEASE_COLOURS = ("#b3cde0", "#8fb6d5", "#6497c5", "#3d78b0", "#1f5a96", "#0b3d73", "#062650")


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
    svg: Markup
    table: Table


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "charts"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _cell(value: float | None, note: str, decimals: int) -> str:
    text = number(value, decimals)
    return f"{text} ({note})" if note else text


def _x_labels(points: Sequence[Point]) -> list[Point]:
    """Every distinct x with its label, thinned to at most MAX_X_LABELS."""
    by_x = {p.x: p for p in sorted(points, key=lambda p: p.x)}
    shown = list(by_x.values())
    step = -(-len(shown) // MAX_X_LABELS)
    return shown[::step] if step > 1 else shown


def _paths(series: Series, x: Linear, y: Linear) -> list[str]:
    """SVG path data of a series, broken where a figure is missing."""
    runs: list[list[str]] = [[]]
    for p in sorted(series.points, key=lambda p: p.x):
        if p.y is None:
            runs.append([])
        else:
            runs[-1].append(f"{x(p.x)},{y(p.y)}")
    return ["M" + " L".join(run) for run in runs if len(run) > 1]


def line_chart(chart_id: str, caption: Caption, series: Sequence[Series], decimals: int, baseline: float | None = None,
               kind: str = "line", colours: dict[str, str] | None = None) -> Chart:
    """Series over time; `baseline` draws a reference line (100 for an index)."""
    points = [p for s in series for p in s.points]
    ys = [p.y for p in points if p.y is not None] + ([baseline] if baseline is not None else [])
    tick_values = ticks(min(ys), max(ys)) if ys else [0.0, 1.0]
    height = LINE_HEIGHT
    x = Linear(min(p.x for p in points), max(p.x for p in points), MARGIN["left"] + 10, WIDTH - MARGIN["right"] - 10)
    y = Linear(tick_values[0], tick_values[-1], height - MARGIN["bottom"], MARGIN["top"])
    colours = colours or COLOURS
    drawn = [{"name": s.name, "role": s.role, "colour": colours.get(s.name, colours.get(s.role, "#333")),
              "dash": DASHES.get(s.role, ""), "paths": _paths(s, x, y),
              "dots": [{"cx": x(p.x), "cy": y(p.y), "title": f"{s.name}, {p.label}: {_cell(p.y, p.note, decimals)}"}
                       for p in s.points if p.y is not None]} for s in series]
    svg = _templates().get_template("line.svg.j2").render(
        id=chart_id, title=caption.title, width=WIDTH, height=height, margin=MARGIN,
        description=f"{caption.unit}, {caption.period}: " + "; ".join(s.name for s in series),
        y_ticks=[{"y": y(v), "label": number(v, _tick_decimals(tick_values))} for v in tick_values],
        x_ticks=[{"x": x(p.x), "label": p.label} for p in _x_labels(points)],
        baseline=None if baseline is None else {"y": y(baseline), "label": number(baseline)}, series=drawn,
        y_title=caption.unit, legend=_legend(drawn, height - 16))
    periods = sorted({(p.x, p.label) for p in points})
    lookup = {(s.name, p.x): p for s in series for p in s.points}
    columns = ("Zeitraum", *(s.name for s in series))
    values = tuple((label, *(getattr(lookup.get((s.name, xv)), "y", None) for s in series)) for xv, label in periods)
    cells = tuple((label, *(_cell(p.y, p.note, decimals) if (p := lookup.get((s.name, xv))) else NO_VALUE for s in series))
                  for xv, label in periods)
    return Chart(chart_id, kind, caption, Markup(svg), Table(columns, values, cells))


def release_chart(chart_id: str, caption: Caption, releases: Sequence[Series], decimals: int) -> Chart:
    """One line per release of a forecast (oldest light, newest dark), so that revisions between releases show."""
    colours = {s.name: RELEASE_COLOURS[min(i * len(RELEASE_COLOURS) // max(len(releases), 1), len(RELEASE_COLOURS) - 1)]
               for i, s in enumerate(releases)}
    return line_chart(chart_id, caption, [Series(s.name, s.points, "release") for s in releases], decimals,
                      baseline=0.0 if any(p.y is not None and p.y < 0 for s in releases for p in s.points) else None,
                      kind="release", colours=colours)


def ranked_bar_chart(chart_id: str, caption: Caption, bars: Sequence[Bar], decimals: int, value_label: str,
                     reference: Reference | None = None) -> Chart:
    """Bars from the highest figure down (a missing figure last, without a bar), with an optional reference line."""
    ranked = sorted(bars, key=lambda b: (b.value is None, -(b.value or 0.0), b.label))
    values = [b.value for b in ranked if b.value is not None] + ([reference.value] if reference else [])
    tick_values = ticks(min(0.0, *values), max(0.0, *values)) if values else [0.0, 1.0]
    height = MARGIN["top"] + BAR_ROW * len(ranked) + MARGIN["bottom"]
    x = Linear(tick_values[0], tick_values[-1], BAR_LABEL, WIDTH - MARGIN["right"] - 60)
    rows = []
    for i, b in enumerate(ranked):
        top = MARGIN["top"] + i * BAR_ROW
        start, end = (x(0.0), x(b.value)) if b.value is not None else (x(0.0), x(0.0))
        rows.append({"label": b.label, "y": top, "mid": top + BAR_ROW / 2, "x": min(start, end), "width": abs(end - start),
                     "value": _cell(b.value, b.note, decimals), "drawn": b.value is not None, "end": max(start, end)})
    svg = _templates().get_template("bar.svg.j2").render(
        id=chart_id, title=caption.title, width=WIDTH, height=height, margin=MARGIN, bar_height=BAR_ROW - 8,
        description=f"{caption.unit}, {caption.period}: " + "; ".join(f"{r['label']} {r['value']}" for r in rows),
        x_ticks=[{"x": x(v), "label": number(v, _tick_decimals(tick_values))} for v in tick_values], rows=rows,
        zero=x(0.0), bottom=height - MARGIN["bottom"], colour=COLOURS["region"], label_x=8,
        reference=None if reference is None else {"x": x(reference.value), "label": f"{reference.label}: {number(reference.value, decimals)}",
                                                  "colour": COLOURS["state"]})
    columns = ("Rang", "Region", value_label)
    table_values = tuple(("" if b.rank is None else str(b.rank), b.label, b.value) for b in ranked)
    cells = tuple((rank, label, _cell(v, b.note, decimals)) for (rank, label, v), b in zip(table_values, ranked, strict=True))
    if reference is not None:
        table_values += (("", f"{reference.label} (Referenz)", reference.value),)
        cells += (("", f"{reference.label} (Referenz)", number(reference.value, decimals)),)
    return Chart(chart_id, "bar", caption, Markup(svg), Table(columns, table_values, cells))


def _legend(drawn: list[dict], y: float) -> list[dict]:
    """Legend entries in a row under the axis (text width estimated at 7 units a character)."""
    out, x = [], float(MARGIN["left"])
    for s in drawn:
        out.append({"x": x, "y": y, "name": s["name"], "colour": s["colour"], "dash": s["dash"]})
        x += 40 + 7 * len(s["name"])
    return out


def _tick_decimals(tick_values: Sequence[float]) -> int:
    step = abs(tick_values[1] - tick_values[0]) if len(tick_values) > 1 else 1.0
    return 0 if step >= 1 else min(3, len(f"{step:.10f}".rstrip("0").split(".")[1]))
