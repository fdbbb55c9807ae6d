"""Series of today's Kreise on today's territory, for the years before a territorial change (catalog/
territorial_changes.yaml), derived from the figures of their predecessors: a step of transforms/derive.py.

The provider's figures stay as published (core.observations, and the former Kreise under their own codes in
core.region_values). For each of today's Kreise with predecessors and each figure of a period that ended before
the change took effect:

- all predecessors merged or renamed whole: counts are the sum of the predecessors' (every one of them present, else
  NULL `incomplete` naming the missing), rates and derived indicators are recomputed from those sums by the catalog's
  rules (transforms/derive.py), status `territory_adjusted`, origin `territory`. They take the place of the Kreis's own
  figure where that is no figure (a `-` or `.` for a code that did not exist yet) or, for a Kreis that kept its code
  and absorbed another (16063 Wartburgkreis with 16056 Eisenach), where it is the figure of the old territory;
- a predecessor split between several Kreise: no figure can be derived; the Kreis gets NULL with status
  `territory_split`, `missing` naming the split predecessor, wherever it has no number of the provider's own;
- a number the provider publishes for a new code in such a year is its own series on today's territory (e.g. 14511
  Chemnitz back to 1995) and is kept.

`report` says per Kreis what was adjusted, left incomplete or not derivable, and why: warehouse/marts.py keeps it in
ops.territory_adjustments.
"""

from __future__ import annotations

import pyarrow as pa

from catalog import Catalog

ORIGIN = "territory"
ADJUSTED, SPLIT = "territory_adjusted", "territory_split"


def period_end(t: str) -> str:
    """SQL: the last day of the period of table alias `t` (a year's 31 December, a quarter's or month's last day, a
    reference date as it is)."""
    p, f = f"{t}.period", f"{t}.freq"
    return f"""CASE
    WHEN length({p}) = 10 THEN TRY_CAST({p} AS DATE)
    WHEN {f} = 'A' THEN make_date(TRY_CAST(left({p}, 4) AS BIGINT), 12, 31)
    WHEN {f} = 'Q' THEN last_day(make_date(TRY_CAST(left({p}, 4) AS BIGINT), TRY_CAST(right({p}, 1) AS BIGINT) * 3, 1))
    WHEN {f} = 'M' THEN last_day(make_date(TRY_CAST(left({p}, 4) AS BIGINT), TRY_CAST(substr({p}, 6, 2) AS BIGINT), 1))
END"""


LINKS_SCHEMA = pa.schema([("target", pa.string()), ("member", pa.string()), ("since", pa.date32()), ("whole", pa.bool_())])


def links(catalog: Catalog) -> pa.Table:
    """Every (today's Kreis, predecessor, date of the change, merged whole) of the catalog."""
    rows = [{"target": t.successor, "member": t.predecessor, "since": t.since, "whole": t.whole} for t in catalog.territory()]
    return pa.Table.from_pylist(rows, schema=LINKS_SCHEMA)


# tlinks: the links with `derivable` (every predecessor of the Kreis whole) and `continuing` (the Kreis is its own
# predecessor); tin: every figure of a predecessor for a period that ended before its change, beside the Kreis it
# belongs to today; ttargets: the Kreise whose series can be derived.
INPUTS_SQL = f"""
CREATE TEMP TABLE tlinks AS
SELECT *, bool_and(whole) OVER (PARTITION BY target) AS derivable,
       bool_or(member = target) OVER (PARTITION BY target) AS continuing,
       count(*) OVER (PARTITION BY target) AS n_members
FROM territory_links;
CREATE TEMP TABLE tin AS
SELECT l.target, l.member, l.whole, l.derivable, l.continuing, l.n_members, v.*
FROM tlinks l JOIN v ON v.region_code = l.member AND ({period_end('v')}) < l.since;
CREATE TEMP TABLE ttargets AS SELECT DISTINCT target AS region_code FROM tlinks WHERE derivable;
"""


