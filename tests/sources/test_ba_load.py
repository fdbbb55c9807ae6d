"""BA monthly figures through validation, loading and the marts: whole batches, rates recomputed for regions."""

from __future__ import annotations

import pytest

from pipelines.batch import process_payload
from sources.contract import TableRequest
from tests.sources.ba_bodies import HF_NAMES, alo_answer
from tests.sources.test_ba import ALO, HF, fetch
from warehouse.marts import build_marts

REQUEST = TableRequest("ba-statistik", ALO, 2026, 2026, (("regions", HF),))
# Unemployed and rate per HF Kreis for October 2026 (test values): 08121 has a small labour force and a high rate.
OCTOBER = {"08121": (4000, 5.0), "08125": (6000, 3.0), "08126": (1200, 2.4), "08127": (2000, 2.5), "08128": (1500, 2.5)}


def answers(override: dict[str, object] | None = None) -> dict[str, object]:
    out: dict[str, object] = {HF_NAMES[code]: alo_answer([u, u], [r, r]) for code, (u, r) in OCTOBER.items()}
    return out | {HF_NAMES[code]: body for code, body in (override or {}).items()}


def test_the_partner_regions_rate_is_recomputed_from_unemployed_and_labour_force_never_averaged(con, catalog, validator, tmp_path):
    (payload,) = fetch(catalog, answers())
    result = process_payload(con, payload, REQUEST, catalog, tmp_path, "r1", validator)
    assert (result.outcome, result.rows_new) == ("loaded", 20), result.message
    build_marts(con, catalog)
    rate = con.execute("SELECT value FROM marts.indicator_values WHERE indicator_id = 'unemployment_rate_ba' "
                       "AND region_code = 'heilbronn-franken' AND period = '2026-10'").fetchone()[0]
    unemployed = sum(u for u, _ in OCTOBER.values())
    labour_force = sum(u / r * 100 for u, r in OCTOBER.values())
    assert rate == pytest.approx(unemployed / labour_force * 100)
    assert rate != pytest.approx(sum(r for _, r in OCTOBER.values()) / len(OCTOBER))  # not the mean of the rates
    ranked = con.execute("SELECT region_code FROM marts.region_comparison WHERE indicator_id = 'unemployment_rate_ba' "
                         "AND period = '2026-10' AND region_code IN ('08121', '08125', '08126', '08127', '08128') "
                         "ORDER BY rank_in_level, region_code").fetchall()
    assert ranked[0] == ("08121",)


def test_a_secret_kreis_leaves_the_regions_figure_empty_and_incomplete_never_partial(con, catalog, validator, tmp_path):
    (payload,) = fetch(catalog, answers({"08126": alo_answer(["*", 1200], ["*", 2.4])}))
    assert process_payload(con, payload, REQUEST, catalog, tmp_path, "r1", validator).outcome == "loaded"
    build_marts(con, catalog)
    row = con.execute("SELECT value, status FROM marts.indicator_values WHERE indicator_id = 'unemployed_ba' "
                      "AND region_code = 'heilbronn-franken' AND period = '2026-10'").fetchone()
    assert row == (None, "incomplete")


def test_a_bad_answer_for_one_kreis_quarantines_the_whole_batch(con, catalog, validator, tmp_path):
    (payload,) = fetch(catalog, answers({"08127": alo_answer([2000, 1990], [2.5, 2.5])[:2]}))  # the rates are missing
    result = process_payload(con, payload, REQUEST, catalog, tmp_path, "r1", validator)
    assert result.outcome == "quarantined" and "region 08127: no items for the metrics ['Arbeitslosenquote']" in result.message
    assert con.execute("SELECT count(*) FROM core.observations").fetchone() == (0,)
