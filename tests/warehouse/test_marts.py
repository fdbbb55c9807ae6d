"""The comparison marts on real figures: as-of across a revision, ranks with ties, indices, exports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from catalog import default_catalog
from tests.warehouse.test_load import T0, load
from tests.genesis_bodies import population_rows
from transforms.derive import FACT_COLUMNS
from warehouse.export import HEADER_ROWS, COMPARISON_HEADERS_DE, ExportError, export_region
from warehouse.marts import build_marts
from warehouse.load import connect
from warehouse.reference import write_catalog
from warehouse.vintages import merge_vintages

HF = ("08121", "08125", "08126", "08127", "08128")


def warehouse(tmp_path, catalog):
    con = connect(tmp_path / "w.duckdb")
    write_catalog(con, catalog)
    return con


def hf_population(con, period: str, as_of: datetime | None = None) -> float:
    return con.execute("SELECT value FROM marts.indicator_values_as_of(?) WHERE indicator_id = 'population' "
                       "AND region_code = 'heilbronn-franken' AND period = ?", [as_of, period]).fetchone()[0]


def test_as_of_answers_with_the_figures_published_before_a_revision(tmp_path, catalog):
    """The Zensus-2022 rebasing revised 08121's 31.12.2023 population from 130,093 to 131,653 (both published)."""
    con = warehouse(tmp_path, catalog)
    old_basis = [r for r in population_rows(current=False, periods=("2023-12-31",)) if r[1] == "08121"]
    load(con, catalog, [r for r in population_rows() if not (r[1] == "08121" and r[0] == "2023-12-31")] + old_basis, "b1")
    build_marts(con, catalog, now=T0)
    before = hf_population(con, "2023-12-31")
    later = T0 + timedelta(days=30)
    load(con, catalog, population_rows(), "b2", now=later)
    build_marts(con, catalog, now=later)

    assert hf_population(con, "2023-12-31") - before == 131_653 - 130_093
    assert hf_population(con, "2023-12-31", as_of=T0 + timedelta(days=1)) == before
    assert hf_population(con, "2023-12-31", as_of=later + timedelta(days=1)) == before + 1_560
    assert con.execute("SELECT count(*) FROM marts.indicator_values_as_of(?)", [T0 - timedelta(days=1)]).fetchone()[0] == 0
    # The comparison and the profile answer as of a date too, from the same vintages.
    old_index = con.execute("""SELECT index_reference_100 FROM marts.region_comparison_as_of(?) WHERE indicator_id = 'population'
                               AND region_code = 'heilbronn-franken' AND period = '2023-12-31' AND reference_code = '08'""",
                            [T0 + timedelta(days=1)]).fetchone()[0]
    state_2023 = con.execute("SELECT value FROM marts.indicator_values WHERE indicator_id = 'population' AND region_code = '08' "
                             "AND period = '2023-12-31'").fetchone()[0]
    assert old_index == pytest.approx(before / state_2023 * 100)
    assert con.execute("SELECT population FROM marts.region_profile_as_of(?) WHERE region_code = 'heilbronn-franken' AND period = '2023'",
                       [T0 + timedelta(days=1)]).fetchone()[0] == before


def test_an_unchanged_rebuild_opens_no_new_vintage(tmp_path, catalog):
    con = warehouse(tmp_path, catalog)
    load(con, catalog, population_rows(), "b1")
    build_marts(con, catalog, now=T0)
    [(rows,)] = con.execute("SELECT count(*) FROM core.region_values").fetchall()
    build_marts(con, catalog, now=T0 + timedelta(days=1))
    assert con.execute("SELECT count(*) FROM core.region_values").fetchone()[0] == rows


def insert_facts(con, rows, now=T0):
    """Provider facts straight into core.observations: (indicator, region, period, value), or with a fifth
    item, the status (value None for a withheld figure). The unit is the catalog's; a period YYYY-MM is monthly."""
    rows = [(*r, None)[:5] for r in rows]
    units = {k: i.unit for k, i in default_catalog().all_indicators().items()}
    table = pa.table({
        "indicator_id": [r[0] for r in rows], "region_code": [r[1] for r in rows], "period": [r[2] for r in rows],
        "freq": ["M" if len(r[2]) == 7 else "A" for r in rows],
        "value": pa.array([None if r[3] is None else float(r[3]) for r in rows], pa.float64()),
        "unit": [units[r[0]] for r in rows], "status": pa.array([r[4] for r in rows], pa.string()),
        "marker": pa.nulls(len(rows), pa.string()), "source_id": ["regionalstatistik"] * len(rows),
        "table_id": ["12411-01-01-4"] * len(rows), "batch_id": ["b"] * len(rows), "source_row": list(range(len(rows))),
    })
    con.register("incoming", table)
    merge_vintages(con, "core.observations", "incoming", now)
    con.unregister("incoming")
    assert set(FACT_COLUMNS) <= set(table.column_names)


