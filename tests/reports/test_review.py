"""The yearly goals review on the sample: every example goal with a status after the sample run, and `labour-monitor
review` writing the page (a chart per goal, its numbers those of the marts), the Excel workbook and the PDF, each marked
"Beispiel" because the sample's register is a made-up example."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.cli import main
from reports.formats import parse_number
from reports.review import build_review
from sample.make_register import GOALS
from tests.reports.conftest import needs_chromium

EXPECTED_2025 = {"Z1": ("behind", 2025), "Z2": ("behind", 2025), "Z3": ("on_track", 2023), "Z4": ("reached", 2025),
                 "Z5": ("reached", 2023), "Z6": ("incomplete", 2025), "Z7": ("no_data_yet", 2025)}


@pytest.fixture(scope="module")
def con(published):
    con = duckdb.connect(str(published / "labour_monitor.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def review(published):
    assert main(["--data-dir", str(published), "review", "--alliance", "heilbronn-franken", "--year", "2025", "--no-pdf"]) == 0
    return published / "report" / "review"


def test_after_the_sample_run_every_example_goal_has_a_status(con):
    rows = con.execute("SELECT goal_id, count(*), count(status), bool_and(example) FROM marts.goal_progress GROUP BY ALL ORDER BY 1").fetchall()
    assert [(g, n == n_status, ex) for g, n, n_status, ex in rows] == [(g["Ziel-ID"], True, True) for g in GOALS]
    review = {g: (s, y) for g, s, y in con.execute("SELECT goal_id, status, year FROM marts.goal_review_as_of(NULL, 2025)").fetchall()}
    assert review == EXPECTED_2025
    # Z6: the agency district includes the Neckar-Odenwald-Kreis, which the sample lacks: incomplete, never a partial sum
    assert con.execute("SELECT missing FROM marts.goal_review_as_of(NULL, 2025) WHERE goal_id = 'Z6'").fetchone() == (["08225"],)
    assert con.execute("SELECT count(*), count(year) FROM marts.measure_outputs").fetchone() == (3, 0)  # no output cited, none given


def test_the_review_page_marks_the_example_and_draws_a_chart_per_goal_with_the_marts_numbers(review, con):
    html = (review / "heilbronn-franken-2025.html").read_text(encoding="utf-8")
    assert "<strong>Beispiel.</strong>" in html and "<h1>Beispiel – Ziele, Maßnahmen und Ergebnisse 2025: Heilbronn-Franken</h1>" in html
    statuses = re.findall(r'<tr class="status-([a-z_]+)">\s*<th scope="row"><a href="#ziel-(z\d)">', html)
    assert {g.upper(): s for s, g in statuses} == {g: s for g, (s, _) in EXPECTED_2025.items()}
    charts = re.findall(r'<table class="plotted" data-chart="(ziel-z\d)-verlauf">(.*?)</table>', html, re.S)
    assert [c for c, _ in charts] == [f"ziel-z{n}" for n in range(1, 7)]  # Z7: no figure yet, no chart
    # Z1 (a rate, drawn as it is): the region's figures up to 2025, the path to 2028, the state beside them
    (_, z1), = [(c, t) for c, t in charts if c == "ziel-z1"]
    head = re.findall(r'<th scope="col">(.*?)</th>', z1)
    assert head == ["Zeitraum", "Heilbronn-Franken", "Zielpfad", "Baden-Württemberg"]
    cells = {cells[0]: cells[1:] for cells in (re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", z1, re.S)[1:])}
    mart = {y: (a, p, s) for y, a, p, s in con.execute("""SELECT year, actual_value, target_path, state_value FROM marts.goal_progress
                                                          WHERE goal_id = 'Z1' ORDER BY year""").fetchall()}
    assert sorted(cells) == [str(y) for y in range(2019, 2029)]
    for year, (actual, path, state) in mart.items():
        shown = cells[str(year)]
        assert parse_number(shown[1]) == pytest.approx(path, abs=0.05)
        if year <= 2025 and actual is not None:
            assert (parse_number(shown[0]), parse_number(shown[2])) == (pytest.approx(actual, abs=0.05), pytest.approx(state, abs=0.05))
        else:  # a hole stays a hole, and nothing after the review year
            assert shown[0] == shown[2] == "–"
    # Z2 (a count): drawn as an index, the baseline 2019 = 100
    assert "Index (Basisjahr 2019 = 100)" in html
    assert (review / "downloads" / "heilbronn-franken-2025" / "ziel-z1-verlauf.csv").exists()
    assert "keine Ergebnisse gemeldet" in html and "Beispiel: Coaching für junge Arbeitslose" in html


def test_the_review_workbook_marks_the_example_on_every_sheet_and_holds_the_marts_figures(review, con):
    book = load_workbook(io.BytesIO((review / "heilbronn-franken-2025.xlsx").read_bytes()))
    assert book.sheetnames == ["Ziele", "Verlauf", "Zieländerungen", "Maßnahmen"]
    for ws in book.worksheets:
        assert ws["A1"].value.startswith("Beispiel – ") and ws["A2"].value.startswith("BEISPIEL: erfundene Ziele"), ws.title
    header = [c.value for c in book["Ziele"][4]]
    goals = {r[0]: dict(zip(header, r, strict=True)) for r in book["Ziele"].iter_rows(min_row=5, values_only=True)}
    assert {g: (r["Status"], r["Jahr des Stands"]) for g, r in goals.items()} == EXPECTED_2025
    z5 = con.execute("SELECT change_since_baseline, state_change_since_baseline FROM marts.goal_review_as_of(NULL, 2025) "
                     "WHERE goal_id = 'Z5'").fetchone()
    assert (goals["Z5"]["Veränderung seit Basis"], goals["Z5"]["Veränderung des Landes"]) == pytest.approx(z5, rel=1e-12)  # numbers
    later = [r for r in book["Verlauf"].iter_rows(min_row=5, values_only=True) if r[0] == "Z1" and r[1] > 2025]
    assert later and all(r[2] is None and r[4] is not None for r in later)  # the path goes on, the figures stop at 2025


def test_the_review_of_a_day_before_the_register_was_loaded_says_so(published, capsys):
    assert main(["--data-dir", str(published), "review", "--alliance", "heilbronn-franken", "--year", "2025", "--as-of", "2020-01-01",
                 "--no-pdf"]) == 2
    assert "holds no register of the alliance 'heilbronn-franken' as of 2020-01-01" in capsys.readouterr().err
    assert main(["--data-dir", str(published), "review", "--alliance", "nowhere", "--year", "2025"]) == 2
    assert "unknown alliance 'nowhere'" in capsys.readouterr().err


@pytest.mark.slow
def test_the_review_is_printed_to_pdf_marked_as_an_example(published, tmp_path):
    needs_chromium()
    result = build_review(published / "labour_monitor.duckdb", tmp_path, "heilbronn-franken", 2025, as_of=date.today())
    assert result.pdf is not None and result.pdf.name == f"heilbronn-franken-2025-stand-{date.today():%Y-%m-%d}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Beispiel – Ziele, Maßnahmen und Ergebnisse 2025" in text and "Z7: Beispiel" in text and "hinter dem Zielpfad" in text
