"""The bundled Eurostat sample: built from the cited figures, replayed by the offline run beside GENESIS."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.flows import nightly
from pipelines.requests_file import read_requests
from sample.make_recordings import build

SAMPLE = Path(__file__).resolve().parents[2] / "sample" / "recordings"


def test_the_bundled_recording_is_exactly_what_the_cited_figures_build(tmp_path):
    build(tmp_path)
    built = {p.name: p.read_bytes() for p in (tmp_path / "eurostat").glob("*.body.json")}
    bundled = {p.name: p.read_bytes() for p in (SAMPLE / "eurostat").glob("*.body.json")}
    assert built and built == bundled
    assert [r for r in read_requests(tmp_path / "requests.yaml") if r.source_id == "eurostat"] == [
        r for r in read_requests(SAMPLE / "requests.yaml") if r.source_id == "eurostat"
    ]


@pytest.mark.usefixtures("prefect_harness")
def test_the_offline_run_shows_eurostat_figures_beside_genesis_for_heilbronn_franken_and_the_state(tmp_path):
    summary = nightly(data_dir=str(tmp_path))
    (eurostat,) = [r for r in summary["results"] if r["source_id"] == "eurostat"]
    assert (eurostat["table_id"], eurostat["outcome"], eurostat["rows_new"]) == ("nama_10r_3gdp", "loaded", 102)
    con = duckdb.connect(str(tmp_path / "labour_monitor.duckdb"), read_only=True)
    try:
        gdp = dict(((r, p), (v, s)) for r, p, v, s in con.execute(
            "SELECT region_code, period, value, status FROM marts.observations_latest WHERE indicator_id = 'gdp_current_prices_eurostat'"
        ).fetchall())
        beside = con.execute(
            "SELECT DISTINCT source_id, citation FROM marts.observations_latest WHERE region_code = '08125' ORDER BY 1").fetchall()
    finally:
        con.close()
    # Heilbronn-Franken's Kreise and the state, 2021 (Eurostat nama_10r_3gdp, 2024-05, flag e)
    assert {r: gdp[(r, "2021")] for r in ("08121", "08125", "08126", "08127", "08128", "08")} == {
        "08121": (7649.73, "estimated"), "08125": (21335.48, "estimated"), "08126": (6258.34, "estimated"),
        "08127": (9573.7, "estimated"), "08128": (5480.14, "estimated"), "08": (541342.45, "estimated")}
    assert gdp[("DG", "2021")] == (3617450.0, "provisional") and gdp[("DG", "2019")] == (3474110.0, None)
    assert ("08", "2022") in gdp and ("08121", "2022") not in gdp  # not yet published for the Kreise: no row, no zero
    assert [s for s, _ in beside] == ["ba-statistik-dateien", "eurostat", "regionalstatistik"]  # BA: the Pendler files
    assert dict(beside)["eurostat"] == "Source: Eurostat"
