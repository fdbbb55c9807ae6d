"""A catalog change that adds an indicator to a table re-parses the stored payload of that table: the hash skip
holds only while the catalog entries that shape the parse (their fingerprint) are unchanged too."""

from __future__ import annotations

import shutil

import pytest

from catalog import CATALOG_DIR, load_catalog
from pipelines.batch import process_payload
from sample.ffcsv import LAYOUTS, flat_file
from sample.make_recordings import figures, flat_rows
from sources.blob import InMemory
from sources.contract import RawPayload, TableRequest
from sources.fingerprint import table_fingerprint
from warehouse.load import connect
from warehouse.reference import write_catalog

TABLE = "13211-02-05-4"
REQUEST = TableRequest("regionalstatistik", TABLE, 2025, 2025, (("regionalvariable", "KREISE"), ("regionalkey", "08121,08125,08126,08127,08128")))


def payload() -> RawPayload:
    from datetime import UTC, datetime

    rows = [r for r in figures() if r["table"] == TABLE and r["source"] == "U3" and len(r["region_code"]) == 5]
    data = flat_file(LAYOUTS[TABLE], flat_rows(rows))
    return RawPayload("regionalstatistik", TABLE, "https://example.invalid/", {"name": TABLE, "startyear": "2025"}, InMemory(data), InMemory(data),
                      "text/csv", datetime.now(UTC))


def without_long_term_unemployed(tmp_path):
    """The catalog as it was before `unemployed_long_term` (ARBEITSLOS05) was declared."""
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    path = folder / "indicators.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "{id: unemployed_long_term," in line)
    path.write_text("".join(lines[:start] + lines[start + 3:]), encoding="utf-8")
    return load_catalog(folder)


def test_a_new_indicator_of_a_table_reparses_its_stored_payload_and_says_why(tmp_path, catalog, validator):
    old = without_long_term_unemployed(tmp_path)
    assert "unemployed_long_term" not in old.indicators
    assert table_fingerprint(old, TABLE) != table_fingerprint(catalog, TABLE)
    assert table_fingerprint(load_catalog(), TABLE) == table_fingerprint(catalog, TABLE)  # stable across loads
    con = connect(tmp_path / "w.duckdb")
    write_catalog(con, catalog)
    first = process_payload(con, payload(), REQUEST, old, tmp_path, "run-1", validator)
    assert first.outcome == "loaded" and first.reparsed is None

    again = process_payload(con, payload(), REQUEST, old, tmp_path, "run-2", validator)
    assert again.outcome == "unchanged"  # same data, same catalog: not even parsed

    after = process_payload(con, payload(), REQUEST, catalog, tmp_path, "run-3", validator)
    assert after.outcome == "loaded" and after.rows_new == 5  # the long-term unemployed of the five Kreise
    assert "catalog entries that shape the parse of table 13211-02-05-4 changed" in after.reparsed
    value = con.execute("SELECT value FROM core.observations WHERE indicator_id = 'unemployed_long_term' AND region_code = '08121'").fetchone()
    assert value == (1422.0,)  # 08121, 2025 (buddemax export of 26.02.2026)
    recorded = con.execute("SELECT run_id, reparsed FROM ops.batch_outcomes WHERE reparsed IS NOT NULL").fetchall()
    assert recorded == [("run-3", after.reparsed)]

    last = process_payload(con, payload(), REQUEST, catalog, tmp_path, "run-4", validator)
    assert last.outcome == "unchanged"


def test_a_wider_scope_reparses_the_stored_answer_and_the_warehouse_gains_the_other_states(tmp_path, catalog, bw_catalog, validator):
    """A deployment that covered Baden-Württemberg widens its scope to all of Germany: the next run parses the same
    nationwide answer again (nothing new to download) and loads the other 356 Kreise. Narrowed, the 74 former Kreise
    (none in Baden-Württemberg) are out of scope like the other states' Kreise."""
    from sources.genesis.download import read_download
    from tests.conftest import REFERENCE

    answer = REFERENCE / "genesis" / "regio_12411-01-01-4_tablefile_de_2026-03.zip"
    if not answer.exists():
        pytest.skip("the shared reference files are not beside the checkout")
    download = read_download(answer, catalog.sources["regionalstatistik"], bw_catalog)
    assert table_fingerprint(bw_catalog, "12411-01-01-4") != table_fingerprint(catalog, "12411-01-01-4")
    con = connect(tmp_path / "w.duckdb")
    write_catalog(con, catalog)
    narrow = process_payload(con, download.payload, download.request, bw_catalog, tmp_path, "run-1", validator)
    assert narrow.outcome == "loaded" and narrow.rows_new == 44 * 3 and narrow.dropped["out_of_scope"] == (356 + 74) * 3
    wide = process_payload(con, download.payload, download.request, catalog, tmp_path, "run-2", validator)
    assert wide.outcome == "loaded" and wide.rows_new == 356 * 3 and wide.rows_unchanged == 44 * 3 and "out_of_scope" not in wide.dropped
    assert "catalog entries that shape the parse of table 12411-01-01-4 changed" in wide.reparsed
    assert con.execute("SELECT count(DISTINCT region_code) FROM core.observations").fetchone() == (400,)
    assert process_payload(con, download.payload, download.request, catalog, tmp_path, "run-3", validator).outcome == "unchanged"
