"""Changes over 1, 5 and 10 years against the same period of the year, and average annual growth:
hand-computed on real figures where the sample or the cited reference files have them, on made-up
figures (said so at each test) where no real figure shows the case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipelines.settings import SAMPLE_DIR
from sources.blob import InMemory
from sources.contract import RawPayload
from sources.eurostat import parse_dataset
from tests.genesis_bodies import population_rows
from tests.warehouse.test_load import T0, load
from tests.warehouse.test_marts import HF, insert_facts
from warehouse.load import load_batch
from warehouse.marts import build_marts


def changes(con, indicator: str, region: str, period: str, as_of=None) -> dict:
    cur = con.execute("SELECT * FROM marts.indicator_changes_as_of(?) WHERE indicator_id = ? AND region_code = ? AND period = ?",
                      [as_of, indicator, region, period])
    names = [d[0] for d in cur.description]
    [row] = cur.fetchall()
    return dict(zip(names, row, strict=True))


def joined(con, indicator: str, region: str, period: str) -> list[tuple]:
    """The region's rows of marts.region_comparison (one per reference region) joined to its changes, as a report reads them."""
    return con.execute("SELECT rc.reference_code, c.change_1y, c.change_1y_status FROM marts.region_comparison rc "
                       "JOIN marts.indicator_changes c USING (indicator_id, region_code, period) "
                       "WHERE indicator_id = ? AND region_code = ? AND period = ? ORDER BY 1", [indicator, region, period]).fetchall()


def test_a_count_changes_in_percent_against_the_same_date_a_year_earlier(con, catalog):
    """Real population on 31.12. (sample, Zensus-2022 basis): Heilbronn-Franken 935,578 (2024) and
    131,653 + 353,609 + 115,335 + 200,597 + 133,459 = 934,653 (2023)."""
    load(con, catalog, population_rows(), "b1")
    build_marts(con, catalog, now=T0)
    hf = changes(con, "population", "heilbronn-franken", "2024-12-31")
    assert hf["change_unit"] == "%" and hf["base_period_1y"] == "2023-12-31" and hf["base_value_1y"] == 934_653
    assert hf["change_1y"] == pytest.approx((935_578 / 934_653 - 1) * 100) and hf["change_1y_status"] is None
    assert changes(con, "population", "08125", "2024-12-31")["change_1y"] == pytest.approx((353_877 / 353_609 - 1) * 100)
    # 2019-12-31 and 2014-12-31 are not in the warehouse
    assert (hf["base_period_5y"], hf["change_5y"], hf["change_5y_status"], hf["cagr_5y_status"]) == ("2019-12-31", None, "no_base_period", "no_base_period")
    assert (hf["base_period_10y"], hf["change_10y_status"], hf["cagr_10y_status"]) == ("2014-12-31", "no_base_period", "no_base_period")
    # the comparison's rows (against the state and against Germany: the sample's population is nationwide) find the changes
    assert joined(con, "population", "heilbronn-franken", "2024-12-31") == [("08", pytest.approx(hf["change_1y"]), None),
                                                                            ("DG", pytest.approx(hf["change_1y"]), None)]


# Real annual averages of 13211-02-05-4 (Regionaldatenbank, Statistik der BA): unemployed (ERWP06) and the
# rate on all civilian labour force in % (ERWP10) of the Heilbronn-Franken Kreise. 2016: datenguide/genesapi-data
# @ 75112493298a : src/13211-02-05-4_00.csv ("Stand … 2017"); 2019 and 2020: prototypefund/klinik-db-qbgbaExtraData
# @ 25d109f41f91 : data-raw/unemployment/13211-02-05-4.csv ("Stand: 17.08.2021"); 2025:
# buddemax/schulabschluss-data-story-v2 @ 0ae3c2a79b25 : data/raw/13211-02-05-4_2025.csv (all excerpted in
# ../shared/reference/genesis/real/). The years between are not in the test: they are the gaps it needs.
UNEMPLOYMENT = {
    "2016": {"08121": (3845, 5.7), "08125": (6622, 3.5), "08126": (1973, 3.0), "08127": (3719, 3.4), "08128": (2431, 3.2)},
    "2019": {"08121": (3376, 4.7), "08125": (5696, 2.8), "08126": (1582, 2.4), "08127": (3084, 2.7), "08128": (1981, 2.6)},
    "2020": {"08121": (4384, 6.0), "08125": (7548, 3.7), "08126": (2144, 3.2), "08127": (3873, 3.4), "08128": (2717, 3.5)},
    "2025": {"08121": (5027, 6.7), "08125": (8561, 4.1), "08126": (2549, 3.7), "08127": (4747, 3.9), "08128": (2822, 3.6)},
}


