"""Partner files through validation and loading: versioned by file hash, loaded whole or quarantined whole."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.batch import process_payload
from sources.blob import InMemory
from sources.contract import RawPayload, TableRequest
from tests.sources.files_bodies import CSV_NAME, KIND, SOURCE, csv_bytes, edit, line, release_2021_rows, rows

# What the nightly run asks in live mode: the table's first year to this year, no regional selection.
LIVE = TableRequest(SOURCE, KIND, 2010, 2026)
HF_2035 = ("SELECT indicator_id, release, value, valid_to IS NULL FROM core.observations "
           "WHERE region_code = 'heilbronn-franken' AND period = '2035' ORDER BY ALL")


def payload(data: bytes) -> RawPayload:
    return RawPayload(SOURCE, KIND, f"file:///drop/{SOURCE}/{CSV_NAME}", {}, InMemory(data), InMemory(data), "text/csv", datetime.now(UTC))


def test_a_new_release_keeps_the_earlier_one_and_the_same_file_again_changes_nothing(con, catalog, validator, tmp_path):
    """Each release (Stand) is a figure of its own: the June 2022 forecast for 2035 stands beside that of July 2021
    (the report draws one line per release); a correction of a release opens a new vintage of that release."""
    july_2021 = payload(csv_bytes(release_2021_rows()))
    first = process_payload(con, july_2021, LIVE, catalog, tmp_path, "r1", validator)
    assert (first.outcome, first.rows_new) == ("loaded", 14), first.message
    assert con.execute(HF_2035).fetchall() == [("skilled_labour_shortage", "2021-07", 78000.0, True),
                                               ("skilled_labour_shortage_vocational", "2021-07", 71000.0, True)]

    again = process_payload(con, payload(csv_bytes(release_2021_rows())), LIVE, catalog, tmp_path, "r2", validator)
    assert again.outcome == "unchanged"

    june_2022 = process_payload(con, payload(csv_bytes(rows())), LIVE, catalog, tmp_path, "r3", validator)
    assert (june_2022.outcome, june_2022.rows_new, june_2022.rows_revised, june_2022.rows_unchanged) == ("loaded", 3, 0, 14)
    assert con.execute(HF_2035).fetchall() == [
        ("skilled_labour_shortage", "2021-07", 78000.0, True), ("skilled_labour_shortage", "2022-06", 81000.0, True),
        ("skilled_labour_shortage_vocational", "2021-07", 71000.0, True), ("skilled_labour_shortage_vocational", "2022-06", 75000.0, True),
    ]
    # edit: the June 2022 forecast corrected within its release: a revision of that release only
    corrected = process_payload(con, payload(csv_bytes(edit(rows(), "2035", stand="2022-06", Wert="82000"))), LIVE, catalog,
                                tmp_path, "r4", validator)
    assert (corrected.rows_new, corrected.rows_revised) == (0, 1)
    assert con.execute(HF_2035).fetchall()[:3] == [
        ("skilled_labour_shortage", "2021-07", 78000.0, True), ("skilled_labour_shortage", "2022-06", 81000.0, False),
        ("skilled_labour_shortage", "2022-06", 82000.0, True)]
    assert con.execute("SELECT count(*) FROM raw.batches WHERE table_id = ?", [KIND]).fetchone() == (3,)


def test_forecast_years_and_a_surplus_pass_validation_for_the_partner_region(con, catalog, validator, tmp_path):
    # 2035 lies beyond the live request's last year, 2020 is a surplus (-13,000), and no Kreis is in the file.
    result = process_payload(con, payload(csv_bytes(rows())), LIVE, catalog, tmp_path, "r1", validator)
    assert result.outcome == "loaded" and result.warnings == []
    assert con.execute("SELECT value FROM core.observations WHERE period = '2020'").fetchall() == [(-13000.0,)]


def snapshot(con):
    return con.execute("SELECT count(*), sum(value) FROM core.observations").fetchone()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        # edit: the 2019 figure replaced by text
        (edit(rows(), "2019", Wert="ca. 25000"), [CSV_NAME, f"row {line(rows(), '2019')}", "'Wert'", "ca. 25000"]),
        # edit: a year beyond the declared horizon 2040 (the 2035 forecast moved to 2045)
        (edit(rows(), "2035", stand="2022-06", Jahr="2045"), ["expect_column_values_to_be_between", "year"]),
        # edit: every figure put on the state instead of the IHK district: the partner region is missing
        ([r | {"Region": "08"} for r in rows()], ["Kreise missing", "heilbronn-franken"]),
        # edit: a negative supply (supply is a count; only the shortage may be negative)
        ([r | {"Merkmal": "Angebotspotenzial"} if r["Merkmal"] == "Engpass" and r["Jahr"] == "2020" else r for r in rows()],
         ["count_value"]),
    ],
    ids=["text in value", "year beyond the horizon", "partner region missing", "negative count"],
)
def test_a_bad_file_is_quarantined_whole_and_the_warehouse_keeps_the_last_good_figures(data, words, con, catalog, validator, tmp_path):
    assert process_payload(con, payload(csv_bytes(rows())), LIVE, catalog, tmp_path, "r1", validator).outcome == "loaded"
    before = snapshot(con)
    result = process_payload(con, payload(csv_bytes(data)), LIVE, catalog, tmp_path, "r2", validator)
    assert result.outcome == "quarantined"
    assert all(w in result.message for w in [SOURCE, KIND, *words]), result.message
    assert snapshot(con) == before
    assert con.execute("SELECT table_id, reason FROM ops.quarantine").fetchall() == [(KIND, result.message)]
