"""Aggregation into partner regions and derived indicators, against hand-computed figures."""

from __future__ import annotations

import pyarrow as pa
import pytest

from transforms.derive import FACT_COLUMNS, derive_values

HF = ("08121", "08125", "08126", "08127", "08128")  # Heilbronn-Franken
UNITS = {"population": "persons", "unemployed": "persons", "unemployment_rate": "percent",
         "employees_svb_workplace": "persons", "births": "persons", "deaths": "persons",
         "unemployment_rate_men": "percent", "unemployed_15_25": "persons", "unemployment_rate_15_25": "percent",
         "gdp_current_prices": "thousand EUR", "gdp_per_employed_person": "EUR per person in employment",
         "gdp_per_inhabitant": "EUR per inhabitant"}


def facts(rows: list[tuple]) -> pa.Table:
    """(indicator, region, period, value[, status]) rows as current provider facts."""
    cols = {c: [] for c in FACT_COLUMNS}
    for indicator, region, period, value, *status in rows:
        for c, v in zip(FACT_COLUMNS, (indicator, region, period, "A", value, UNITS[indicator], status[0] if status else None,
                                       "regionalstatistik"), strict=True):
            cols[c].append(v)
    return pa.table(cols, schema=pa.schema([(c, pa.float64() if c == "value" else pa.string()) for c in FACT_COLUMNS]))


def value_of(values: pa.Table, indicator: str, region: str, period: str | None = None) -> dict:
    rows = [r for r in values.to_pylist() if r["indicator_id"] == indicator and r["region_code"] == region
            and (period is None or r["period"] == period)]
    assert len(rows) == 1, f"{indicator} {region} {period}: {rows}"
    return rows[0]


POPULATION_2024 = dict(zip(HF, (128_334, 356_613, 114_917, 199_617, 133_097), strict=True))


def test_counts_of_kreise_are_summed_into_the_partner_region(catalog):
    out = derive_values(facts([("population", k, "2024-12-31", v) for k, v in POPULATION_2024.items()]), catalog).values
    hf = value_of(out, "population", "heilbronn-franken")
    assert hf["value"] == sum(POPULATION_2024.values()) == 932_578
    assert (hf["status"], hf["origin"], hf["missing"]) == (None, "aggregate", [])
    assert value_of(out, "population", "aa-heilbronn")["value"] == 128_334 + 356_613


def test_a_rate_is_recomputed_from_numerator_and_denominator_never_averaged(catalog):
    # Heilbronn (Stadt): 1,000 unemployed at 2.0 % -> labour force 50,000; Landkreis: 9,000 at 6.0 % -> 150,000.
    out = derive_values(facts([
        ("unemployed", "08121", "2024", 1000), ("unemployment_rate", "08121", "2024", 2.0),
        ("unemployed", "08125", "2024", 9000), ("unemployment_rate", "08125", "2024", 6.0),
    ]), catalog).values
    assert value_of(out, "civilian_labour_force", "08121")["value"] == pytest.approx(50_000)
    rate = value_of(out, "unemployment_rate", "aa-heilbronn")
    assert rate["value"] == pytest.approx(10_000 / 200_000 * 100)  # 5.0, where the mean of the rates is 4.0
    assert rate["origin"] == "aggregate"


@pytest.mark.parametrize("withheld", ["missing row", "suppressed"])
def test_an_aggregate_with_a_member_missing_or_withheld_is_incomplete_never_a_partial_sum(catalog, withheld):
    rows = [("population", k, "2024-12-31", v) for k, v in POPULATION_2024.items() if k != "08127"]
    if withheld == "suppressed":
        rows.append(("population", "08127", "2024-12-31", None, "secret"))
    hf = value_of(derive_values(facts(rows), catalog).values, "population", "heilbronn-franken")
    assert hf["value"] is None
    assert hf["status"] == "incomplete"
    assert hf["missing"] == ["08127"]


def test_a_provisional_member_makes_the_aggregate_provisional(catalog):
    rows = [("population", k, "2024-12-31", v, "provisional" if k == "08126" else None) for k, v in POPULATION_2024.items()]
    hf = value_of(derive_values(facts(rows), catalog).values, "population", "heilbronn-franken")
    assert (hf["value"], hf["status"]) == (932_578, "provisional")


def test_the_providers_state_figure_is_kept_and_checked_against_the_sum_of_kreise(catalog):
    kreise = {k.code: 1000.0 for k in catalog.kreise()}
    rows = [("population", k, "2024-12-31", v) for k, v in kreise.items()] + [("population", "08", "2024-12-31", 44_010.0)]
    derived = derive_values(facts(rows), catalog)
    state = value_of(derived.values, "population", "08")
    assert (state["value"], state["origin"]) == (44_010.0, "provider")
    check = derived.aggregate_checks.to_pylist()
    assert [(c["indicator_id"], c["region_code"], c["provider_value"], c["kreise_sum"], c["kreise"]) for c in check] == [
        ("population", "08", 44_010.0, 44_000.0, 44)]
    # A Regierungsbezirk without a provider figure is summed from its Kreise.
    assert value_of(derived.values, "population", "081")["value"] == 1000.0 * len(catalog.members("081"))