def hf_rate(year: str) -> float:
    """By hand: the region's unemployed over its civilian labour force, each Kreis's labour force being its
    unemployed / rate × 100."""
    kreise = UNEMPLOYMENT[year].values()
    return sum(u for u, _ in kreise) / sum(u / rate * 100 for u, rate in kreise) * 100


def test_the_rate_of_a_partner_region_changes_in_points_recomputed_never_averaged(con, catalog):
    insert_facts(con, [(ind, kreis, year, fig[k]) for year, kreise in UNEMPLOYMENT.items() for kreis, fig in kreise.items()
                       for k, ind in enumerate(("unemployed", "unemployment_rate"))])
    build_marts(con, catalog, now=T0)

    rate = changes(con, "unemployment_rate", "heilbronn-franken", "2025")
    assert rate["value"] == pytest.approx(hf_rate("2025")) and rate["base_value_5y"] == pytest.approx(hf_rate("2020"))
    assert rate["change_unit"] == "percentage points"
    assert rate["change_5y"] == pytest.approx(hf_rate("2025") - hf_rate("2020"))  # 4.288 − 3.858 = 0.430 points
    average_of_kreise = sum(UNEMPLOYMENT["2025"][k][1] - UNEMPLOYMENT["2020"][k][1] for k in HF) / 5  # 0.44: not this
    assert abs(rate["change_5y"] - average_of_kreise) > 0.005
    assert changes(con, "unemployment_rate", "heilbronn-franken", "2020")["change_1y"] == pytest.approx(hf_rate("2020") - hf_rate("2019"))
    assert changes(con, "unemployment_rate", "08121", "2025")["change_5y"] == pytest.approx(6.7 - 6.0)
    # a rate has no average annual growth; 2015 is not in the warehouse
    assert (rate["cagr_5y_pct"], rate["cagr_5y_status"], rate["change_10y_status"]) == (None, "not_a_count", "no_base_period")
    # 2024 and 2018 are missing: NULL with the reason, never the change against the row before (2020, 2016)
    assert (rate["base_period_1y"], rate["change_1y"], rate["change_1y_status"]) == ("2024", None, "no_base_period")
    before_gap = changes(con, "unemployed", "heilbronn-franken", "2019")
    assert (before_gap["base_period_1y"], before_gap["change_1y"], before_gap["change_1y_status"]) == ("2018", None, "no_base_period")

    unemployed = changes(con, "unemployed", "heilbronn-franken", "2025")
    assert unemployed["change_5y"] == pytest.approx((23_706 / 20_666 - 1) * 100)  # sums of the five Kreise
    assert unemployed["cagr_5y_pct"] == pytest.approx(((23_706 / 20_666) ** (1 / 5) - 1) * 100) and unemployed["cagr_5y_status"] is None