SUMS_SQL = f"""
-- tsums: the summed indicators of every derivable Kreis and period (NULL `incomplete` when a predecessor lacks a figure)
CREATE TEMP TABLE tsums AS
SELECT indicator_id, target AS region_code, period, any_value(period_key) AS period_key,
       any_value(period_index) AS period_index, freq,
       CASE WHEN count(value) = any_value(n_members) THEN sum(value) END AS value, any_value(unit) AS unit,
       CASE WHEN count(value) < any_value(n_members) THEN 'incomplete' ELSE '{ADJUSTED}' END AS status,
       '{ORIGIN}' AS origin, list_distinct(flatten(list(sources))) AS sources,
       list(member ORDER BY member) FILTER (WHERE value IS NOT NULL) AS present, any_value(n_members) AS n_members
FROM tin
WHERE derivable AND indicator_id IN (SELECT indicator_id FROM summed)
GROUP BY indicator_id, target, period, freq;
"""

REPLACE_SQL = f"""
-- Derived indicators of a derivable Kreis are computed again once its series is complete (a change over one year
-- across the change needs the adjusted year before).
DELETE FROM v WHERE origin = 'derived' AND region_code IN (SELECT region_code FROM ttargets);
-- The Kreis's own rows for those periods give way: a provider's sign for a code that did not exist yet, or a figure of
-- the old territory of a Kreis that kept its code. A number the provider published for a new code stays.
DELETE FROM v WHERE EXISTS (
    SELECT 1 FROM tin t
    WHERE t.target = v.region_code AND t.member <> t.target AND t.indicator_id = v.indicator_id AND t.period = v.period
      AND (v.value IS NULL OR t.continuing));
INSERT INTO v
SELECT s.indicator_id, s.region_code, s.period, s.period_key, s.period_index, s.freq, s.value, s.unit, s.status, s.origin,
       s.sources,
       CASE WHEN s.status = 'incomplete' THEN list_filter(
           (SELECT list(member ORDER BY member) FROM tlinks l WHERE l.target = s.region_code), lambda m: NOT list_contains(s.present, m))
       ELSE []::VARCHAR[] END
FROM tsums s
WHERE NOT EXISTS (SELECT 1 FROM v p WHERE p.indicator_id = s.indicator_id AND p.region_code = s.region_code AND p.period = s.period);
-- A Kreis with a split predecessor: no figure, and why.
INSERT INTO v
SELECT * FROM (
    SELECT indicator_id, target, period, any_value(period_key), any_value(period_index), freq, NULL::DOUBLE, any_value(unit),
           '{SPLIT}', '{ORIGIN}', list_distinct(flatten(list(sources))), list(DISTINCT member ORDER BY member) FILTER (WHERE NOT whole)
    FROM tin WHERE NOT derivable
    GROUP BY indicator_id, target, period, freq) s(indicator_id, region_code, period, period_key, period_index, freq, value, unit,
                                                  status, origin, sources, missing)
WHERE NOT EXISTS (SELECT 1 FROM v p WHERE p.indicator_id = s.indicator_id AND p.region_code = s.region_code AND p.period = s.period);
"""

UNAVAILABLE_INPUTS = "SELECT target, indicator_id, period, period_key, period_index, freq, unit, sources FROM tin WHERE derivable"

REPORT_SQL = f"""
SELECT l.target AS kreis, l.predecessors, l.since, l.derivable,
       count(v.indicator_id) FILTER (WHERE v.status = '{ADJUSTED}' AND v.value IS NOT NULL) AS figures_adjusted,
       count(v.indicator_id) FILTER (WHERE v.status = 'incomplete') AS figures_incomplete,
       count(v.indicator_id) FILTER (WHERE v.status = '{SPLIT}') AS figures_not_derivable,
       min(v.period) AS first_period, max(v.period) AS last_period,
       CASE WHEN l.derivable THEN 'every predecessor merged or renamed whole: counts summed, rates recomputed'
            ELSE 'predecessor ' || array_to_string(l.split, ', ') || ' was split: no figure derived for the periods before' END AS how
FROM (SELECT target, list(member ORDER BY member) AS predecessors, min(since) AS since, bool_and(whole) AS derivable,
             list(member ORDER BY member) FILTER (WHERE NOT whole) AS split
      FROM territory_links GROUP BY target) l
LEFT JOIN v ON v.region_code = l.target AND v.origin <> 'provider'
           AND ({period_end('v')}) < l.since
GROUP BY l.target, l.predecessors, l.since, l.derivable, l.split
ORDER BY l.target
"""


DROP_SQL = "DROP TABLE tlinks; DROP TABLE tin; DROP TABLE ttargets; DROP TABLE tsums;"
