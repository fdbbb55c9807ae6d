"""The nightly and ingest flows on the bundled sample and on variants of it, under a Prefect test API."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.batch import RunHadFailures
from pipelines.flows import ingest_source, nightly
from sample.make_recordings import build, figures

pytestmark = pytest.mark.usefixtures("prefect_harness")


def query(data_dir, sql, params=()):
    con = duckdb.connect(str(data_dir / "labour_monitor.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_nightly_fills_and_publishes_the_warehouse_from_the_sample(tmp_path):
    summary = nightly(data_dir=str(tmp_path))
    assert summary["batches"] == {"loaded": 9}  # seven GENESIS requests, one Eurostat, one partner file
    assert summary["warehouse"] == str(tmp_path / "labour_monitor.duckdb")
    rows = dict(
        ((i, p), v)
        for i, p, v in query(tmp_path, "SELECT indicator_id, period, value FROM marts.observations_latest WHERE region_code = '08125'")
    )
    assert rows[("population", "2024-12-31")] == 353877  # Regionaldatenbank 12411-01-01-4, 2026-03
    assert rows[("population", "2023-12-31")] == 353609
    assert rows[("employees_svb_workplace", "2023-06-30")] == 151059
    labels = query(tmp_path, "SELECT DISTINCT region_name_de, citation FROM marts.observations_latest WHERE region_code='08125' AND source_id='regionalstatistik'")
    assert labels == [("Heilbronn, Landkreis", labels[0][1])]
    assert "Statistische Ämter des Bundes und der Länder" in labels[0][1] and "Version 2.0" in labels[0][1]


def test_a_second_nightly_run_loads_nothing_new(tmp_path):
    nightly(data_dir=str(tmp_path))
    before = query(tmp_path, "SELECT count(*) FROM core.observations")
    summary = nightly(data_dir=str(tmp_path))
    assert summary["batches"] == {"unchanged": 9}
    assert summary["rows_new"] == summary["rows_revised"] == 0
    assert query(tmp_path, "SELECT count(*) FROM core.observations") == before


def test_a_revised_recording_creates_exactly_one_new_vintage_while_an_analyst_reads(tmp_path, monkeypatch):
    # Before the Zensus-2022 rebasing, 08121 on 31.12.2023 was published as 130,093; the sample has 131,653.
    old = next(r for r in figures(current=False) if r["region_code"] == "08121" and r["period"] == "2023-12-31")
    earlier = [r for r in figures() if not (r["table"] == old["table"] and r["region_code"] == "08121" and r["period"] == "2023-12-31")]
    build(tmp_path / "earlier", earlier + [old])
    monkeypatch.setenv("LABOUR_MONITOR_RECORDINGS", str(tmp_path / "earlier"))
    data = tmp_path / "data"
    nightly(data_dir=str(data))

    analyst = duckdb.connect(str(data / "labour_monitor.duckdb"), read_only=True)
    monkeypatch.delenv("LABOUR_MONITOR_RECORDINGS")  # back to the bundled sample
    summary = nightly(data_dir=str(data))
    assert analyst.execute("SELECT value FROM marts.observations_latest WHERE region_code='08121' AND period='2023-12-31' AND indicator_id='population'").fetchall() == [(130093.0,)]
    analyst.close()

    assert summary["rows_revised"] == 1
    assert query(data, "SELECT count(*) FROM core.observations WHERE valid_to IS NOT NULL") == [(1,)]
    assert query(data, "SELECT value FROM marts.observations_latest WHERE region_code='08121' AND period='2023-12-31' AND indicator_id='population'") == [(131653.0,)]


def test_a_batch_with_a_changed_unit_is_quarantined_and_the_others_still_load(tmp_path, monkeypatch):
    nightly(data_dir=str(tmp_path / "data"))
    # Recordings in which the employees table answers with a changed layout (a unit the catalog does not know).
    build(tmp_path / "rec")
    zips = sorted((tmp_path / "rec" / "regionalstatistik").glob("data_tablefile_13111*.body.zip"))
    with zipfile.ZipFile(zips[0]) as zf:
        name = zf.namelist()[0]
        text = zf.read(name).decode("utf-8-sig").replace(";Anzahl;ERW032;", ";Tsd.;ERW032;")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, ("\ufeff" + text).encode())
    zips[0].write_bytes(buf.getvalue())
    monkeypatch.setenv("LABOUR_MONITOR_RECORDINGS", str(tmp_path / "rec"))

    with pytest.raises(RunHadFailures) as failure:
        nightly(data_dir=str(tmp_path / "data"))
    message = failure.value.summary["quarantined"][0]
    assert "regionalstatistik" in message and "13111-01-03-4" in message and "row 2" in message and "unit" in message
    assert query(tmp_path / "data", "SELECT table_id, reason FROM ops.quarantine") == [("13111-01-03-4", message)]
    outcomes = query(tmp_path / "data", "SELECT outcome, count(*) FROM ops.batch_outcomes WHERE run_id = (SELECT run_id FROM ops.runs ORDER BY started_at DESC LIMIT 1) GROUP BY 1 ORDER BY 1")
    assert outcomes == [("quarantined", 1), ("unchanged", 7)]
    # the last good employees figures are all still there
    assert query(tmp_path / "data", "SELECT count(*) FROM marts.observations_latest WHERE indicator_id='employees_svb_workplace'") == [(8,)]


def test_ingest_source_takes_tables_and_years(tmp_path):
    summary = ingest_source(source="regionalstatistik", tables=["12411-01-01-4"], first_year=2023, last_year=2024, data_dir=str(tmp_path))
    # offline, the three recorded requests of the table inside those years
    assert [r["table_id"] for r in summary["results"]] == ["12411-01-01-4"] * 3
    with pytest.raises(RunHadFailures) as failure:
        ingest_source(source="regionalstatistik", tables=["12411-01-01-4"], first_year=2010, last_year=2011, data_dir=str(tmp_path))
    assert "no recorded response" in failure.value.summary["failed"][0] and "startyear=2010" in failure.value.summary["failed"][0]


def test_a_broken_recording_is_quarantined_and_the_last_good_figures_stay(tmp_path, monkeypatch, capsys):
    """The bundled sample with Hohenlohekreis missing from the 2024 answer: a Kreis missing is a failure."""
    from pipelines.cli import main

    data = tmp_path / "data"
    nightly(data_dir=str(data))
    build(tmp_path / "broken", [r for r in figures() if not (r["region_code"] == "08126" and r["period"] == "2024-12-31")])
    monkeypatch.setenv("LABOUR_MONITOR_RECORDINGS", str(tmp_path / "broken"))
    assert main(["--data-dir", str(data), "run"]) == 1
    out = capsys.readouterr().out
    assert "QUARANTINED" in out and "08126" in out
    docs = out.split("Data Docs (validation results): ")[1].split()[0]
    assert docs.endswith("index.html") and Path(docs).exists()
    assert query(data, "SELECT value FROM marts.observations_latest WHERE region_code='08126' AND period='2024-12-31' AND indicator_id='population'") == [(115644.0,)]
    assert query(data, "SELECT count(*) FROM ops.quarantine") == [(1,)]
