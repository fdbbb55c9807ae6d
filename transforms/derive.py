"""From provider facts to comparable values for every region: derived indicators and aggregates.

Pure: Arrow in, Arrow out (the set work runs in a private in-memory DuckDB). The rules come from
the catalog, so a new indicator or partner region needs a catalog entry, not code:

1. Derived indicators (`derived:` in indicators.yaml) are computed where the provider publishes
   figures: Kreise, Regierungsbezirke, the state, Germany.
2. Today's Kreise get their series on today's territory for the periods before a territorial change, from their
   predecessors' figures by the same rules (transforms/territory.py), so that every larger region and every rank is on
   today's territory.
3. Larger regions (partner regions, Agentur-für-Arbeit districts, Regionalverbände, and the
   Regierungsbezirke and state where the provider has no figure of its own) get, per indicator:
   `sum`: the sum of their member Kreise; `ratio`: numerator over denominator, both summed first,
   times the scale (a rate is never averaged); `formula`: the derived indicator's formula applied
   to the region's aggregated operands; `unavailable`: NULL with the catalog's status saying why
   (a rate with no published count to recompute it from); `none`: nothing.
   An aggregate with a member Kreis missing or withheld is NULL with status `incomplete` and names
   the missing members; never a partial sum shown as a total.
4. Where the provider does publish a figure for such a region, its figure is kept, and the sum of
   its Kreise is returned beside it as a check (`aggregate_checks`).

Inputs of a computed figure pass on their quality: any input NULL -> NULL `incomplete`; otherwise
the first `carried` status of the catalog (e.g. provisional) found among the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from catalog import SUMMABLE_LEVELS, Catalog, Formula
from transforms import territory

FACT_COLUMNS = ("indicator_id", "region_code", "period", "freq", "value", "unit", "status", "source_id")

VALUES_SCHEMA = pa.schema(
    [
        pa.field("indicator_id", pa.string(), nullable=False),
        pa.field("region_code", pa.string(), nullable=False),
        pa.field("period", pa.string(), nullable=False),
        pa.field("period_key", pa.string(), nullable=False),
        pa.field("period_index", pa.int64()),
        pa.field("freq", pa.string(), nullable=False),
        pa.field("value", pa.float64()),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("status", pa.string()),
        pa.field("origin", pa.string(), nullable=False),
        pa.field("sources", pa.list_(pa.string())),
        pa.field("missing", pa.list_(pa.string())),
    ]
)

# Annual figures of different indicators meet by year (30.06. and 31.12. of one year); others by period.
PERIOD_KEY = "CASE WHEN freq = 'A' THEN left(period, 4) ELSE period END"
# Consecutive periods are consecutive integers: years, quarters ("2024-Q1") or months ("2024-03").
PERIOD_INDEX = """CASE freq
    WHEN 'A' THEN TRY_CAST(left(period, 4) AS BIGINT)
    WHEN 'Q' THEN TRY_CAST(left(period, 4) AS BIGINT) * 4 + TRY_CAST(right(period, 1) AS BIGINT) - 1
    WHEN 'M' THEN TRY_CAST(left(period, 4) AS BIGINT) * 12 + TRY_CAST(substr(period, 6, 2) AS BIGINT) - 1
