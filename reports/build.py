"""Build the regional report from the published warehouse: the index page, a page per region with every chart's
numbers as CSV and in the page's XLSX workbook, and one PDF per partner region (the meeting pack, printed by
headless Chromium while the other pages are written: reports/printing.py).

Pages are rendered from the marts (read-only) and compared with what the last build wrote (`manifest.json`:
a hash per page): with `only_changed`, a page whose content is the same is left as it is, with its downloads
and its PDF. The index page is written on every build. A lock keeps two builds of one folder apart.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb
import jinja2

from reports.assets import copy_assets, embed_options, vendor_scripts
from reports.downloads import sheet_names, write_downloads
from reports.figures import read_figures
from reports.files import write_text
from reports.formats import timestamp
from reports.layout import Layout, load_layout
from reports.pages import Pages
from reports.printing import Printer
from warehouse.connection import read_only

HERE = Path(__file__).parent
MANIFEST = "manifest.json"
# The index lists the networks' own regions first, then each state with its partner regions, Regierungsbezirke and
# Kreise in this order (a state's section is open when a network lies in it).
NETWORK_LEVEL = "partner"
STATE_ORDER = ("aa_district", "regionalverband", "regbez", "kreis")
AGGREGATE = ("aa_district", "regionalverband")


class ReportError(ValueError):
    """No published warehouse, an unknown region, or a layout naming what the warehouse does not know."""


@dataclass
class BuildResult:
    out_dir: Path
    index: Path
    pages: dict[str, Path] = field(default_factory=dict)  # every region page built or kept
    written: list[str] = field(default_factory=list)  # regions whose page was (re)written
    unchanged: list[str] = field(default_factory=list)  # regions whose page stayed as it was
    pdfs: dict[str, Path] = field(default_factory=dict)
    pdf_missing: str = ""  # why no PDF was printed (no Chromium)
    seconds: dict[str, float] = field(default_factory=dict)  # per page written, PDF included
    total_seconds: float = 0.0


@cache
def page_templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def partner_regions(con: duckdb.DuckDBPyConnection, layout: Layout) -> list[str]:
    return [c for (c,) in con.execute("SELECT region_code FROM core.regions WHERE list_contains(?, level) ORDER BY region_code",
                                      [list(layout.partner_levels)]).fetchall()]


def network_regions(con: duckdb.DuckDBPyConnection, layout: Layout) -> list[str]:
    """The report's default regions: the networks' own regions (level partner: Heilbronn-Franken, networks/*.yaml) and
    every partner region sharing a Kreis with one (their Agentur districts and Regionalverbände); with 400 Kreise and
    about 150 Agentur districts in the catalog, any other region's page is built on demand."""
    return [c for (c,) in con.execute(
        """SELECT DISTINCT p.region_code FROM core.regions p JOIN core.regions n
               ON n.level = ? AND (p.region_code = n.region_code OR len(list_intersect(p.members, n.members)) > 0)
           WHERE list_contains(?, p.level) ORDER BY 1""", [NETWORK_LEVEL, list(layout.partner_levels)]).fetchall()]


def resolve(con: duckdb.DuckDBPyConnection, layout: Layout, regions: list[str] | None, built: set[str] = frozenset()) -> list[str]:
    """The regions whose pages to build: those asked for (or the networks' regions and those sharing a Kreis with
    them), each with its member Kreise, and those of `built` (pages an earlier build wrote, kept up to date) that the
    warehouse still knows."""
    asked = regions or network_regions(con, layout)
    known = dict(con.execute("SELECT region_code, members FROM core.regions WHERE level <> 'country'").fetchall())
    unknown = [r for r in asked if r not in known]
    if unknown:
        raise ReportError(f"unknown region(s) {unknown}; e.g. heilbronn-franken, 081, 08125 (core.regions)")
    return sorted({c for r in asked for c in (r, *known[r])} | (built & set(known)))


def build_report(db_path: Path, out_dir: Path, regions: list[str] | None = None, only_changed: bool = False,
                 pdf: bool = True, layout: Layout | None = None) -> BuildResult:
    """Build the report of `regions` (default: the networks' regions and the partner regions sharing a Kreis with them,
    each with its Kreise; `network_regions`) into `out_dir`. With
    `only_changed`, the pages an earlier build wrote on demand are rendered too, and only changed pages written."""
    started = time.perf_counter()
    manifest_path = out_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    layout = layout or load_layout()
    if not db_path.exists():
        raise ReportError(f"no published warehouse at {db_path}: run `labour-monitor run` first")
    con = read_only(db_path)
    try:
        known = {i for (i,) in con.execute("SELECT indicator_id FROM core.indicators").fetchall()}
        units = {u for (u,) in con.execute("SELECT DISTINCT unit FROM core.indicators").fetchall()}
        if unknown := layout.unknown(known, units):
            raise ReportError(f"the report layout names what the warehouse does not know: {unknown}")
        codes = resolve(con, layout, regions, set(manifest) if only_changed else set())
        partners = set(partner_regions(con, layout))
        figures = read_figures(con, layout, codes)
        published = con.execute("SELECT max(last_checked_at) FROM marts.data_status").fetchone()[0]
    finally:
        con.close()
    pages = Pages(figures, layout)
    with _locked(out_dir), Printer(out_dir / "pdf") as printer:
        result = BuildResult(out_dir, out_dir / "index.html")
        copy_assets(out_dir)
        linked = set(manifest) | set(codes)
        for code in sorted(codes, key=lambda c: (c not in partners, c)):  # pages to print first: printed meanwhile
            t0 = time.perf_counter()
            page = pages.region(code)
            charts = [chart for section in page.sections for chart in section.charts]
            pdf_link = f"../pdf/{code}.pdf" if pdf and code in partners else None
            html = page_templates().get_template("region.html.j2").render(
                page=page, root="../", linked=linked, pdf=pdf_link, downloads=f"../downloads/{code}/", workbook=f"{code}.xlsx",
                sheets=sheet_names(charts), chart_options=embed_options(), vendor_scripts=vendor_scripts("../"))
            digest = hashlib.sha256(html.encode()).hexdigest()
            path = out_dir / "regions" / f"{code}.html"
            result.pages[code] = path
            if only_changed and manifest.get(code) == digest and path.exists():
                result.unchanged.append(code)
                continue
            write_text(path, html)
            folder = out_dir / "downloads" / code
            shutil.rmtree(folder, ignore_errors=True)
            write_downloads(charts, folder, f"{code}.xlsx")
            manifest[code] = digest
            result.written.append(code)
            result.seconds[code] = time.perf_counter() - t0
            if pdf_link:
                printer.add(code, path)
        _write_index(out_dir, pages, layout, set(manifest), published)
        write_text(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    result.pdfs, result.pdf_missing = printer.printed.pdfs, printer.printed.missing
    for code, seconds in printer.printed.seconds.items():
        result.seconds[code] += seconds
    result.total_seconds = time.perf_counter() - started
    return result


def _index_groups(pages: Pages, layout: Layout) -> list[dict]:
    """The networks' regions, then per state its partner regions, Regierungsbezirke and Kreise (`STATE_ORDER`)."""
    regions = pages.figures.regions.values()
    networks = sorted((r for r in regions if r.level == NETWORK_LEVEL), key=lambda r: r.name_de)
    opened = {r.state_code for r in networks}
    groups = [{"title": "Netzwerke und Partnerregionen", "rows": pages.overview([r.region_code for r in networks]), "open": True}]
    for state in sorted((r for r in regions if r.level == "state"), key=lambda r: r.region_code):
        listed = sorted((r for r in regions if r.state_code == state.region_code and r.level in STATE_ORDER
                         and (r.level not in AGGREGATE or r.level in layout.partner_levels)),
                        key=lambda r: (STATE_ORDER.index(r.level), r.name_de))
        groups.append({"title": state.name_de, "rows": pages.overview([state.region_code, *(r.region_code for r in listed)]),
                       "open": state.region_code in opened})
    across = sorted((r for r in regions if r.state_code is None and r.level in layout.partner_levels and r.level != NETWORK_LEVEL),
                    key=lambda r: r.name_de)
    if across:  # an Agentur district whose Kreise lie in two states (Bremen with Osterholz)
        groups.append({"title": "Über Ländergrenzen", "rows": pages.overview([r.region_code for r in across]), "open": False})
    return groups


def _write_index(out_dir: Path, pages: Pages, layout: Layout, linked: set[str], published: datetime | None) -> None:
    groups = _index_groups(pages, layout)
    revisions, revised_total = pages.revisions()
    html = page_templates().get_template("index.html.j2").render(
        root="", groups=groups, columns=pages.overview_columns(), linked=linked, status=pages.data_status(),
        revisions=revisions, revised_total=revised_total, published=timestamp(published))
    write_text(out_dir / "index.html", html)
