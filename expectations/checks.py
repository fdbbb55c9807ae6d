"""Pure pandas preparation for validation: derived columns for the generic suite, and the per-table
checks of rules.yaml as a frame of one row per check (ok or not). GX then validates both frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from catalog import Catalog
from expectations.rules import KreiseSumToState, PartsSumToTotal, TableRules, YearOnYear
from sources.codes import compacted, encoded, per_value

RATE_UNITS = frozenset({"percent"})
CATEGORIES = ["indicator_id", "region_code", "period", "freq", "unit", "release"]
CHECK_COLUMNS = ["check", "severity", "indicator_id", "region_code", "period", "observed", "expected", "ok", "detail"]


def _year(period: pa.Array) -> pa.Array:
    """The leading four-digit year of each period; NULL (a failing row) where there is none."""
    head = pc.utf8_slice_codeunits(period, 0, 4)
    return pc.cast(pc.if_else(pc.match_substring_regex(head, r"^\d{4}$"), head, None), pa.int64())


def observation_frame(obs: pa.Table, catalog: Catalog) -> pd.DataFrame:
    """The columns the suites check, plus the derived ones, as a lean pandas frame.

    Only the checked columns are converted, and the repeated strings as categoricals (the codes of the
    observations, sources/codes.py, each value once and only those the rows use): GX filters and takes rows of
    this frame once per expectation, and that is cheap on integer codes but slow on Arrow-backed strings.
    """
    suppressing = pa.array(sorted({s.status for s in catalog.all_statuses() if s.suppressed}), pa.string())
    value, status, unit = obs.column("value"), obs.column("status"), obs.column("unit")
    period = encoded(obs.column("period"))
    is_rate = pc.is_in(unit, value_set=pa.array(sorted(RATE_UNITS), pa.string()))
    signed = pa.array(sorted(i.id for i in catalog.indicators.values() if i.signed), pa.string())  # balances, not counts
    not_count = pc.or_(is_rate, pc.is_in(obs.column("indicator_id"), value_set=signed))
    derived = {
        "year": per_value(period, _year),
        "null_iff_suppressed": pc.equal(pc.is_null(value), pc.fill_null(pc.is_in(status, value_set=suppressing), False)),
        "count_value": pc.if_else(not_count, pa.scalar(None, pa.float64()), value),
        "rate_value": pc.if_else(is_rate, value, pa.scalar(None, pa.float64())),
    }
    lean = obs.select([*CATEGORIES, "value", "source_row"])
    for name in CATEGORIES:  # categories in lexical order, so that sorting by period sorts by time
        lean = lean.set_column(lean.schema.get_field_index(name), name, compacted(lean.column(name)))
    for name, column in derived.items():
        lean = lean.append_column(name, column)
    frame = lean.to_pandas()
    del lean, derived
    pa.default_memory_pool().release_unused()  # the Arrow intermediates must not stack on the batch's peak
    return frame


def _frame(rows: list[pd.DataFrame]) -> pd.DataFrame:
    rows = [r for r in rows if not r.empty]
    return pd.concat(rows, ignore_index=True)[CHECK_COLUMNS] if rows else pd.DataFrame(columns=CHECK_COLUMNS)


def parts_sum_to_total(obs: pd.DataFrame, rule: PartsSumToTotal) -> pd.DataFrame:
    wide = obs.pivot_table(index=["region_code", "period"], columns="indicator_id", values="value", aggfunc="first")
    needed = [rule.total, *rule.parts]
    if not set(needed) <= set(wide.columns):
        return pd.DataFrame()
    wide = wide[needed].dropna()  # suppressed parts cannot be checked
    out = wide.reset_index()[["region_code", "period"]]
    out["observed"] = wide[list(rule.parts)].sum(axis=1).to_numpy()
    out["expected"] = wide[rule.total].to_numpy()
    out["ok"] = (out["observed"] - out["expected"]).abs() <= rule.tolerance
    out["check"], out["severity"], out["indicator_id"] = "parts_sum_to_total", rule.severity, rule.total
    out["detail"] = " + ".join(rule.parts) + f" = {rule.total} ± {rule.tolerance:g}"
    return out


def kreise_sum_to_state(obs: pd.DataFrame, rule: KreiseSumToState, catalog: Catalog) -> pd.DataFrame:
    """Per state of the scope and period: the sum of its Kreise against the state's figure, where every Kreis of that
    period's own territory has one (before a territorial change: the former Kreise, not the new codes)."""
    frames = []
    ind = obs[obs["indicator_id"] == rule.indicator]
    territory = pd.DataFrame([(p, k) for p in ind["period"].unique() for k in catalog.kreise_at(_period_end(p))],
                             columns=["period", "region_code"])
    kreise = ind.merge(territory, on=["period", "region_code"], how="right")  # a Kreis without a row: value NaN
    kreise["state"] = kreise["region_code"].str[:2]
    for state in catalog.region_scope():
        states = ind[ind["region_code"] == state].set_index("period")["value"]
        members = kreise[kreise["state"] == state].groupby("period")["value"]
        sums = members.sum()[members.count() == members.size()]  # every Kreis of the period has a figure
        periods = sums.index.intersection(states.dropna().index)
        if periods.empty:
            continue
        out = pd.DataFrame({"period": periods, "observed": sums[periods].to_numpy(), "expected": states[periods].to_numpy()})
        out["ok"] = (out["observed"] - out["expected"]).abs() <= out["expected"].abs() * rule.tolerance_pct / 100
        out["check"], out["severity"], out["indicator_id"], out["region_code"] = "kreise_sum_to_state", rule.severity, rule.indicator, state
        n = members.size()
        out["detail"] = [f"sum of {n[p]} Kreise vs state, tolerance {rule.tolerance_pct:g} %" for p in periods]
        frames.append(out)
    return _frame(frames)


def _period_end(period: str) -> date:
    """The last day of a GENESIS period: a reference date as it is, a year its 31 December."""
    return date.fromisoformat(period if len(period) == 10 else f"{period[:4]}-12-31")


def year_on_year(obs: pd.DataFrame, rule: YearOnYear) -> pd.DataFrame:
    ind = obs[obs["indicator_id"] == rule.indicator].dropna(subset=["value"]).sort_values(["region_code", "period"])
    if ind.empty:
        return pd.DataFrame()
    previous = ind.groupby("region_code")["value"].shift()
    out = ind.assign(expected=previous).dropna(subset=["expected"]).rename(columns={"value": "observed"})
    change = (out["observed"] - out["expected"]).abs() / out["expected"].abs().replace(0, np.nan) * 100
    out["ok"] = change.fillna(0) <= rule.max_change_pct
    out["check"], out["severity"] = "year_on_year", rule.severity
    out["detail"] = f"change against the previous period at most {rule.max_change_pct:g} %"
    return out


def table_checks(obs: pd.DataFrame, rules: TableRules, catalog: Catalog) -> pd.DataFrame:
    frames = [parts_sum_to_total(obs, r) for r in rules.parts_sum_to_total]
    frames += [kreise_sum_to_state(obs, r, catalog) for r in rules.kreise_sum_to_state]
    frames += [year_on_year(obs, r) for r in rules.year_on_year]
    checks = _frame(frames)
    checks["critical_ok"] = checks["ok"] | (checks["severity"] != "critical")
    checks["warning_ok"] = checks["ok"] | (checks["severity"] != "warning")
    return checks
