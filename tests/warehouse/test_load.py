"""Loading batches into core: vintages, idempotency, all-or-nothing."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa
import pytest

from sources.blob import InMemory
from sources.contract import RawPayload
from sources.genesis import parse_tablefile
from tests.genesis_bodies import population_rows
from sample.ffcsv import LAYOUTS, flat_file
from warehouse.load import StagedLoad, connect, last_loaded, load_batch

T0 = datetime(2025, 4, 10, tzinfo=UTC)


def payload(data: bytes) -> RawPayload:
    return RawPayload("regionalstatistik", "12411-01-01-4", "https://example.invalid/data/tablefile",
                      {"name": "12411-01-01-4", "startyear": "2023", "endyear": "2024"}, InMemory(data), InMemory(data),
                      "application/zip", T0)


def load(con, catalog, rows, batch="b1", now=T0):
    data = flat_file(LAYOUTS["12411-01-01-4"], rows)
    parsed = parse_tablefile(InMemory(data), catalog.tables["12411-01-01-4"], catalog, batch)
    return load_batch(con, parsed.observations, payload(data), "raw/x.zip", parsed.rows_read, now=now)


def current(con, region, period, indicator="population"):
    return con.execute(
        "SELECT value, status FROM core.observations WHERE valid_to IS NULL AND indicator_id=? AND region_code=? AND period=?",
        [indicator, region, period],
    ).fetchall()


def test_first_load_opens_a_vintage_per_figure(tmp_path, catalog):
    con = connect(tmp_path / "w.duckdb")
    counts = load(con, catalog, population_rows())
    assert counts.rows_new == 2508 and counts.rows_revised == 0  # 2023: 436 regions, 2024: 400 Kreise; all sexes
    assert current(con, "08125", "2024-12-31") == [(353877.0, None)]


def test_same_batch_twice_changes_nothing(tmp_path, catalog):
    con = connect(tmp_path / "w.duckdb")
    load(con, catalog, population_rows(), "b1")
    before = con.execute("SELECT count(*) FROM core.observations").fetchone()[0]
    counts = load(con, catalog, population_rows(), "b2", now=T0 + timedelta(days=1))
    assert (counts.rows_new, counts.rows_revised, counts.rows_unchanged) == (0, 0, 2508)
    assert con.execute("SELECT count(*) FROM core.observations").fetchone()[0] == before


def test_one_revised_figure_creates_exactly_one_new_vintage(tmp_path, catalog):
    """The Zensus-2022 rebasing revised 08121's 31.12.2023 figure from 130,093 to 131,653 (both published)."""
    con = connect(tmp_path / "w.duckdb")
    old_basis = [r for r in population_rows(current=False, periods=("2023-12-31",)) if r[1] == "08121"]
    earlier = [r for r in population_rows() if not (r[1] == "08121" and r[0] == "2023-12-31" and r[3] == ("",))] + old_basis
    load(con, catalog, earlier, "b1")
    later = T0 + timedelta(days=30)
    counts = load(con, catalog, population_rows(), "b2", now=later)
    assert (counts.rows_new, counts.rows_revised, counts.rows_unchanged) == (0, 1, 2507)
    history = con.execute(
        """SELECT value, valid_from, valid_to FROM core.observations
           WHERE indicator_id='population' AND region_code='08121' AND period='2023-12-31' ORDER BY valid_from"""
    ).fetchall()
    assert [h[0] for h in history] == [130093.0, 131653.0]
    assert history[0][2] == history[1][1] == later and history[1][2] is None
    # As published on a day between the two loads, the old figure stands.
    as_of = con.execute(
        """SELECT value FROM core.observations WHERE indicator_id='population' AND region_code='08121'
           AND period='2023-12-31' AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)""",
        [T0 + timedelta(days=1), T0 + timedelta(days=1)],
    ).fetchall()
    assert as_of == [(130093.0,)]


def test_a_figure_that_becomes_suppressed_is_a_new_vintage_with_null_not_zero(tmp_path, catalog):
    con = connect(tmp_path / "w.duckdb")
    rows = population_rows()
    load(con, catalog, rows, "b1")
    marked = [(r[0], r[1], r[2], r[3], "." if r[1] == "08126" and r[3] == ("",) and r[0] == "2024-12-31" else r[4], r[5]) for r in rows]
    counts = load(con, catalog, marked, "b2", now=T0 + timedelta(days=1))
    assert counts.rows_revised == 1
    assert current(con, "08126", "2024-12-31") == [(None, "secret")]


