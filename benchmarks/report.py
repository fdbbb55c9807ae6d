"""Benchmark: the regional report, PDFs included, on the generated warehouse of benchmarks/marts.py.

ALL FIGURES ARE GENERATED (seeded random numbers), not statistics. The warehouse is the one benchmarks/marts.py
builds (400 Kreise, 4 Regierungsbezirke, 20 partner regions of 20 Kreise, 100 count indicators and 10 derived
ratios, 30 years); the report's layout is shaped like the real one (reports/layout.yaml) on those indicators:
8 headline tiles, 5 topics of 4 line charts (counts as an index, ratios as they are) and 2 ranked bar charts.

Measured: reports.build.build_report for every partner region and its Kreise (420 pages, 20 PDFs printed by
headless Chromium), from reading the marts to the last file. Target (issue 14): under 120 s on 2 cores.

    .venv/bin/python benchmarks/report.py                                   # full size
    .venv/bin/python benchmarks/report.py --kreise 40 --indicators 10 --years 5   # smoke run
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for path in (REPO, REPO / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from marts import SEED, bench_catalog, facts  # noqa: E402  (benchmarks/marts.py: the generated warehouse)

TARGET_S = 120.0


def bench_layout(n_indicators: int, n_ratios: int):
    """The real layout's shape on the generated indicators."""
    from reports.layout import Layout, load_layout

    real = load_layout()
    counts = [f"count_{i}" for i in range(n_indicators)]
    ratios = [f"ratio_{i}" for i in range(n_ratios)] or counts
    pick = lambda pool, i: pool[i % len(pool)]  # noqa: E731
    sections = [{"id": f"thema-{s}", "title": f"Thema {s + 1} (generiert)",
                 "lines": sorted({pick(counts, 2 * s), pick(counts, 2 * s + 1), pick(ratios, 2 * s), pick(ratios, 2 * s + 1)}),
                 "ranked": sorted({pick(counts, 2 * s), pick(ratios, 2 * s)})} for s in range(5)]
    return Layout.model_validate({
        "headline": sorted({pick(counts, i) for i in range(4)} | {pick(ratios, i) for i in range(4)}),
        "overview": sorted({pick(counts, 0), pick(counts, 1), pick(ratios, 0), pick(ratios, 1)}),
        "sections": sections, "units": {k: v.model_dump() for k, v in real.units.items()}, "statuses": real.statuses,
        "levels": real.levels, "partner_levels": ["partner"],
    })


def build_warehouse(path: Path, n_kreise: int, n_indicators: int, years: int) -> int:
    from warehouse.load import connect
    from warehouse.marts import build_marts
    from warehouse.reference import write_catalog
    from warehouse.vintages import merge_vintages

    catalog, kreise = bench_catalog(n_kreise, n_indicators)
    table = facts(kreise, n_indicators, years)
    con = connect(path)
    write_catalog(con, catalog)
    now = datetime.now(UTC)
    con.register("incoming", table)
    merge_vintages(con, "core.observations", "incoming", now)
    con.unregister("incoming")
    build_marts(con, catalog, now=now)
    con.execute("CHECKPOINT")
    con.close()
    return len(catalog.derived)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kreise", type=int, default=400)
    ap.add_argument("--indicators", type=int, default=100)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--no-pdf", action="store_true", help="pages only (no Chromium)")
    args = ap.parse_args(argv)

    from reports.build import build_report

    with tempfile.TemporaryDirectory(prefix="lm-bench-report-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        ratios = build_warehouse(db, args.kreise, args.indicators, args.years)
        layout = bench_layout(args.indicators, ratios)
        result = build_report(db, Path(tmp) / "report", pdf=not args.no_pdf, layout=layout)
        files = sum(1 for p in (Path(tmp) / "report").rglob("*") if p.is_file())
    partners = [c for c in result.written if c.startswith("partner-")]
    kreise = [c for c in result.written if not c.startswith("partner-")]
    charts = sum(len(s.lines) + len(s.ranked) for s in layout.sections)
    print(f"GENERATED figures (seed {SEED}), not statistics: {args.kreise} Kreise x {args.indicators} indicators x {args.years} years; "
          f"{len(partners)} partner regions; layout: {len(layout.headline)} tiles, up to {charts} charts a page")
    print(f"pages written: {len(result.written)} ({len(partners)} partner regions, {len(kreise)} Kreise), PDFs: {len(result.pdfs)}, "
          f"files: {files}" + (f"; no PDFs: {result.pdf_missing}" if result.pdf_missing else ""))
    for label, codes in (("partner region page + PDF", partners), ("Kreis page", kreise)):
        seconds = [result.seconds[c] for c in codes]
        if seconds:
            print(f"  seconds per {label:<26} mean {statistics.mean(seconds):.3f}  median {statistics.median(seconds):.3f}  "
                  f"max {max(seconds):.3f}")
    for code in sorted(result.seconds, key=result.seconds.get, reverse=True)[:5]:
        print(f"  slowest: {code:<12} {result.seconds[code]:.3f} s")
    verdict = "PASS" if result.total_seconds < TARGET_S else "FAIL"
    print(f"report total (reading the marts, {len(result.written)} pages, downloads, {len(result.pdfs)} PDFs, index): "
          f"{result.total_seconds:.1f} s; ratio to the {TARGET_S:g} s target: {result.total_seconds / TARGET_S:.2f} -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
