"""`labour-monitor ingest regionalstatistik --file`: a table downloaded from the website loads like a fetched answer.

The real flat files are read where they lie (../shared/reference/genesis/), the excerpts' `#` annotation lines stripped;
the excerpts hold some Kreise of Hessen and Brandenburg only, so the tests name those as --regions."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from sample.ffcsv import LAYOUTS, flat_file
from sample.make_recordings import figures, flat_rows
from tests.conftest import REFERENCE, REPO

pytestmark = pytest.mark.usefixtures("prefect_harness")

REAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "genesis" / "real"
# Each real ffcsv excerpt of a catalog table, and a total and a group (or per-head figure) it holds.
EXCERPTS = {
    "13211-02-05-4": ("genesis_13211-02-05-4_ffcsv_living-lab-explorer.txt", {
        ("unemployed", "12063", "2023"): 5082, ("unemployment_rate", "12063", "2025"): 6.7,
        ("unemployment_rate_dependent", "06532", "2014"): 6.7, ("unemployed_long_term", "12063", "2020"): 1804,
        ("unemployed_15_25", "12065", "2011"): 907, ("unemployment_rate_15_25", "06439", "2024"): 4.7,
        ("unemployment_rate_women", "06633", "2016"): 4.2, ("unemployed_foreign", "06531", "2018"): 2086,
    }),
    "82000-01-01-4": ("genesis_82000-01-01-4_ffcsv_living-lab-explorer.txt", {
        ("gdp_current_prices", "06531", "2023"): 12101814, ("gdp_per_employed_person", "06531", "2023"): 82464,
        ("gdp_per_inhabitant", "06636", "2018"): 25697,
    }),
}


def real_flat_file(name: str) -> bytes:
    """A real file as it was downloaded: its annotation lines (starting with #) left out."""
    lines = (REAL / name).read_text(encoding="utf-8").splitlines()
    return ("\n".join(line for line in lines if not line.startswith("#")) + "\n").encode("utf-8")


def kreise_of(data: bytes) -> list[str]:
    return sorted({line.split(";")[7] for line in data.decode("utf-8-sig").splitlines()[1:]})


def query(data_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "labour_monitor.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared reference files are not beside the checkout")
@pytest.mark.parametrize("table", sorted(EXCERPTS))
def test_each_real_flat_file_of_a_catalog_table_loads_with_its_totals_and_groups(tmp_path, capsys, table):
    name, expected = EXCERPTS[table]
    data = real_flat_file(name)
    path = tmp_path / f"{table}_1783000000000_de_flat.csv"  # the member name of the zip the website serves
    path.write_bytes(data)
    args = ["--data-dir", str(tmp_path / "data"), "ingest", "regionalstatistik", "--file", str(path), "--regions", *kreise_of(data)]
    assert main(args) == 0, capsys.readouterr().out
    loaded = {(i, r, p): v for i, r, p, v in query(tmp_path / "data", "SELECT indicator_id, region_code, period, value FROM core.observations")}
    for key, value in expected.items():
        assert loaded[key] == pytest.approx(value), key
    batch = query(tmp_path / "data", "SELECT table_id, url, request->>'origin', sha256, fetched_at IS NOT NULL FROM raw.batches")
    assert batch[0][:3] == (table, f"file:{path.name}", "manual download") and batch[0][4]
    assert query(tmp_path / "data", "SELECT flow, mode, state FROM ops.runs") == [("ingest-source", "file", "completed")]

    assert main(args) == 0  # the same file again loads nothing
    assert "unchanged" in capsys.readouterr().out
    assert query(tmp_path / "data", "SELECT count(*) FROM raw.batches") == [(1,)]


def hf_2025() -> bytes:
    """13211-02-05-4 for 2025, the Heilbronn-Franken Kreise (buddemax export of 26.02.2026) in the ffcsv layout."""
    rows = [r for r in figures() if r["table"] == "13211-02-05-4" and r["source"] == "U3" and len(r["region_code"]) == 5]
    return flat_file(LAYOUTS["13211-02-05-4"], flat_rows(rows))


def zipped(member: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(member, data)
    return buf.getvalue()


def test_the_zip_as_served_loads_and_a_kreis_of_the_scope_missing_quarantines_it_naming_the_kreis(tmp_path, capsys):
    # the five Heilbronn-Franken Kreise only: the scope's state (08) is in the file, so all 44 of its Kreise must be
    path = tmp_path / "13211-02-05-4_1772119708000_de_flat.zip"
    path.write_bytes(zipped("13211-02-05-4_1772119708000_de_flat.csv", hf_2025()))
    assert main(["--data-dir", str(tmp_path / "data"), "ingest", "regionalstatistik", "--file", str(path)]) == 1
    out = capsys.readouterr().out
    assert "QUARANTINED" in out and "Kreise missing from the answer" in out and "08111" in out
    assert query(tmp_path / "data", "SELECT count(*) FROM core.observations") == [(0,)]
    # named as the regions it holds, it loads
    assert main(["--data-dir", str(tmp_path / "data"), "ingest", "regionalstatistik", "--file", str(path), "--regions", "heilbronn-franken"]) == 0
    assert query(tmp_path / "data", "SELECT value FROM core.observations WHERE indicator_id = 'unemployed' AND region_code = '08121'") == [(5027.0,)]


def test_an_old_website_table_export_is_refused_naming_the_flat_file_download(tmp_path, capsys):
    # The 2025 website export of 13211-02-05-4 ("Tabelle:" CSV), its first lines as in the real file
    path = tmp_path / "13211-02-05-4_2025.csv"
    path.write_bytes(real_flat_file("genesis_13211-02-05-4_oldcsv_schulabschluss-data-story-v2_2025.txt"))
    assert main(["--data-dir", str(tmp_path / "data"), "ingest", "regionalstatistik", "--file", str(path), "--tables", "13211-02-05-4"]) == 1
    err = capsys.readouterr().err
    assert "website" in err and "Flat-File CSV" in err and "ffcsv" in err
    assert not (tmp_path / "data" / "labour_monitor.duckdb").exists()  # nothing was written


def test_another_table_than_asked_is_refused_by_its_variables_not_its_statistic(tmp_path, capsys):
    # 13211-01-03-5 is statistic 13211 too, but for Gemeinden (real GastroViewer ffcsv, read where it lies)
    path = tmp_path / "download.csv"
    path.write_bytes(real_flat_file("genesis_13211-01-03-5_ffcsv_GastroViewer.txt"))
    assert main(["--data-dir", str(tmp_path / "data"), "ingest", "regionalstatistik", "--file", str(path), "--tables", "13211-02-05-4"]) == 1
    err = capsys.readouterr().err
    assert "another table than 13211-02-05-4" in err
    assert not (tmp_path / "data" / "labour_monitor.duckdb").exists()


# The real nationwide "-4" answers of catalog tables: 12411-01-01-4 as served on 2026-03-10 (read where it lies), and
# 13111-01-03-4 of 30.06.2024 as served on 2025-06-11, as the sample's recording holds it (sample/README.md, S5).
NATIONWIDE = {
    "12411-01-01-4": (REFERENCE / "genesis" / "regio_12411-01-01-4_tablefile_de_2026-03.zip", "population", "2024-12-31",
                      {"berlin_district": 36, "part_of_kreis": 9, "dissolved": 222}),
    "13111-01-03-4": (next((REPO / "sample" / "recordings" / "regionalstatistik").glob("data_tablefile_13111-01-03-4_2024-2024__*.body.zip")),
                      "employees_svb_workplace", "2024-06-30",
                      {"not_in_catalog": 1650, "berlin_district": 36, "part_of_kreis": 9, "statistical_region": 75, "dissolved": 222}),
}


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the shared reference files are not beside the checkout")
@pytest.mark.parametrize("table", sorted(NATIONWIDE))
def test_a_nationwide_answer_loads_every_kreis_of_today_and_says_what_it_leaves_out_never_summing_it(tmp_path, capsys, table):
    path, indicator, period, left_out = NATIONWIDE[table]
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "ingest", "regionalstatistik", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "rows left out: " + ", ".join(f"{k} {v}" for k, v in left_out.items()) in out
    assert ("left out, never summed: 74 former Kreise after their dissolution (03152, 03156, 05313, 05354, …); 12 Berlin "
            "Bezirke (11001001, 11002002, 11003003, 11004004, …); 3 Gemeinden inside their Kreis (03241001, 05334002, 10041100)") in out
    assert [json.loads(d) for (d,) in query(data, "SELECT dropped FROM ops.batch_outcomes")] == [left_out]
    kreise = query(data, f"""SELECT count(DISTINCT o.region_code) FROM core.observations o JOIN core.regions r USING (region_code)
                             WHERE r.level = 'kreis' AND o.indicator_id = '{indicator}' AND o.value IS NOT NULL""")
    assert kreise == [(400,)]
    assert query(data, "SELECT count(*) FROM core.observations WHERE length(region_code) = 8 OR region_code IN "
                       "(SELECT region_code FROM core.regions WHERE level = 'former_kreis')") == [(0,)]
    # Heilbronn-Franken is still the sum of its five Kreise; Berlin's figure is its own, its Bezirke are not added
    figures = dict(query(data, f"""SELECT region_code, value FROM marts.indicator_values WHERE indicator_id = '{indicator}'
                                   AND period = '{period}' AND region_code IN ('heilbronn-franken', '08121', '08125', '08126',
                                   '08127', '08128', '11000', 'DG')"""))
    assert figures["heilbronn-franken"] == sum(figures[k] for k in ("08121", "08125", "08126", "08127", "08128"))
    published = query(data, f"SELECT value FROM core.observations WHERE region_code = '11000' AND indicator_id = '{indicator}'")
    assert [(figures["11000"],)] == published
    # national ranks are among today's 400 Kreise
    assert query(data, f"""SELECT DISTINCT regions_in_level FROM marts.region_comparison WHERE region_code = '08125'
                           AND indicator_id = '{indicator}' AND period = '{period}'""") == [(400,)]