def test_a_figure_per_inhabitant_changes_in_its_unit_and_carries_a_provisional_end(con, catalog):
    """Real Eurostat figures of the sample (nama_10r_3gdp) for Germany: GDP per inhabitant 41,800 EUR (2019) and
    40,900 EUR (2020, flagged provisional); GDP 3,474,110 million EUR (2019) and 3,403,730 (2020, provisional)."""
    [body] = (SAMPLE_DIR / "recordings" / "eurostat").glob("data_nama_10r_3gdp_*.body.json")
    table = catalog.tables["nama_10r_3gdp"]
    parsed = parse_dataset(body.read_bytes(), table, catalog, "e1")
    load_batch(con, parsed.observations, RawPayload("eurostat", table.id, "https://example.invalid/", {}, InMemory(b""), InMemory(b""), "application/json", T0),
               "raw/e.json", parsed.rows_read, now=T0)
    build_marts(con, catalog, now=T0)
    germany = changes(con, "gdp_per_inhabitant_eurostat", "DG", "2020")
    assert (germany["change_unit"], germany["change_1y"], germany["change_1y_status"]) == ("EUR per inhabitant", -900.0, "provisional")
    assert (germany["cagr_5y_pct"], germany["cagr_5y_status"]) == (None, "not_a_count")
    gdp = changes(con, "gdp_current_prices_eurostat", "DG", "2020")  # an amount: in %
    assert (gdp["change_unit"], gdp["change_1y"], gdp["change_1y_status"]) == ("%", pytest.approx((3_403_730 / 3_474_110 - 1) * 100), "provisional")


def test_monthly_figures_change_against_12_60_and_120_months_back(con, catalog):
    """MADE-UP figures (no BA monthly answer is recorded yet): unemployed and rate of one Kreis per month."""
    insert_facts(con, [("unemployed_ba", "08121", p, v) for p, v in
                       [("2016-10", 4000), ("2021-10", 4500), ("2025-10", 5000), ("2026-09", 5300), ("2026-10", 5200)]]
                 + [("unemployment_rate_ba", "08121", "2025-10", 4.0), ("unemployment_rate_ba", "08121", "2026-10", 4.3)])
    build_marts(con, catalog, now=T0)
    c = changes(con, "unemployed_ba", "08121", "2026-10")
    assert (c["base_period_1y"], c["base_period_5y"], c["base_period_10y"]) == ("2025-10", "2021-10", "2016-10")
    assert c["change_1y"] == pytest.approx(4.0)  # 5,200 against 5,000 in October 2025, not 5,300 in September 2026
    assert c["change_5y"] == pytest.approx((5200 / 4500 - 1) * 100) and c["change_10y"] == pytest.approx(30.0)
    assert c["cagr_5y_pct"] == pytest.approx(((5200 / 4500) ** (1 / 5) - 1) * 100)
    assert c["cagr_10y_pct"] == pytest.approx((1.3 ** (1 / 10) - 1) * 100)
    assert changes(con, "unemployed_ba", "08121", "2026-09")["change_1y_status"] == "no_base_period"
    assert changes(con, "unemployment_rate_ba", "08121", "2026-10")["change_1y"] == pytest.approx(0.3)
    # the comparison's change to the previous period stays the month before
    assert con.execute("SELECT DISTINCT previous_period FROM marts.region_comparison WHERE indicator_id = 'unemployed_ba' "
                       "AND region_code = '08121' AND period = '2026-10'").fetchall() == [("2026-09",)]