END"""


@dataclass(frozen=True)
class Derived:
    values: pa.Table  # VALUES_SCHEMA: provider, derived and aggregated figures
    aggregate_checks: pa.Table  # provider figure of a larger region beside the sum of its Kreise
    territory: pa.Table  # per Kreis with predecessors: what was derived on today's territory, or why not (territory.py)


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _status_rank(status: str, catalog: Catalog) -> str:
    """SQL: rank of a carried status (the catalog's first = highest), 0 for any other. The inputs of a
    computed figure are ranked, and the highest rank names the status it carries (`_rank_status`)."""
    carried = catalog.carried_statuses()
    whens = " ".join(f"WHEN {sql_literal(s)} THEN {len(carried) - k}" for k, s in enumerate(carried))
    return f"CASE {status} {whens} ELSE 0 END" if carried else "0"


def _rank_status(rank: str, catalog: Catalog) -> str:
    carried = catalog.carried_statuses()
    whens = " ".join(f"WHEN {len(carried) - k} THEN {sql_literal(s)}" for k, s in enumerate(carried))
    return f"CASE {rank} {whens} END" if carried else "NULL"


def _formula_sql(iid: str, formula: Formula, unit: str, origin: str, catalog: Catalog, targets: str | None) -> str:
    """One INSERT computing indicator `iid` by `formula` wherever its operands exist (in `targets` only,
    if given), skipping region-periods that already have a figure (the provider's comes first)."""
    ops = formula.operands
    if formula.kind == "change_pct":
        joins = (f"JOIN v a1 ON a1.indicator_id = {sql_literal(ops[0])} AND a1.region_code = a0.region_code "
                 f"AND a1.freq = a0.freq AND a1.period_index = a0.period_index - {formula.periods}")
        n = 2
        value = "(a0.value / a1.value - 1) * 100"
        zero = "a1.value = 0"
    else:
        joins = "\n".join(
            f"JOIN v a{k} ON a{k}.indicator_id = {sql_literal(op)} AND a{k}.region_code = a0.region_code "
            f"AND a{k}.period_key = a0.period_key"
            for k, op in enumerate(ops[1:], 1)
        )
        n = len(ops)
        if formula.kind == "ratio":
            value, zero = f"a0.value / a1.value * {formula.scale!r}", "a1.value = 0"
        else:
            sign = " - " if formula.kind == "difference" else " + "
            value, zero = sign.join(f"a{k}.value" for k in range(n)), "false"
    names = ops if formula.kind != "change_pct" else (ops[0], f"{ops[0]} {formula.periods} period(s) earlier")
    complete = " AND ".join(f"a{k}.value IS NOT NULL" for k in range(n))
    carried = _rank_status("greatest(" + ", ".join(_status_rank(f"a{k}.status", catalog) for k in range(n)) + ")", catalog)
    missing = "[" + ", ".join(f"CASE WHEN a{k}.value IS NULL THEN {sql_literal(names[k])} END" for k in range(n)) + "]"
    sources = "list_distinct(flatten([" + ", ".join(f"a{k}.sources" for k in range(n)) + "]))"
    where = f"a0.region_code IN (SELECT region_code FROM {targets})" if targets else "true"
    return f"""
INSERT INTO v
SELECT {sql_literal(iid)}, a0.region_code, a0.period, a0.period_key, a0.period_index, a0.freq,
       CASE WHEN {complete} AND NOT ({zero}) THEN {value} END,
       {sql_literal(unit)},
       CASE WHEN NOT ({complete}) THEN 'incomplete' WHEN {zero} THEN 'not_applicable' ELSE {carried} END,
       {sql_literal(origin)}, {sources}, list_filter({missing}, lambda x: x IS NOT NULL)
FROM v a0
{joins}
WHERE a0.indicator_id = {sql_literal(ops[0])} AND {where}
  AND NOT EXISTS (SELECT 1 FROM v d WHERE d.indicator_id = {sql_literal(iid)} AND d.region_code = a0.region_code
                  AND d.period_key = a0.period_key)
"""


def _sum_sql(catalog: Catalog) -> str:
    """Every `sum` indicator of every larger region; complete only when every member has a figure.

    One pass of aggregate functions (no per-row lists: this is the largest join of the build); the
    members an incomplete sum lacks are looked up afterwards, for those few rows only.
    """
    return f"""
CREATE TABLE sums AS
SELECT v.indicator_id, m.target AS region_code, v.period, any_value(v.period_key) AS period_key,
       any_value(v.period_index) AS period_index, v.freq, any_value(v.unit) AS unit,
       CASE WHEN count(v.value) = any_value(m.n_members) THEN sum(v.value) END AS value,
       CASE WHEN count(v.value) < any_value(m.n_members) THEN 'incomplete'
            ELSE {_rank_status(f"max({_status_rank('v.status', catalog)})", catalog)} END AS status,
       list_distinct(flatten(list(DISTINCT v.sources))) AS sources,
       []::VARCHAR[] AS missing,
       any_value(m.n_members) AS n_members
FROM (SELECT *, count(*) OVER (PARTITION BY target) AS n_members FROM members) m
JOIN v ON v.region_code = m.member
WHERE v.indicator_id IN (SELECT indicator_id FROM summed)
GROUP BY v.indicator_id, m.target, v.period, v.freq;

UPDATE sums SET missing = (
    SELECT list(m.member ORDER BY m.member) FROM members m
    WHERE m.target = sums.region_code AND NOT EXISTS (
        SELECT 1 FROM v WHERE v.indicator_id = sums.indicator_id AND v.region_code = m.member
        AND v.period = sums.period AND v.value IS NOT NULL))
WHERE status = 'incomplete';
"""


MEMBER_INPUTS = "SELECT m.target, v.indicator_id, v.period, v.period_key, v.period_index, v.freq, v.unit, v.sources FROM members m JOIN v ON v.region_code = m.member"


def _unavailable_sql(iid: str, status: str, inputs: str) -> str:
    """An indicator that cannot be computed from Kreise (a rate without a published count): every target region with
    an input figure (`inputs`: target and the member's row) gets NULL with `status`, which says why, where the provider
    has no figure of its own."""
    return f"""
INSERT INTO v
SELECT {sql_literal(iid)}, i.target, i.period, any_value(i.period_key), any_value(i.period_index), i.freq, NULL,
       any_value(i.unit), {sql_literal(status)}, 'aggregate', list_distinct(flatten(list(i.sources))), []::VARCHAR[]
FROM ({inputs}) i
WHERE i.indicator_id = {sql_literal(iid)}
  AND NOT EXISTS (SELECT 1 FROM v p WHERE p.indicator_id = {sql_literal(iid)} AND p.region_code = i.target AND p.period = i.period)
GROUP BY i.target, i.period, i.freq
"""


def _computed(db: duckdb.DuckDBPyConnection, catalog: Catalog, targets: str, inputs: str) -> None:
    """The ratio, formula and unavailable indicators of the regions in table `targets`, from their summed figures (in
    the order the catalog's dependencies need): a rate recomputed from summed numerator and denominator, never
    averaged."""
    indicators = catalog.all_indicators()
    for iid in catalog.aggregation_order():
        ind = indicators[iid]
        if ind.aggregation.method == "unavailable":
            db.execute(_unavailable_sql(iid, ind.aggregation.status or "", inputs))
        elif ind.aggregation.method == "ratio":
            agg = ind.aggregation
            formula = Formula(kind="ratio", operands=(agg.numerator, agg.denominator), scale=agg.scale)
            db.execute(_formula_sql(iid, formula, ind.unit, "aggregate", catalog, targets=targets))
        elif ind.aggregation.method == "formula":
            db.execute(_formula_sql(iid, ind.formula, ind.unit, "derived", catalog, targets=targets))


def _today_s_territory(db: duckdb.DuckDBPyConnection, catalog: Catalog) -> pa.Table:
    """Series of today's Kreise before a territorial change, from their predecessors (transforms/territory.py); returns
    what was adjusted or not derivable per Kreis."""
    db.register("territory_links", territory.links(catalog))
    db.execute(territory.INPUTS_SQL + territory.SUMS_SQL + territory.REPLACE_SQL)
    for iid in catalog.derivation_order():
        d = catalog.derived[iid]
        db.execute(_formula_sql(d.id, d.formula, d.unit, "derived", catalog, targets="ttargets"))
    _computed(db, catalog, "ttargets", territory.UNAVAILABLE_INPUTS)
    report = db.sql(territory.REPORT_SQL).to_arrow_table()
    db.execute(territory.DROP_SQL)
    return report


def derive_values(facts: pa.Table, catalog: Catalog) -> Derived:
    """Provider facts (FACT_COLUMNS, current vintage) -> values of every region and the aggregate checks."""
    db = duckdb.connect()
    db.register("facts", facts.select(list(FACT_COLUMNS)))
    db.execute(f"""
        CREATE TABLE v AS
        SELECT indicator_id, region_code, period, {PERIOD_KEY} AS period_key, {PERIOD_INDEX} AS period_index,
               freq, value, unit, status, 'provider' AS origin, [source_id] AS sources, []::VARCHAR[] AS missing
        FROM facts
    """)
    # 1. Derived indicators where the provider publishes figures.
    for iid in catalog.derivation_order():
        d = catalog.derived[iid]
        db.execute(_formula_sql(d.id, d.formula, d.unit, "derived", catalog, targets=None))

    # 2. Today's Kreise on today's territory before a territorial change, from their predecessors.
    indicators = catalog.all_indicators()
    summed = [k for k in catalog.aggregation_order() if indicators[k].aggregation.method == "sum"]
    db.register("summed", pa.table({"indicator_id": pa.array(summed, pa.string())}))
    adjusted = _today_s_territory(db, catalog)

    # 3. Larger regions.
    members = [(code, m) for code, r in catalog.regions.items() if r.level in SUMMABLE_LEVELS for m in catalog.members(code)]
    db.register("members", pa.table({"target": [t for t, _ in members], "member": [m for _, m in members]}, schema=pa.schema([("target", pa.string()), ("member", pa.string())])))
    db.execute("CREATE TABLE targets AS SELECT DISTINCT target AS region_code FROM members")
    db.execute(_sum_sql(catalog))
    db.execute("""
        INSERT INTO v
        SELECT s.indicator_id, s.region_code, s.period, s.period_key, s.period_index, s.freq, s.value, s.unit,
               s.status, 'aggregate', s.sources, s.missing
        FROM sums s
        WHERE NOT EXISTS (SELECT 1 FROM v p WHERE p.indicator_id = s.indicator_id AND p.region_code = s.region_code
                          AND p.period = s.period)
    """)
    _computed(db, catalog, "targets", MEMBER_INPUTS)

    checks = db.sql("""
        SELECT s.indicator_id, s.region_code, s.period, p.value AS provider_value, s.value AS kreise_sum,
               s.n_members AS kreise
        FROM sums s JOIN v p ON p.origin = 'provider' AND p.indicator_id = s.indicator_id
             AND p.region_code = s.region_code AND p.period = s.period
        WHERE s.value IS NOT NULL  -- only a complete sum of the Kreise can be checked
        ORDER BY 1, 2, 3
    """).to_arrow_table()
    values = db.sql("SELECT * FROM v").to_arrow_table()
    db.close()
    return Derived(values.cast(VALUES_SCHEMA), checks, adjusted)
