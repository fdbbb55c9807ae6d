"""The marts the report reads for its data status and its forecasts: revisions since the previous publish,
what the newest run quarantined, and releases kept beside each other."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa

from sources.contract import OBSERVATION_SCHEMA
from tests.genesis_bodies import population_rows
from tests.warehouse.test_load import T0, load
from warehouse.load import connect
from warehouse.marts import build_marts
from warehouse.ops import BatchResult, record_outcome
from warehouse.reference import write_catalog
from warehouse.vintages import merge_vintages


def run(con, run_id, started, finished):  # noqa: ANN001
    con.execute("INSERT INTO ops.runs VALUES (?, 'nightly', 'replay', ?, ?, 'completed', '{}')", [run_id, started, finished])


def test_the_data_status_shows_the_revisions_and_the_quarantine_of_the_newest_run(tmp_path, catalog):
    """The Zensus-2022 rebasing revised 08121's 31.12.2023 figure from 130,093 to 131,653 (both published)."""
    con = connect(tmp_path / "w.duckdb")
    write_catalog(con, catalog)
    old_basis = [r for r in population_rows(current=False, periods=("2023-12-31",)) if r[1] == "08121"]
    run(con, "r1", T0 - timedelta(minutes=5), T0 + timedelta(minutes=1))
    load(con, catalog, [r for r in population_rows() if not (r[1] == "08121" and r[0] == "2023-12-31")] + old_basis, "b1")
    later = T0 + timedelta(days=30)
    run(con, "r2", later - timedelta(minutes=5), later + timedelta(minutes=1))
    load(con, catalog, population_rows(), "b2", now=later)
    record_outcome(con, "r2", BatchResult("regionalstatistik", "13111-01-03-4", "quarantined", "13111-01-03-4-x",
                                          message="source regionalstatistik, table 13111-01-03-4, row 2: unit 'Tsd.'"))
    build_marts(con, catalog, now=later)
    assert con.execute("""SELECT region_code, period, previous_value, value, since_previous_publish FROM marts.revisions""").fetchall() == [
        ("08121", "2023-12-31", 130093.0, 131653.0, True)]
    status = {r[0]: r[1:] for r in con.execute(
        """SELECT table_id, newest_period, revised_since_previous_publish, batches_quarantined, problems FROM marts.data_status""").fetchall()}
    assert status["12411-01-01-4"] == ("2024-12-31", 1, 0, None)
    assert status["13111-01-03-4"] == (None, 0, 1, "source regionalstatistik, table 13111-01-03-4, row 2: unit 'Tsd.'")


def test_a_partner_figure_loaded_before_releases_were_kept_is_replaced_by_the_same_figure_with_its_release(tmp_path):
    """A warehouse from before releases were kept holds the IHK's 81,000 for 2035 without a release: the file
    read again gives it with its Stand (June 2022) and the July 2021 forecast beside it; no figure is doubled."""
    con = connect(tmp_path / "w.duckdb")

    def figures(*rows):  # noqa: ANN002
        return pa.Table.from_pylist([{"indicator_id": "skilled_labour_shortage", "region_code": "heilbronn-franken", "period": "2035",
                                      "freq": "A", "value": v, "unit": "persons", "source_id": "ihk-heilbronn-franken",
                                      "table_id": "ihk-fachkraeftemonitor", "batch_id": "b", "source_row": n, "release": rel}
                                     for n, (v, rel) in enumerate(rows, 2)], schema=OBSERVATION_SCHEMA)

    con.register("incoming", figures((81000.0, None)).drop_columns(["release"]))
    merge_vintages(con, "core.observations", "incoming", T0)
    con.register("incoming", figures((78000.0, "2021-07"), (81000.0, "2022-06")))
    merge_vintages(con, "core.observations", "incoming", T0 + timedelta(days=1))
    assert con.execute("SELECT release, value FROM core.observations WHERE valid_to IS NULL ORDER BY release").fetchall() == [
        ("2021-07", 78000.0), ("2022-06", 81000.0)]