def test_withheld_incomplete_zero_negative_and_provisional_ends(con, catalog):
    """MADE-UP figures: populations of 100 and 110 and so on, one withheld, one missing, a provisional
    one, 0 births and a shortage that was a surplus, to show each rule on a figure of its own."""
    insert_facts(con, [
        ("population", "08121", "2019-12-31", None, "secret"),  # withheld by the provider ('.')
        *[("population", k, "2019-12-31", 100) for k in HF[1:] if k != "08126"],
        ("population", "08126", "2019-12-31", 100, "estimated"),
        *[("population", k, "2024-12-31", 110) for k in HF if k != "08126"],
        ("population", "08126", "2024-12-31", 110, "provisional"),
        *[("population", k, "2025-12-31", 120) for k in HF if k != "08128"],  # 08128 missing in 2025
        ("births", "08125", "2019", 0), ("births", "08125", "2024", 12),
        *[("skilled_labour_shortage", "heilbronn-franken", y, v) for y, v in (("2015", -2000), ("2020", 5000), ("2025", 8000))],
    ])
    build_marts(con, catalog, now=T0)

    kreis = changes(con, "population", "08121", "2024-12-31")
    assert (kreis["base_value_5y"], kreis["change_5y"], kreis["change_5y_status"], kreis["cagr_5y_status"]) == (None, None, "base_withheld", "base_withheld")
    hf = changes(con, "population", "heilbronn-franken", "2024-12-31")  # its 2019 sum lacks 08121
    assert (hf["change_5y"], hf["change_5y_status"]) == (None, "base_incomplete")
    hf_2025 = changes(con, "population", "heilbronn-franken", "2025-12-31")  # lacks 08128 itself
    assert (hf_2025["value"], hf_2025["status"], hf_2025["change_1y"], hf_2025["change_1y_status"]) == (None, "incomplete", None, "incomplete")
    assert changes(con, "population", "08125", "2024-12-31")["change_5y"] == pytest.approx(10.0)
    # provisional (2024) beats estimated (2019): the first carried status of catalog/statuses.yaml
    provisional = changes(con, "population", "08126", "2024-12-31")
    assert (provisional["change_5y"], provisional["change_5y_status"], provisional["cagr_5y_status"]) == (pytest.approx(10.0), "provisional", "provisional")
    births = changes(con, "births", "08125", "2024")
    assert (births["change_5y"], births["change_5y_status"], births["cagr_5y_pct"], births["cagr_5y_status"]) == (None, "base_zero", None, "not_positive")
    # a balance: against a negative base (a surplus) a change in % means nothing, nor does growth
    after_surplus = changes(con, "skilled_labour_shortage", "heilbronn-franken", "2020")
    assert (after_surplus["change_5y"], after_surplus["change_5y_status"], after_surplus["cagr_5y_status"]) == (None, "base_negative", "not_positive")
    shortage = changes(con, "skilled_labour_shortage", "heilbronn-franken", "2025")
    assert (shortage["change_10y_status"], shortage["cagr_10y_status"]) == ("base_negative", "not_positive")
    assert (shortage["change_5y"], shortage["cagr_5y_pct"]) == (pytest.approx(60.0), pytest.approx((1.6 ** (1 / 5) - 1) * 100))
    # every reason is explained in core.statuses
    used = {s for (s,) in con.execute("SELECT DISTINCT unnest([change_1y_status, change_5y_status, change_10y_status, cagr_5y_status, "
                                      "cagr_10y_status]) FROM marts.indicator_changes").fetchall()} - {None}
    explained = {s for (s,) in con.execute("SELECT status FROM core.statuses").fetchall()}
    assert used <= explained and {"base_withheld", "base_incomplete", "incomplete", "base_zero", "base_negative", "not_positive",
                                  "no_base_period", "provisional"} <= used


def test_changes_as_of_a_day_before_a_revision(con, catalog):
    """The Zensus-2022 rebasing revised 08121's 31.12.2023 population from 130,093 to 131,653 (both published):
    Heilbronn-Franken's 2023 sum was 933,093, then 934,653; 2024 is 935,578."""
    old_basis = [r for r in population_rows(current=False, periods=("2023-12-31",)) if r[1] == "08121"]
    load(con, catalog, [r for r in population_rows() if not (r[1] == "08121" and r[0] == "2023-12-31")] + old_basis, "b1")
    build_marts(con, catalog, now=T0)
    later = T0 + timedelta(days=30)
    load(con, catalog, population_rows(), "b2", now=later)
    build_marts(con, catalog, now=later)

    before, after = T0 + timedelta(days=1), later + timedelta(days=1)
    assert changes(con, "population", "heilbronn-franken", "2024-12-31", before)["change_1y"] == pytest.approx((935_578 / 933_093 - 1) * 100)
    assert changes(con, "population", "heilbronn-franken", "2024-12-31", after)["change_1y"] == pytest.approx((935_578 / 934_653 - 1) * 100)