def test_ranks_within_a_level_share_ties_and_skip(tmp_path, catalog):
    con = warehouse(tmp_path, catalog)
    values = {"08121": 300, "08125": 500, "08126": 300, "08127": 100, "08128": 200}
    insert_facts(con, [("population", k, "2024-12-31", v) for k, v in values.items()] + [("population", "08", "2024-12-31", 10_000)])
    build_marts(con, catalog, now=T0)
    ranks = dict(con.execute("""SELECT region_code, rank_in_level FROM marts.region_comparison
                                WHERE indicator_id = 'population' AND region_level = 'kreis' AND reference_code = '08'""").fetchall())
    assert ranks == {"08125": 1, "08121": 2, "08126": 2, "08128": 4, "08127": 5}
    hf = con.execute("""SELECT value, reference_value, index_reference_100, difference FROM marts.region_comparison
                        WHERE region_code = 'heilbronn-franken' AND reference_code = '08'""").fetchone()
    assert hf == (1400.0, 10_000.0, pytest.approx(14.0), -8600.0)


def test_a_kreis_is_ranked_among_the_kreise_of_its_state_and_of_germany_on_today_s_territory(tmp_path, catalog):
    """Göttingen and Osterode (2015) count as today's Landkreis Göttingen (03159), and are not ranked themselves."""
    con = warehouse(tmp_path, catalog)
    values = {"08121": 300, "08125": 500, "03241": 1000, "03152": 255, "03156": 74}
    insert_facts(con, [("population", k, "2015-12-31", v) for k, v in values.items()])
    build_marts(con, catalog, now=T0)
    ranks = {r[0]: r[1:] for r in con.execute("""SELECT region_code, rank_in_level, regions_in_level, rank_in_state, regions_in_state, status
                                                 FROM marts.region_comparison WHERE indicator_id = 'population'
                                                 AND region_level = 'kreis' AND value IS NOT NULL AND reference_code = 'DG'""").fetchall()}
    assert ranks == {"03241": (1, 4, 1, 2, None), "08125": (2, 4, 1, 2, None), "03159": (3, 4, 2, 2, "territory_adjusted"),
                     "08121": (4, 4, 2, 2, None)}
    references = con.execute("""SELECT DISTINCT reference_code FROM marts.region_comparison
                                WHERE indicator_id = 'population' AND region_code = '08121'""").fetchall()
    assert sorted(references) == [("08",), ("DG",)]  # its own state and Germany, never another state
    former = con.execute("SELECT DISTINCT region_level, rank_in_level FROM marts.region_comparison WHERE region_code = '03152'").fetchall()
    assert former == [("former_kreis", 1)]  # ranked only among the former Kreise, never among today's
    assert con.execute("SELECT kreis, figures_adjusted FROM ops.territory_adjustments WHERE figures_adjusted > 0").fetchall() == [("03159", 1)]


def test_changes_against_the_previous_period_and_five_periods_back(tmp_path, catalog):
    con = warehouse(tmp_path, catalog)
    insert_facts(con, [("population", "08121", f"{y}-12-31", 1000 + 10 * (y - 2018)) for y in range(2018, 2025)])
    build_marts(con, catalog, now=T0)
    row = con.execute("""SELECT previous_period, change_previous, period_5_back, change_5_periods FROM marts.region_comparison_as_of(NULL, reference := '08121')
                         WHERE indicator_id = 'population' AND region_code = '08121' AND period = '2024-12-31'""").fetchone()
    assert row == ("2023-12-31", 10.0, "2019-12-31", 50.0)