def test_derived_indicators_match_annual_figures_by_year_and_follow_their_formula(catalog):
    out = derive_values(facts([
        ("employees_svb_workplace", "08121", "2023-06-30", 110_000), ("population", "08121", "2023-12-31", 125_000),
        ("population", "08121", "2022-12-31", 124_000), ("population", "08121", "2018-12-31", 120_000),
        ("births", "08121", "2023", 1_300), ("deaths", "08121", "2023", 1_400),
    ]), catalog).values
    per_1000 = value_of(out, "employees_workplace_per_1000_inhabitants", "08121")
    assert (per_1000["period"], per_1000["value"]) == ("2023-06-30", pytest.approx(880.0))
    assert value_of(out, "population_change_1y_pct", "08121", "2023-12-31")["value"] == pytest.approx((125 / 124 - 1) * 100)
    assert value_of(out, "natural_population_balance", "08121")["value"] == -100
    # Five periods back means the same reference date five years earlier: 2023 against 2018; 2022 has no 2017.
    five = [r for r in out.to_pylist() if r["indicator_id"] == "population_change_5y_pct" and r["region_code"] == "08121"]
    assert [(r["period"], r["value"]) for r in five] == [("2023-12-31", pytest.approx((125 / 120 - 1) * 100))]


def test_a_derived_figure_of_a_withheld_input_is_incomplete_and_names_it(catalog):
    out = derive_values(facts([("births", "08121", "2023", 1_300), ("deaths", "08121", "2023", None, "secret")]), catalog).values
    balance = value_of(out, "natural_population_balance", "08121")
    assert (balance["value"], balance["status"], balance["missing"]) == (None, "incomplete", ["deaths"])


def test_a_ratio_over_zero_is_not_applicable_not_infinite(catalog):
    out = derive_values(facts([("unemployed", "08121", "2024", 0), ("unemployment_rate", "08121", "2024", 0.0)]), catalog).values
    clf = value_of(out, "civilian_labour_force", "08121")
    assert (clf["value"], clf["status"]) == (None, "not_applicable")


def test_youth_unemployment_rate_of_a_region_is_recomputed_through_the_derived_base(catalog):
    # 2025, as published (buddemax export): 08121 461 unemployed aged 15-25 at 5.3 %, 08125 779 at 3.6 %
    out = derive_values(facts([
        ("unemployed_15_25", "08121", "2025", 461), ("unemployment_rate_15_25", "08121", "2025", 5.3),
        ("unemployed_15_25", "08125", "2025", 779), ("unemployment_rate_15_25", "08125", "2025", 3.6),
    ]), catalog).values
    base = 461 / 5.3 * 100 + 779 / 3.6 * 100
    assert value_of(out, "unemployment_rate_15_25", "aa-heilbronn")["value"] == pytest.approx((461 + 779) / base * 100)


def test_a_rate_without_a_published_count_is_null_with_a_status_saying_why_never_an_average(catalog):
    out = derive_values(facts([("unemployment_rate_men", "08121", "2025", 6.9), ("unemployment_rate_men", "08125", "2025", 4.2)]),
                        catalog).values
    men = value_of(out, "unemployment_rate_men", "aa-heilbronn")
    assert (men["value"], men["status"], men["origin"]) == (None, "no_matching_count", "aggregate")
    assert value_of(out, "unemployment_rate_men", "08121")["value"] == 6.9  # the Kreise keep their figures


def test_gdp_per_head_of_a_region_is_recomputed_from_summed_gdp_and_bases_of_the_same_table(catalog):
    # 82000-01-01-4, 2023, as published (living-lab-explorer ffcsv): Gießen and Vogelsbergkreis, both in Hessen
    out = derive_values(facts([
        ("gdp_current_prices", "06531", "2023", 12101814), ("gdp_per_employed_person", "06531", "2023", 82464),
        ("gdp_per_inhabitant", "06531", "2023", 43303),
        ("gdp_current_prices", "06535", "2023", 3610211), ("gdp_per_employed_person", "06535", "2023", 77089),
        ("gdp_per_inhabitant", "06535", "2023", 33799),
    ]), catalog).values
    assert value_of(out, "gdp_base_inhabitants", "06531")["value"] == pytest.approx(12101814 / 43303 * 1000)
    # Hessen (06) from two of its 26 Kreise: incomplete, never a partial figure
    hessen = value_of(out, "gdp_per_inhabitant", "06")
    assert hessen["value"] is None and hessen["status"] == "incomplete"
