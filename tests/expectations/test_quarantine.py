"""Bad batches are quarantined whole with a readable reason; the warehouse stays as it was."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from expectations.validate import expected_kreise
from pipelines.batch import process_payload
from sample.ffcsv import LAYOUTS, flat_file
from sources.blob import InMemory
from sources.contract import RawPayload, TableRequest
from tests.genesis_bodies import population_rows
from warehouse.load import connect

TABLE = "12411-01-01-4"
ALL_2024 = TableRequest("regionalstatistik", TABLE, 2024, 2024)


@pytest.fixture()
def warehouse(tmp_path, catalog, validator):
    """A warehouse already holding the good 2024 figures."""
    con = connect(tmp_path / "w.duckdb")
    result = process_payload(con, payload(flat_file(LAYOUTS[TABLE], rows_2024())), ALL_2024, catalog, tmp_path, "r0", validator)
    assert result.outcome == "loaded", result.message
    return con


def rows_2024():
    return population_rows(periods=("2024-12-31",))


def payload(data: bytes, request: TableRequest = ALL_2024) -> RawPayload:
    return RawPayload(request.source_id, request.table_id, "https://www.regionalstatistik.de/genesisws/rest/2020/data/tablefile",
                      {"name": TABLE, "startyear": str(request.first_year), "endyear": str(request.last_year)} | request.region_params,
                      InMemory(data), InMemory(data), "application/zip", datetime.now(UTC))


def edit(rows, region, attrs, value):
    """A real row with its value replaced (to make a bad batch from real figures)."""
    return [(r[0], r[1], r[2], r[3], value if (r[1], r[3]) == (region, attrs) else r[4], r[5]) for r in rows]


def snapshot(con):
    return con.execute("SELECT count(*), sum(value), count(DISTINCT batch_id) FROM core.observations").fetchone()


def header_renamed(data: bytes) -> bytes:
    return data.replace(b"value_unit", b"value_units", 1)


CASES = {
    # name: (file bytes, words the quarantine reason must contain)
    "renamed column": (header_renamed(flat_file(LAYOUTS[TABLE], rows_2024())), ["changed columns", "value_unit"]),
    "a Kreis missing": (flat_file(LAYOUTS[TABLE], [r for r in rows_2024() if r[1] != "08126"]), ["Kreise missing", "08126"]),
    "duplicated rows": (flat_file(LAYOUTS[TABLE], rows_2024() + rows_2024()[:1]), ["duplicate"]),
    "negative count": (flat_file(LAYOUTS[TABLE], edit(rows_2024(), "08125", ("GESM",), "-177112")), ["count_value"]),
    "text in value": (flat_file(LAYOUTS[TABLE], edit(rows_2024(), "08125", ("",), "353877 Personen")), ["neither a number", "row"]),
    "unknown region": (flat_file(LAYOUTS[TABLE], [(*r[:1], "08999", *r[2:]) if r[1] == "08111" else r for r in rows_2024()]),
                       ["unknown region code", "08999"]),
    "all-marker newest slice": (flat_file(LAYOUTS[TABLE], [(*r[:4], "-", r[5]) for r in rows_2024()]),
                                ["expect_table_row_count_to_be_between"]),
    "parts do not sum to the total": (flat_file(LAYOUTS[TABLE], edit(rows_2024(), "08125", ("GESM",), "177612")),
                                      ["parts_sum_to_total", "08125", "354377"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_batch_is_quarantined_and_the_warehouse_unchanged(case, warehouse, catalog, validator, tmp_path):
    data, words = CASES[case]
    before = snapshot(warehouse)
    result = process_payload(warehouse, payload(data), ALL_2024, catalog, tmp_path, "r1", validator)
    assert result.outcome == "quarantined"
    assert snapshot(warehouse) == before
    reason, table, rows, path = warehouse.execute("SELECT reason, table_id, failing_rows, payload_path FROM ops.quarantine").fetchone()
    assert table == TABLE and "regionalstatistik" in reason
    for word in words:
        assert word in reason or word in rows, (word, reason, rows)
    assert (tmp_path / path).exists()  # the body is kept for inspection


def test_failing_rows_name_their_keys(warehouse, catalog, validator, tmp_path):
    data = flat_file(LAYOUTS[TABLE], edit(rows_2024(), "08125", ("GESM",), "-177112"))
    process_payload(warehouse, payload(data), ALL_2024, catalog, tmp_path, "r1", validator)
    rows = json.loads(warehouse.execute("SELECT failing_rows FROM ops.quarantine").fetchone()[0])
    assert any(r.get("region_code") == "08125" and r.get("indicator_id") == "population_male" and r.get("source_row") for r in rows)


def test_a_large_change_is_loaded_with_a_warning(catalog, validator, tmp_path):
    """08127 (Zensus-2011 basis) grew 0.9 % from 2022 to 2023, within the 5 % bound; a 10 % jump loads with a warning."""
    con = connect(tmp_path / "w.duckdb")
    request = TableRequest("regionalstatistik", TABLE, 2022, 2023, (("regionalvariable", "KREISE"), ("regionalkey", "08127")))
    old = [r for r in population_rows(current=False) if r[1] == "08127"]
    jumped = [(r[0], r[1], r[2], r[3], str(int(int(r[4]) * 1.1)) if r[0] == "2023-12-31" else r[4], r[5]) for r in old]
    result = process_payload(con, payload(flat_file(LAYOUTS[TABLE], jumped), request), request, catalog, tmp_path, "r", validator)
    assert result.outcome == "loaded"
    assert any("year_on_year" in w and "08127" in w for w in result.warnings)


def test_expected_kreise_follow_the_regional_selection(catalog, bw_catalog):
    assert len(expected_kreise(ALL_2024, catalog)) == 400  # the whole table: every Kreis of the scope, all of Germany
    assert len(expected_kreise(ALL_2024, bw_catalog)) == 44  # a scope narrowed to Baden-Württemberg
    hf = TableRequest("regionalstatistik", TABLE, 2023, 2023, (("regionalvariable", "KREISE"), ("regionalkey", "0812*")))
    assert expected_kreise(hf, catalog) == ["08121", "08125", "08126", "08127", "08128"]
    state = TableRequest("regionalstatistik", TABLE, 2023, 2023, (("regionalvariable", "DLAND"), ("regionalkey", "08")))
    assert expected_kreise(state, catalog) == []


def test_expected_kreise_of_eurostat_requests_follow_their_nuts_codes_and_the_tables_levels(catalog):
    gdp = TableRequest("eurostat", "nama_10r_3gdp", 2021, 2021, (("geo", "DE,DE1,DE11,DE117,DE118,DE119,DE11A,DE11B"),))
    assert expected_kreise(gdp, catalog) == ["08121", "08125", "08126", "08127", "08128"]
    assert len(expected_kreise(TableRequest("eurostat", "nama_10r_3gdp", 2021, 2021), catalog)) == 400
    assert expected_kreise(TableRequest("eurostat", "lfst_r_lfu3rt", 2021, 2021), catalog) == []  # NUTS 2 at the finest