def test_a_gap_in_the_series_gives_no_change_never_one_against_an_older_period(tmp_path, catalog):
    """MADE-UP figures: a series with 2016 and 2021 missing."""
    con = warehouse(tmp_path, catalog)
    years = (2015, 2017, 2018, 2019, 2020, 2022)
    insert_facts(con, [("population", "08121", f"{y}-12-31", 1000 + 10 * (y - 2015)) for y in years])
    build_marts(con, catalog, now=T0)
    rows = {r[0]: r[1:] for r in con.execute(
        """SELECT period, previous_period, change_previous, period_5_back, change_5_periods
           FROM marts.region_comparison_as_of(NULL, reference := '08121') WHERE indicator_id = 'population' AND region_code = '08121'""").fetchall()}
    assert rows["2022-12-31"] == (None, None, "2017-12-31", 50.0)  # 2021 missing; five back is 2017, four rows back
    assert rows["2020-12-31"] == ("2019-12-31", 10.0, "2015-12-31", 50.0)
    assert rows["2019-12-31"] == ("2018-12-31", 10.0, None, None)  # 2014 is not in the series
    assert rows["2017-12-31"] == (None, None, None, None)  # 2016 missing

@pytest.fixture
def published(tmp_path, catalog):
    con = warehouse(tmp_path, catalog)
    load(con, catalog, population_rows(), "b1")
    build_marts(con, catalog, now=T0)
    con.close()
    return tmp_path / "w.duckdb"


def test_the_excel_export_reads_back_with_the_numbers_of_the_mart(published, tmp_path):
    [path] = export_region(published, "heilbronn-franken", "xlsx", tmp_path / "out")
    sheets = pd.read_excel(path, sheet_name=None, header=None)
    assert "Demografie" in sheets and "Profil" in sheets
    assert sheets["Demografie"].iloc[1, 0].startswith("Quelle: ") and "dl-de/by-2-0" in sheets["Demografie"].iloc[1, 0]
    demo = pd.read_excel(path, sheet_name="Demografie", skiprows=HEADER_ROWS)
    assert list(demo.columns) == list(COMPARISON_HEADERS_DE.values())
    con = duckdb.connect(str(published), read_only=True)
    mart = con.execute("""SELECT indicator_label_de, region_code, period, reference_name_de, value, index_reference_100
                          FROM marts.region_comparison WHERE topic = 'demography'
                          AND region_code IN ('heilbronn-franken', '08121', '08125', '08126', '08127', '08128')""").df()
    key = ["Indikator", "Regionalschlüssel", "Zeitraum", "Vergleichsregion"]
    both = demo.merge(mart.rename(columns=dict(zip(mart.columns[:4], key))), on=key, how="outer", indicator=True)
    assert len(demo) == len(mart) and (both["_merge"] == "both").all()
    assert both["Wert"].tolist() == pytest.approx(both["value"].tolist(), nan_ok=True)
    assert both["Index (Vergleichsregion = 100)"].tolist() == pytest.approx(both["index_reference_100"].tolist(), nan_ok=True)
    hf = both[(both["Regionalschlüssel"] == "heilbronn-franken") & (both["Indikator"] == "Bevölkerung") & (both["Zeitraum"] == "2024-12-31")]
    assert hf["Wert"].tolist() == [935_578.0] * 2  # the five Kreise of Heilbronn-Franken at 31.12.2024
    assert sorted(hf["Vergleichsregion"]) == ["Baden-Württemberg", "Deutschland"]  # Germany: the sum of its 400 Kreise


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_csv_and_parquet_exports_hold_the_comparison_and_the_profile(published, tmp_path, fmt):
    paths = export_region(published, "heilbronn-franken", fmt, tmp_path / "out")
    assert len(paths) == (3 if fmt == "parquet" else 2) and all(p.exists() for p in paths)
    frame = pd.read_parquet(paths[0]) if fmt == "parquet" else pd.read_csv(paths[0], sep=";", decimal=",", encoding="utf-8-sig")
    region_col = "region_code" if fmt == "parquet" else "Regionalschlüssel"
    assert set(frame[region_col]) == {"heilbronn-franken", *HF}


def test_exporting_an_unknown_region_names_the_known_ones(published, tmp_path):
    with pytest.raises(ExportError, match="unknown region 'hohenlohe'.*heilbronn-franken"):
        export_region(published, "hohenlohe", "xlsx", tmp_path)
