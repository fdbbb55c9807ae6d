"""Benchmark: full mart rebuild on a generated warehouse of 400 Kreise × 100 indicators × 30 years.

ALL FIGURES ARE GENERATED (seeded random numbers), not statistics. The catalog is the real one
with its Kreise replaced by 400 generated ones in 4 Regierungsbezirke and 20 partner regions of
20 Kreise, and 100 generated count indicators (aggregation: sum) plus 10 derived ratios among
them, so that aggregation and formulas run at the size of a large alliance warehouse.

Measured: warehouse.marts.build_marts on a fresh DuckDB file holding the 1.2 M current facts
(derive + merge into core.region_values + every mart file), first build (all vintages new) and a
second build of the same facts (nothing changes). Target (issue): full rebuild < 10 s on 2 cores.
Printed beside it, not part of the target: reading the view marts.indicator_changes (computed on read).

    /tmp/venv/bin/python benchmarks/marts.py                    # full size
    /tmp/venv/bin/python benchmarks/marts.py --kreise 40 --indicators 10 --years 5   # smoke run
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402

TARGET_S = 10.0
SEED = 20261123


def bench_catalog(n_kreise: int, n_indicators: int):
    from catalog import Aggregation, DerivedIndicator, Formula, Indicator, Region, default_catalog

    real = default_catalog()
    regions = {"DG": real.regions["DG"], "08": real.regions["08"]}
    for b in range(1, 5):
        regions[f"08{b}"] = Region(code=f"08{b}", name_de=f"Bezirk {b} (generiert)", name_en=f"District {b} (generated)", level="regbez", parent="08")
    kreise = [f"08{1 + k % 4}{k // 4:02d}" for k in range(n_kreise)]  # 5 digits, under its Regierungsbezirk
    for code in kreise:
        regions[code] = Region(code=code, name_de=f"Kreis {code}", name_en=f"District {code}", level="kreis", parent=code[:3])
    for p in range(max(1, n_kreise // 20)):
        members = tuple(kreise[p * 20:(p + 1) * 20])
        regions[f"partner-{p}"] = Region(code=f"partner-{p}", name_de=f"Partner {p}", name_en=f"Partner {p}", level="partner", members=members)
    table = next(iter(real.tables))
    indicators = {f"count_{i}": Indicator(id=f"count_{i}", label_de=f"Zahl {i}", label_en=f"Count {i}", definition="generated",
                                          unit="persons", topic="demography", table=table, content=None, source_unit="Anzahl",
                                          filters={}, aggregation=Aggregation(method="sum"), verified=False) for i in range(n_indicators)}
    derived = {f"ratio_{i}": DerivedIndicator(id=f"ratio_{i}", label_de=f"Quote {i}", label_en=f"Ratio {i}", definition="generated",
                                              unit="percent", topic="demography",
                                              formula=Formula(kind="ratio", operands=(f"count_{i}", f"count_{i + 1}"), scale=100.0))
               for i in range(min(10, n_indicators - 1))}
    # generated Kreise: no territorial changes; the scope is all of them, so Germany is their sum too
    return dataclasses.replace(real, regions=regions, indicators=indicators, derived=derived, reforms=()), kreise


def facts(kreise: list[str], n_indicators: int, years: int) -> pa.Table:
    rng = np.random.default_rng(SEED)
    n = len(kreise) * n_indicators * years
    ind = np.repeat([f"count_{i}" for i in range(n_indicators)], len(kreise) * years)
    reg = np.tile(np.repeat(kreise, years), n_indicators)
    per = np.tile([f"{1995 + y}-12-31" for y in range(years)], len(kreise) * n_indicators)
    const = lambda v: pa.array(np.full(n, v))  # noqa: E731
    return pa.table({
        "indicator_id": pa.array(ind), "region_code": pa.array(reg), "period": pa.array(per), "freq": const("A"),
        "value": pa.array(rng.integers(100, 100_000, n).astype(float)), "unit": const("persons"),
        "status": pa.nulls(n, pa.string()), "marker": pa.nulls(n, pa.string()), "source_id": const("regionalstatistik"),
        "table_id": const("generated"), "batch_id": const("bench"), "source_row": pa.array(np.arange(n)),
    })


# marts.indicator_changes is a view: computed when read, so its cost is an analyst's query, not the build's.
VIEW_READS = {
    "marts.indicator_changes whole": "SELECT count(*), count(change_5y), count(cagr_10y_pct) FROM marts.indicator_changes",
    "marts.indicator_changes of one partner region": "SELECT * FROM marts.indicator_changes WHERE region_code = 'partner-0'",
}


def read_time(con, sql: str) -> float:
    start = time.perf_counter()
    con.execute(sql).fetchall()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kreise", type=int, default=400)
    ap.add_argument("--indicators", type=int, default=100)
    ap.add_argument("--years", type=int, default=30)
    args = ap.parse_args(argv)

    from warehouse.load import connect
    from warehouse.marts import build_marts
    from warehouse.reference import write_catalog
    from warehouse.vintages import merge_vintages

    catalog, kreise = bench_catalog(args.kreise, args.indicators)
    table = facts(kreise, args.indicators, args.years)
    with tempfile.TemporaryDirectory(prefix="lm-bench-marts-") as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        write_catalog(con, catalog)
        t0 = datetime.now(UTC)
        con.register("incoming", table)
        merge_vintages(con, "core.observations", "incoming", t0)
        con.unregister("incoming")
        start = time.perf_counter()
        build_marts(con, catalog, now=t0)
        first = time.perf_counter() - start
        start = time.perf_counter()
        build_marts(con, catalog, now=t0 + timedelta(days=1))
        second = time.perf_counter() - start
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in ("core.observations", "core.region_values", "marts.indicator_values", "marts.region_comparison",
                            "marts.region_profile")}
        reads = {what: read_time(con, sql) for what, sql in VIEW_READS.items()}
        con.close()
    print(f"GENERATED figures (seed {SEED}), not statistics: {len(kreise)} Kreise x {args.indicators} indicators x "
          f"{args.years} years = {table.num_rows:,} facts; {len(catalog.derived)} derived ratios; "
          f"{sum(r.level == 'partner' for r in catalog.regions.values())} partner regions, 4 Regierungsbezirke, the state")
    for name, n in counts.items():
        print(f"  {name:<26} {n:>12,} rows")
    for what, seconds in reads.items():
        print(f"  read, not built: {what}: {seconds:.2f} s")
    verdict = "PASS" if max(first, second) < TARGET_S else "FAIL"
    print(f"full mart rebuild, first (all vintages new): {first:.2f} s; again, unchanged: {second:.2f} s; "
          f"ratio to the {TARGET_S:g} s target: {max(first, second) / TARGET_S:.2f} -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
