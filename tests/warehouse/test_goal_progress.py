"""marts.goal_progress on figures chosen for hand computation and a made-up register (tests/sources/register_bodies.py):
the target path, the gap to it and the status of each kind of goal, beside the state's change over the same years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from sources.register import parse_register
from tests.sources.register_bodies import MADE_UP, NAME, TABLE, edited, payload, workbook
from warehouse.marts import build_marts
from warehouse.register import load_register
from warehouse.vintages import merge_vintages

T0 = datetime(2026, 3, 1, tzinfo=UTC)
YEARS = range(2015, 2021)
# Made-up figures (not published ones), chosen so that every value below can be computed by hand.
UNEMPLOYED_08125 = dict(zip(YEARS, (5000, 4900, 4500, 4700, 4800, 4600), strict=True))
UNEMPLOYED_STATE = dict(zip(YEARS, (200_000, 195_000, 190_000, 192_000, 194_000, 196_000), strict=True))
OTHER_KREISE = {"08121": 4000, "08126": 1500, "08127": 2500, "08128": 2000}  # 08128 missing in 2016 and 2020
RATE_08125 = dict(zip(YEARS, (3.3, 3.3, 3.4, 3.3, 3.2, 3.25), strict=True))
RATE_STATE = dict(zip(YEARS, (3.0, 3.1, 3.0, 2.9, 3.0, 3.1), strict=True))

GOALS = [
    # T1: count, lower is better, −10 % from 5,000 by 2020: level 4,500, met in 2017 (reached early)
    {"Ziel-ID": "T1", "Ziel": f"{MADE_UP} T1", "Region": "08125", "Indikator": "unemployed", "Basisjahr": 2015,
     "Zielart": "Veränderung in %", "Zielwert": -10, "Zieljahr": 2020, "Richtung": "niedriger ist besser", "Verantwortlich": "A"},
    # T2: rate, −0.1 points from 3.3 by 2020: 3.3 − 0.1 is 3.1999999999999997 as a float; 3.2 meets it at one decimal
    {"Ziel-ID": "T2", "Ziel": f"{MADE_UP} T2", "Region": "08125", "Indikator": "unemployment_rate", "Basisjahr": 2015,
     "Zielart": "Veränderung in Punkten", "Zielwert": -0.1, "Zieljahr": 2020, "Richtung": "niedriger ist besser", "Verantwortlich": "A"},
    # T3: the gap to the state (3.3 − 3.0 = 0.3 points in 2015) closed by 2019
    {"Ziel-ID": "T3", "Ziel": f"{MADE_UP} T3", "Region": "08125", "Indikator": "unemployment_rate", "Basisjahr": 2015,
     "Zielart": "Abstand zum Land schließen", "Zieljahr": 2019, "Richtung": "niedriger ist besser", "Verantwortlich": "B"},
    # T4: an indicator the warehouse has no figure of yet
    {"Ziel-ID": "T4", "Ziel": f"{MADE_UP} T4", "Region": "08125", "Indikator": "employees_svb_residence", "Basisjahr": 2015,
     "Zielart": "Veränderung in %", "Zielwert": 5, "Zieljahr": 2020, "Richtung": "höher ist besser", "Verantwortlich": "B"},
    # T5: Heilbronn-Franken, summed from its Kreise: incomplete where 08128 is missing
    {"Ziel-ID": "T5", "Ziel": f"{MADE_UP} T5", "Region": "heilbronn-franken", "Indikator": "unemployed", "Basisjahr": 2015,
     "Zielart": "Veränderung in %", "Zielwert": -10, "Zieljahr": 2020, "Richtung": "niedriger ist besser", "Verantwortlich": "A"},
]


def insert(con, catalog, rows, now=T0):
    """Annual provider figures (indicator, region, year, value) into core.observations, as a batch would load them."""
    ind = catalog.indicators
    table = pa.table({
        "indicator_id": [r[0] for r in rows], "region_code": [r[1] for r in rows], "period": [str(r[2]) for r in rows],
        "freq": ["A"] * len(rows), "value": [float(r[3]) for r in rows], "unit": [ind[r[0]].unit for r in rows],
        "status": [None] * len(rows), "marker": [None] * len(rows), "source_id": ["regionalstatistik"] * len(rows),
        "table_id": [ind[r[0]].table for r in rows], "batch_id": ["b"] * len(rows), "source_row": list(range(len(rows))),
        "release": pa.nulls(len(rows), pa.string()),
    })
    con.register("incoming", table)
    merge_vintages(con, "core.observations", "incoming", now)
    con.unregister("incoming")


def figures() -> list[tuple]:
    rows = [("unemployed", "08125", y, v) for y, v in UNEMPLOYED_08125.items()]
    rows += [("unemployed", "08", y, v) for y, v in UNEMPLOYED_STATE.items()]
    rows += [("unemployed", k, y, v) for k, v in OTHER_KREISE.items() for y in YEARS if not (k == "08128" and y in (2016, 2020))]
    rows += [("unemployment_rate", "08125", y, v) for y, v in RATE_08125.items()]
    rows += [("unemployment_rate", "08", y, v) for y, v in RATE_STATE.items()]
    return rows


def register(con, catalog, goal_rows, now):
    data = workbook(goal_rows, measure_rows=[], output_rows=[])
    rows = parse_register(data, NAME, catalog.tables[TABLE], catalog, f"b-{now:%s}")
    load_register(con, rows, f"b-{now:%s}", payload(data), "raw/register.bin", now=now)
    build_marts(con, catalog, now=now)


@pytest.fixture
def goals_con(con, catalog):
    insert(con, catalog, figures())
    register(con, catalog, GOALS, T0)
    return con


def progress(con, goal: str, as_of=None) -> dict[int, dict]:
    cursor = con.execute("SELECT * FROM marts.goal_progress_as_of(?) WHERE goal_id = ? ORDER BY year", [as_of, goal])
    names = [d[0] for d in cursor.description]
    return {r[names.index("year")]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}


def test_a_count_target_reached_early_stays_reached_and_the_state_s_change_stands_beside_it(goals_con):
    rows = progress(goals_con, "T1")
    assert list(rows) == list(YEARS)
    assert {y: r["status"] for y, r in rows.items()} == {2015: "on_track", 2016: "on_track", 2017: "reached", 2018: "reached",
                                                          2019: "reached", 2020: "reached"}
    r = rows[2016]  # path: 5,000 + (4,500 − 5,000) × 1/5 = 4,900; the figure is on it
    assert (r["target_level"], r["target_path"], r["gap_to_path"], r["changes_in"]) == (pytest.approx(4500), pytest.approx(4900),
                                                                                        pytest.approx(0), "percent")
    r = rows[2018]  # worse again after 2017: still reached (the target was met before the target year)
    assert (r["reached_in"], r["actual_value"]) == (2017, 4700)
    assert r["change_since_baseline"] == pytest.approx((4700 / 5000 - 1) * 100)  # −6 %
    assert r["state_change_since_baseline"] == pytest.approx((192_000 / 200_000 - 1) * 100)  # −4 %: the region did better
    assert (r["target_path"], r["gap_to_path"]) == (pytest.approx(5000 - 500 * 3 / 5), pytest.approx(0))  # 4,700: on the path
    assert progress(goals_con, "T1")[2019]["gap_to_path"] == pytest.approx((4800 / 4600 - 1) * 100)  # off it, yet reached
    assert (r["actual_index"], r["state_index"]) == (pytest.approx(94.0), pytest.approx(96.0))


def test_a_rate_target_is_met_at_its_published_precision_never_by_float_equality(goals_con):
    rows = progress(goals_con, "T2")
    assert rows[2019]["target_level"] < 3.2  # 3.1999999999999997: a float comparison would say "not reached"
    assert (rows[2019]["status"], rows[2019]["reached_in"], rows[2019]["decimals"]) == ("reached", 2019, 1)
    r = rows[2017]  # lower is better: 3.4 against the path 3.3 − 0.1 × 2/5 = 3.26, in points
    assert (r["status"], r["target_path"], r["gap_to_path"], r["changes_in"]) == ("behind", pytest.approx(3.26), pytest.approx(0.14), "points")
    assert (r["change_since_baseline"], r["state_change_since_baseline"]) == (pytest.approx(0.1), pytest.approx(0.0))
    assert rows[2018]["status"] == "behind"  # 3.3 against 3.24: 33 against 32 tenths


def test_the_gap_to_the_state_shrinks_linearly_to_zero_at_the_target_year(goals_con):
    rows = progress(goals_con, "T3")
    assert list(rows) == [2015, 2016, 2017, 2018, 2019]
    gap = 3.3 - 3.0
    for year, r in rows.items():  # the state's figure in that year plus the baseline gap, shrinking to zero at 2019
        assert r["target_path"] == pytest.approx(RATE_STATE[year] + gap * (1 - (year - 2015) / 4)), year
        assert r["gap_to_state"] == pytest.approx(RATE_08125[year] - RATE_STATE[year])
        assert r["state_change_since_baseline"] == pytest.approx(RATE_STATE[year] - 3.0)
    assert rows[2016]["status"] == "on_track"  # 3.3 against 3.325: 33 against 33 tenths
    assert (rows[2017]["status"], rows[2017]["gap_to_path"]) == ("behind", pytest.approx(3.4 - 3.15))
    assert (rows[2019]["status"], rows[2019]["target_level"], rows[2019]["reached_in"]) == ("behind", pytest.approx(3.0), None)


def test_a_goal_whose_indicator_has_no_data_yet(goals_con):
    rows = progress(goals_con, "T4")
    assert {r["status"] for r in rows.values()} == {"no_data_yet"}
    assert all(r["actual_value"] is None and r["target_path"] is None for r in rows.values())


def test_an_incomplete_aggregate_is_incomplete_never_a_partial_sum(goals_con):
    rows = progress(goals_con, "T5")
    r = rows[2016]
    assert (r["status"], r["actual_value"], r["actual_status"], r["missing"]) == ("incomplete", None, "incomplete", ["08128"])
    r = rows[2017]  # complete: 4,500 + 10,000 = 14,500 against 15,000 + (13,500 − 15,000) × 2/5 = 14,400
    assert (r["baseline_value"], r["actual_value"], r["status"]) == (15_000, 14_500, "behind")
    assert r["gap_to_path"] == pytest.approx((14_500 / 14_400 - 1) * 100)
    # the review of 2020 reads the newest year, where 08128 is missing again
    (review,) = goals_con.execute("SELECT year, status, missing FROM marts.goal_review_as_of(NULL, 2020) WHERE goal_id = 'T5'").fetchall()
    assert review == (2020, "incomplete", ["08128"])


def test_the_review_of_a_year_reads_each_goal_s_newest_figure_up_to_it(goals_con):
    review = dict(goals_con.execute("SELECT goal_id, (year, status) FROM marts.goal_review_as_of(NULL, 2018)").fetchall())
    assert review == {"T1": (2018, "reached"), "T2": (2018, "behind"), "T3": (2018, "behind"), "T4": (2018, "no_data_yet"),
                      "T5": (2018, "behind")}


def test_a_target_changed_mid_way_is_a_second_vintage_and_the_review_says_when_and_how(goals_con, catalog):
    later = T0 + timedelta(days=60)
    register(goals_con, catalog, edited(GOALS, 1, Zielwert=-0.3), later)
    versions = goals_con.execute("""SELECT target_value, valid_from, valid_to FROM core.goals WHERE goal_id = 'T2'
                                    ORDER BY valid_from""").fetchall()
    assert versions == [(-0.1, T0, later), (-0.3, later, None)]
    assert goals_con.execute("SELECT count(*) FROM core.goals WHERE valid_to IS NULL").fetchone()[0] == len(GOALS)
    now, before = progress(goals_con, "T2")[2019], progress(goals_con, "T2", as_of=T0 + timedelta(days=1))[2019]
    assert (before["target_level"], before["status"]) == (pytest.approx(3.2), "reached")
    assert (now["target_level"], now["target_path"], now["status"]) == (pytest.approx(3.0), pytest.approx(3.3 - 0.3 * 4 / 5), "behind")
    assert now["target_set_at"] == later
    changes = goals_con.execute("""SELECT since, until, changed, previous_target_value, target_value FROM marts.goal_changes
                                   WHERE goal_id = 'T2' ORDER BY since""").fetchall()
    assert changes == [(T0, later, ["set"], None, -0.1), (later, None, ["target_value"], -0.1, -0.3)]
    # what the review knew on a day between the two: the first version only, still applying
    assert goals_con.execute("SELECT until, changed FROM marts.goal_changes_as_of(?) WHERE goal_id = 'T2'",
                             [T0 + timedelta(days=1)]).fetchall() == [(None, ["set"])]
