"""Series of today's Kreise on today's territory before a territorial change (catalog/territorial_changes.yaml),
derived from their predecessors' figures. Population figures as the Regionaldatenbank's export of 10.10.2017 (1995-2015)
and its answers of 2025-04 (2023) give them (sample/figures.csv, keys D1 and S2); the unemployment figures are made up
to check the arithmetic."""

from __future__ import annotations

import pytest

from tests.transforms.test_derive import facts, value_of
from transforms.derive import derive_values


def test_a_kreis_formed_by_a_merger_has_the_sum_of_its_predecessors_for_the_years_before(catalog):
    out = derive_values(facts([
        ("population", "03152", "2014-12-31", 250_220), ("population", "03156", "2014-12-31", 73_793),  # Göttingen, Osterode
        ("population", "03152", "2015-12-31", 255_653), ("population", "03156", "2015-12-31", 73_885),
        ("population", "03159", "2015-12-31", None, "nil"),  # the new Landkreis Göttingen did not exist yet: "-"
        ("population", "03159", "2023-12-31", 328_657),
    ]), catalog)
    before = value_of(out.values, "population", "03159", "2015-12-31")
    assert (before["value"], before["status"], before["origin"]) == (255_653 + 73_885, "territory_adjusted", "territory")
    after = value_of(out.values, "population", "03159", "2023-12-31")
    assert (after["value"], after["status"], after["origin"]) == (328_657, None, "provider")
    # a change over the year of today's territory, computed from adjusted figures, says so
    change = value_of(out.values, "population_change_1y_pct", "03159", "2015-12-31")
    assert change["value"] == pytest.approx((329_538 / 324_013 - 1) * 100) and change["status"] == "territory_adjusted"
    # the predecessors keep their published figures under their own codes
    assert value_of(out.values, "population", "03152", "2015-12-31")["value"] == 255_653
    (report,) = [r for r in out.territory.to_pylist() if r["kreis"] == "03159"]
    assert report["derivable"] and report["figures_adjusted"] >= 3 and report["predecessors"] == ["03152", "03156"]


def test_a_kreis_that_kept_its_code_gets_the_kreis_it_absorbed_added_before_the_change(catalog):
    out = derive_values(facts([
        ("population", "16063", "2015-12-31", 125_655), ("population", "16056", "2015-12-31", 42_417),  # Wartburgkreis, Eisenach
    ]), catalog).values
    wartburgkreis = value_of(out, "population", "16063", "2015-12-31")
    assert (wartburgkreis["value"], wartburgkreis["status"]) == (125_655 + 42_417, "territory_adjusted")
    assert value_of(out, "population", "16056", "2015-12-31")["value"] == 42_417


def test_a_rate_of_today_s_territory_is_recomputed_from_the_summed_counts_never_averaged(catalog):
    # Göttingen: 10,000 unemployed at 5.0 % (labour force 200,000); Osterode: 3,000 at 7.5 % (40,000).
    out = derive_values(facts([
        ("unemployed", "03152", "2015", 10_000), ("unemployment_rate", "03152", "2015", 5.0),
        ("unemployed", "03156", "2015", 3_000), ("unemployment_rate", "03156", "2015", 7.5),
        ("unemployment_rate_men", "03152", "2015", 5.1), ("unemployment_rate_men", "03156", "2015", 7.9),
    ]), catalog).values
    rate = value_of(out, "unemployment_rate", "03159", "2015")
    assert rate["value"] == pytest.approx(13_000 / 240_000 * 100) and rate["status"] == "territory_adjusted"  # not 6.25
    men = value_of(out, "unemployment_rate_men", "03159", "2015")
    assert (men["value"], men["status"]) == (None, "no_matching_count")  # no count to weigh it: never an average


def test_a_kreis_with_a_split_predecessor_says_so_instead_of_guessing(catalog):
    """Mecklenburgische Seenplatte (2011): Demmin was divided between it and Vorpommern-Greifswald."""
    rows = [("population", k, "2010-12-31", v) for k, v in
            (("13002", 65_282), ("13052", 79_466), ("13055", 77_509), ("13056", 64_615))]
    out = derive_values(facts(rows), catalog)
    seenplatte = value_of(out.values, "population", "13071", "2010-12-31")
    assert (seenplatte["value"], seenplatte["status"], seenplatte["missing"]) == (None, "territory_split", ["13052"])
    # the Agentur district of the Seenplatte (aa-031) is left incomplete, not summed from a part
    district = value_of(out.values, "population", "aa-031", "2010-12-31")
    assert (district["value"], district["status"], district["missing"]) == (None, "incomplete", ["13071"])
    (report,) = [r for r in out.territory.to_pylist() if r["kreis"] == "13071"]
    assert not report["derivable"] and report["figures_not_derivable"] == 1 and "13052 was split" in report["how"]


def test_a_series_the_provider_computed_for_a_new_code_is_kept(catalog):
    """The Regionaldatenbank publishes 14511 Chemnitz on today's territory back to 1995, beside 14161."""
    out = derive_values(facts([("population", "14511", "1995-12-31", 288_268), ("population", "14161", "1995-12-31", 266_737)]),
                        catalog).values
    chemnitz = value_of(out, "population", "14511", "1995-12-31")
    assert (chemnitz["value"], chemnitz["status"], chemnitz["origin"]) == (288_268, None, "provider")


def test_a_predecessor_without_a_figure_leaves_the_kreis_incomplete_naming_it(catalog):
    """Städteregion Aachen before 2009: the export has the Kreis Aachen but not the old city (05313); the city's
    8-digit code 05334002 is never summed in."""
    out = derive_values(facts([("population", "05354", "2008-12-31", 309_251), ("population", "05334", "2008-12-31", None, "nil")]),
                        catalog).values
    aachen = value_of(out, "population", "05334", "2008-12-31")
    assert (aachen["value"], aachen["status"], aachen["missing"]) == (None, "incomplete", ["05313"])