def test_a_failing_batch_leaves_core_and_the_batch_registry_untouched(tmp_path, catalog):
    con = connect(tmp_path / "w.duckdb")
    load(con, catalog, population_rows(), "b1")
    before = con.execute("SELECT count(*), sum(value) FROM core.observations").fetchone()
    data = flat_file(LAYOUTS["12411-01-01-4"], population_rows())
    good = parse_tablefile(InMemory(data), catalog.tables["12411-01-01-4"], catalog, "b2").observations
    # A batch whose second half breaks a NOT NULL constraint: nothing of it may stay.
    half = good.num_rows // 2
    regions = good.column("region_code").to_pylist()[:half] + [None] * (good.num_rows - half)
    broken = good.set_column(good.schema.get_field_index("region_code"), pa.field("region_code", pa.string()), pa.array(regions))
    with pytest.raises(Exception):
        load_batch(con, broken, payload(data + b"x"), "raw/y.zip", good.num_rows, now=T0 + timedelta(days=1))
    assert con.execute("SELECT count(*), sum(value) FROM core.observations").fetchone() == before
    assert con.execute("SELECT count(*) FROM raw.batches").fetchone()[0] == 1


def stored(path: str) -> Future[str]:
    done: Future[str] = Future()
    done.set_result(path)
    return done


def test_a_load_staged_beside_validation_is_seen_only_when_committed_and_rolled_back_whole(tmp_path, catalog):
    """A batch's load runs while it is validated: a rejected batch leaves nothing, an accepted one commits whole."""
    con = connect(tmp_path / "w.duckdb")
    rows = population_rows()
    load(con, catalog, rows, "b1")
    before = con.execute("SELECT count(*), sum(value) FROM core.observations").fetchone()
    data = flat_file(LAYOUTS["12411-01-01-4"], [(*r[:4], "1", r[5]) if r[1] == "08126" else r for r in rows])
    revised = parse_tablefile(InMemory(data), catalog.tables["12411-01-01-4"], catalog, "b2")
    StagedLoad(con, revised.observations, payload(data), stored("raw/y.zip"), revised.rows_read).rollback()
    assert con.execute("SELECT count(*), sum(value) FROM core.observations").fetchone() == before
    assert con.execute("SELECT count(*) FROM raw.batches").fetchone()[0] == 1
    counts = StagedLoad(con, revised.observations, payload(data), stored("raw/y.zip"), revised.rows_read).commit()
    assert counts.rows_revised > 0 and current(con, "08126", "2024-12-31") == [(1.0, None)]
    assert con.execute("SELECT count(*) FROM raw.batches").fetchone()[0] == 2


@pytest.mark.parametrize("verdict", ["accepted", "rejected"])
def test_a_staged_load_that_fails_leaves_core_untouched_whatever_the_verdict(tmp_path, catalog, verdict):
    con = connect(tmp_path / "w.duckdb")
    load(con, catalog, population_rows(), "b1")
    before = con.execute("SELECT count(*), sum(value) FROM core.observations").fetchone()
    data = flat_file(LAYOUTS["12411-01-01-4"], population_rows())
    good = parse_tablefile(InMemory(data), catalog.tables["12411-01-01-4"], catalog, "b2").observations
    regions = good.column("region_code").to_pylist()[:-1] + [None]  # breaks a NOT NULL constraint
    broken = good.set_column(good.schema.get_field_index("region_code"), pa.field("region_code", pa.string()), pa.array(regions))
    staged = StagedLoad(con, broken, payload(data + b"x"), stored("raw/y.zip"), good.num_rows)
    if verdict == "accepted":
        with pytest.raises(duckdb.ConstraintException):
            staged.commit()
    else:
        staged.rollback()
    assert con.execute("SELECT count(*), sum(value) FROM core.observations").fetchone() == before
    assert con.execute("SELECT count(*) FROM raw.batches").fetchone()[0] == 1


def test_last_loaded_tracks_the_latest_batch_per_request(tmp_path, catalog):
    con = connect(tmp_path / "w.duckdb")
    data = flat_file(LAYOUTS["12411-01-01-4"], population_rows())
    assert last_loaded(con, payload(data)) is None
    load(con, catalog, population_rows())
    last = last_loaded(con, payload(data))
    assert (last.sha256, last.parse_fingerprint) == (payload(data).sha256, None)
    assert con.execute("SELECT batch_id FROM raw.batches").fetchone() == (last.batch_id,)
