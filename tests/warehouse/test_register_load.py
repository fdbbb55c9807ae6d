"""The register through the warehouse like any batch: loaded whole in one transaction with its raw.batches row, the same
workbook again unchanged, a bad one quarantined whole with the last good register kept, a change a new vintage."""

from __future__ import annotations

import dataclasses

import pyarrow as pa
import pytest

from pipelines.batch import process_payload
from sources.register import parse_register
from tests.sources.register_bodies import NAME, REQUEST, TABLE, edited, goals, measures, payload, workbook
from warehouse.register import load_register


def register_rows(con) -> list[tuple]:
    return con.execute("""SELECT 'goal', goal_id, target_value, valid_to IS NULL FROM core.goals
                          UNION ALL SELECT 'measure', measure_id, NULL, valid_to IS NULL FROM core.measures
                          UNION ALL SELECT 'output', measure_id, value, valid_to IS NULL FROM core.measure_outputs ORDER BY ALL""").fetchall()


def load(con, catalog, validator, tmp_path, data: bytes, run: str):
    return process_payload(con, payload(data), REQUEST, catalog, tmp_path, run, validator)


def test_a_workbook_loads_whole_and_the_same_workbook_again_changes_nothing(con, catalog, validator, tmp_path):
    data = workbook()  # one file, loaded twice (openpyxl stamps each save with the time of saving)
    first = load(con, catalog, validator, tmp_path, data, "r1")
    assert (first.outcome, first.rows_new, first.rows_revised, first.rows_unchanged) == ("loaded", 5, 0, 0), first.message
    assert con.execute("SELECT table_id, rows_read, rows_loaded FROM raw.batches").fetchall() == [("ziele-massnahmen-heilbronn-franken", 5, 5)]
    assert con.execute("SELECT DISTINCT batch_id FROM core.goals").fetchall() == [(first.batch_id,)]
    again = load(con, catalog, validator, tmp_path, data, "r2")
    assert again.outcome == "unchanged"
    assert con.execute("SELECT run_id, outcome FROM ops.batch_outcomes ORDER BY run_id").fetchall() == [("r1", "loaded"), ("r2", "unchanged")]


def test_one_bad_row_quarantines_the_workbook_and_the_last_good_register_stays(con, catalog, validator, tmp_path):
    load(con, catalog, validator, tmp_path, workbook(), "r1")
    before = register_rows(con)
    # a new target for T1 (fine) and a measure pointing to a goal the register lacks (row 2 of Maßnahmen)
    bad = workbook(edited(goals(), 0, Zielwert=-20), edited(measures(), 0, Ziele="T1; T8"))
    result = load(con, catalog, validator, tmp_path, bad, "r2")
    assert result.outcome == "quarantined"
    assert "row 2: workbook ziele-massnahmen-test.xlsx, sheet 'Maßnahmen', column 'Ziele': goal 'T8' is not in sheet 'Ziele'" in result.message
    assert register_rows(con) == before  # nothing of it, not even the good new target of T1
    (reason, rows, path) = con.execute("SELECT reason, failing_rows, payload_path FROM ops.quarantine").fetchone()
    assert "sheet 'Maßnahmen'" in reason and '"row": 2' in rows and (tmp_path / path).exists()
    assert con.execute("SELECT count(*) FROM raw.batches").fetchone()[0] == 1


def test_a_changed_target_opens_a_vintage_and_a_goal_no_longer_listed_is_closed(con, catalog, validator, tmp_path):
    load(con, catalog, validator, tmp_path, workbook(), "r1")
    changed = workbook(edited(goals(), 1, Zielwert=-0.8)[:2])  # T2's target changed, T3 dropped
    result = load(con, catalog, validator, tmp_path, changed, "r2")
    assert (result.outcome, result.rows_new, result.rows_revised, result.rows_unchanged) == ("loaded", 0, 1, 3)
    assert [r for r in register_rows(con) if r[0] == "goal"] == [
        ("goal", "T1", -10.0, True), ("goal", "T2", -0.8, True), ("goal", "T2", -0.5, False), ("goal", "T3", None, False)]
    # moving a row within the sheet is no change: where it stands is not what it says
    moved = workbook([edited(goals(), 1, Zielwert=-0.8)[1], goals()[0]])
    assert load(con, catalog, validator, tmp_path, moved, "r3").rows_unchanged == 4


def test_a_register_failing_half_way_leaves_every_table_as_it_was(con, catalog, validator, tmp_path):
    """Goals, measures and outputs commit together with the batch's row, or not at all."""
    load(con, catalog, validator, tmp_path, workbook(), "r1")
    before = register_rows(con)
    data = workbook(edited(goals(), 0, Zielwert=-20))
    rows = parse_register(data, NAME, catalog.tables[TABLE], catalog, "b2")
    outputs = rows.tables["measure_outputs"]  # the last table merged: its NULL unit breaks a NOT NULL constraint
    broken = outputs.set_column(outputs.schema.get_field_index("unit"), pa.field("unit", pa.string()), pa.nulls(outputs.num_rows, pa.string()))
    with pytest.raises(Exception, match="NOT NULL"):
        load_register(con, dataclasses.replace(rows, tables=rows.tables | {"measure_outputs": broken}), "b2", payload(data), "raw/x.bin")
    assert register_rows(con) == before  # T1's new target is not in it
    assert con.execute("SELECT count(*) FROM raw.batches").fetchone()[0] == 1
