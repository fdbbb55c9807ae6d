"""The offline nightly run loads the bundled partner file; the marts show its figures for Heilbronn-Franken
beside the GENESIS ones."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.flows import nightly
from tests.sources.files_bodies import KIND, SOURCE

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    summary = nightly(data_dir=str(data))
    con = duckdb.connect(str(data / "labour_monitor.duckdb"), read_only=True)
    yield summary, con
    con.close()


def test_the_sample_run_loads_the_partner_file(warehouse):
    summary, _ = warehouse
    (partner,) = [r for r in summary["results"] if r["source_id"] == SOURCE]
    assert (partner["table_id"], partner["outcome"], partner["rows_new"]) == (KIND, "loaded", 17)


def test_heilbronn_franken_shows_the_partner_figures_beside_genesis(warehouse):
    _, con = warehouse
    rows = con.execute("""SELECT indicator_id, period, value, origin, citation FROM marts.indicator_values
                          WHERE region_code = 'heilbronn-franken' ORDER BY ALL""").fetchall()
    got = {(i, p): (v, o, c) for i, p, v, o, c in rows}
    # the IHK figure of the region itself is kept as the provider's, with the IHK's credit line
    value, origin, citation = got[("skilled_labour_shortage", "2035")]
    assert (value, origin) == (81000.0, "provider") and "IHK-Fachkräftemonitor" in citation
    assert got[("skilled_labour_shortage", "2020")][0] == -13000.0
    # beside it the GENESIS population, summed from the five Kreise
    assert got[("population", "2024-12-31")][:2] == (935578.0, "aggregate")
    profile = con.execute("""SELECT skilled_labour_shortage, skilled_labour_shortage_academic FROM marts.region_profile
                             WHERE region_code = 'heilbronn-franken' AND period = '2012'""").fetchall()
    assert profile == [(15000.0, 2200.0)]


def test_region_comparison_shows_the_partner_figures_for_heilbronn_franken(warehouse):
    """The monitor publishes for the IHK district only: the rows are kept, with no reference region."""
    _, con = warehouse
    rows = con.execute("""SELECT indicator_id, period, value, reference_code, rank_in_level FROM marts.region_comparison
                          WHERE region_code = 'heilbronn-franken' AND indicator_id = 'skilled_labour_shortage'
                          AND period = '2035'""").fetchall()
    assert rows == [("skilled_labour_shortage", "2035", 81_000.0, None, 1)]



def test_a_change_between_figures_of_two_releases_of_the_monitor_is_none_and_says_why(warehouse):
    """The IHK's series joins releases (Stand) of different years: 2020's surplus of the December 2020 release beside
    2019's shortage of the 2019 release, 2021 a forecast of the 2012 release. Figures of one release only are compared;
    across releases the change is NULL with the reason other_release."""
    _, con = warehouse
    rows = con.execute("""SELECT period, change_1y, change_1y_status, base_value_1y FROM marts.indicator_changes
                          WHERE region_code = 'heilbronn-franken' AND indicator_id = 'skilled_labour_shortage'
                          AND period IN ('2013', '2020', '2021') ORDER BY period""").fetchall()
    assert rows == [("2013", pytest.approx(100 / 15), None, 15000.0),  # 2012 and 2013 both of the 2012 release
                    ("2020", None, "other_release", None), ("2021", None, "other_release", None)]
    assert con.execute("SELECT label_en FROM core.statuses WHERE status = 'other_release'").fetchone()[0].startswith("change: the base")

def test_the_sample_run_loads_the_ba_pendler_exports(warehouse):
    summary, _ = warehouse
    ba = {r["table_id"]: (r["outcome"], r["rows_new"]) for r in summary["results"] if r["source_id"] == "ba-statistik-dateien"}
    assert ba == {"ba-pendler-einpendler-kreise": ("loaded", 5), "ba-pendler-auspendler-kreise": ("loaded", 5)}


def test_commuters_stand_per_kreis_and_only_the_balance_is_summed_for_the_region(warehouse):
    _, con = warehouse
    rows = con.execute("""SELECT indicator_id, region_code, value, origin, citation FROM marts.indicator_values
                          WHERE indicator_id IN ('commuters_in_ba', 'commuters_out_ba', 'commuter_balance_ba')
                          AND period = '2023' ORDER BY ALL""").fetchall()
    got = {(i, r): (v, o) for i, r, v, o, _ in rows}
    # Stadtkreis Heilbronn, 30.06.2023: 47,820 in, 29,200 out, balance +18,620
    assert got[("commuters_in_ba", "08121")] == (47820.0, "provider")
    assert got[("commuters_out_ba", "08121")] == (29200.0, "provider")
    assert got[("commuter_balance_ba", "08121")] == (18620.0, "derived")
    assert got[("commuter_balance_ba", "08125")] == (-6980.0, "derived")  # Landkreis Heilbronn: more out than in
    assert {c for *_, c in rows} == {"Quelle: Statistik der Bundesagentur für Arbeit"}
    # In and out only for Kreise: a flow between two member Kreise is no commuting across the region's border.
    assert {r for i, r in got if i != "commuter_balance_ba"} == {"08121", "08125", "08126", "08127", "08128"}
    # The balance adds up (that flow is +1 in one Kreis and -1 in the other): 18,620 - 6,980 + 9,270 - 2,170 - 960.
    assert got[("commuter_balance_ba", "heilbronn-franken")] == (17780.0, "aggregate")
    # The state's needs all 44 Kreise: NULL and incomplete, never a partial sum.
    state = con.execute("""SELECT value, status FROM marts.indicator_values WHERE indicator_id = 'commuter_balance_ba'
                           AND region_code = '08' AND period = '2023'""").fetchone()
    assert state == (None, "incomplete")


def test_the_sample_run_loads_one_batch_per_agency_workbook(warehouse):
    summary, _ = warehouse
    bibb = [(r["table_id"], r["outcome"], r["rows_new"]) for r in summary["results"] if r["source_id"] == "bibb-ausbildungsmarkt"]
    assert bibb == [("bibb-ausbildungsmarkt-agenturbezirke", "loaded", 14)] * 2


def test_the_agency_districts_show_the_apprenticeship_market_with_bibbs_credit(warehouse):
    _, con = warehouse
    rows = con.execute("""SELECT indicator_id, region_code, period, value, origin, citation FROM marts.indicator_values
                          WHERE indicator_id LIKE 'apprenticeship%' ORDER BY ALL""").fetchall()
    got = {(i, r, p): (v, o) for i, r, p, v, o, _ in rows}
    assert got[("apprenticeship_contracts_new", "aa-heilbronn", "2023")] == (3063.0, "provider")
    assert got[("apprenticeship_contracts_new", "aa-schwaebisch-hall-tauberbischofsheim", "2022")] == (3822.0, "provider")
    # the supply-demand ratio (extended definition), AA Heilbronn 2023: 3,351 places for 3,294 applicants
    ratio, origin = got[("apprenticeship_supply_demand_ratio", "aa-heilbronn", "2023")]
    assert origin == "derived" and ratio == pytest.approx(3351 / 3294 * 100) and round(ratio, 1) == 101.7
    # unfilled places in % of the supply, AA Schwäbisch Hall-Tauberbischofsheim 2023: 1,080 of 5,163
    assert got[("apprenticeship_places_unfilled_pct", "aa-schwaebisch-hall-tauberbischofsheim", "2023")][0] == pytest.approx(1080 / 5163 * 100)
    assert {c for *_, c in rows} == {"Quellen: Bundesinstitut für Berufsbildung, Erhebung zum 30. September; Bundesagentur für "
                                     "Arbeit, Ergebnisse der Ausbildungsmarktstatistik ab 2015 inkl. Abiturientenausbildungen"}
    # Only the agencies: no Kreis has a figure, and Heilbronn-Franken is never made from agency data (the
    # Schwäbisch Hall-Tauberbischofsheim district includes the Neckar-Odenwald-Kreis, outside the region).
    assert {r for _, r, _ in got} == {"aa-heilbronn", "aa-schwaebisch-hall-tauberbischofsheim"}
