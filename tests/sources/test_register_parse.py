"""The register workbook read by its German headers and checked against the catalog: each bad entry an error naming
the sheet, the row and the column; the template partners fill in reads as an empty register."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from sample.make_register import TEMPLATE
from sources.register import RegisterError, parse_register
from sources.register.rows import SHEETS
from sources.register.template import workbook_bytes
from tests.sources.register_bodies import ALLIANCE, NAME, TABLE, edited, goals, measures, outputs, workbook


def parse(data: bytes, catalog):
    return parse_register(data, NAME, catalog.tables[TABLE], catalog, "b1")


def test_a_register_becomes_the_rows_of_its_tables(catalog):
    rows = parse(workbook(), catalog)
    assert rows.alliance == ALLIANCE and rows.rows_read == 5
    t1, t2, t3 = rows.tables["goals"].to_pylist()
    assert (t1["goal_id"], t1["region_code"], t1["target_kind"], t1["target_value"], t1["direction"], t1["partners"]) == (
        "T1", "08125", "change_pct", -10.0, "lower", ["Partner A", "Partner B"])
    assert t2["region_code"] == "08125"  # the region by its German name
    assert (t3["target_kind"], t3["target_value"], t3["source_row"], t3["example"]) == ("close_gap_to_state", None, 4, True)
    (m1,) = rows.tables["measures"].to_pylist()
    assert (m1["goal_ids"], m1["start_year"], m1["end_year"]) == (["T1", "T2"], 2016, 2019)
    (o1,) = rows.tables["measure_outputs"].to_pylist()
    assert (o1["measure_id"], o1["year"], o1["output"], o1["value"], o1["unit"]) == ("M1", 2017, "Teilnehmende", 25.0, "Personen")


@pytest.mark.parametrize(
    ("data", "sheet", "row", "column", "words"),
    [
        (lambda: workbook(edited(goals(), 0, Indikator="arbeitslose")), "Ziele", 2, "Indikator", "unknown indicator 'arbeitslose'"),
        (lambda: workbook(edited(goals(), 1, Region="Hohenlohe")), "Ziele", 3, "Region", "unknown region 'Hohenlohe'"),
        # the apprenticeship market is published for the Agentur-für-Arbeit districts only
        (lambda: workbook(edited(goals(), 0, Region="heilbronn-franken", Indikator="apprenticeship_supply_demand_ratio",
                                 Zielart="Wert", Zielwert=105)), "Ziele", 2, "Indikator", "has no figures for Heilbronn-Franken (level partner)"),
        # the rates of men and women have no count to recompute them for a region of Kreise
        (lambda: workbook(edited(goals(), 1, Region="heilbronn-franken", Indikator="unemployment_rate_men")), "Ziele", 3, "Indikator",
         "has no figures for Heilbronn-Franken"),
        (lambda: workbook(edited(goals(), 0, Zieljahr=2014)), "Ziele", 2, "Zieljahr", "the target year 2014 is not after the baseline year 2015"),
        (lambda: workbook(edited(goals(), 2, **{"Ziel-ID": "T1"})), "Ziele", 4, "Ziel-ID", "goal id 'T1' given twice (also row 2)"),
        (lambda: workbook(measure_rows=edited(measures(), 0, Ziele="T1; T9")), "Maßnahmen", 2, "Ziele", "goal 'T9' is not in sheet 'Ziele'"),
        (lambda: workbook(measure_rows=measures() * 2), "Maßnahmen", 3, "Maßnahmen-ID", "measure id 'M1' given twice"),
        # a rate changes in points, a count in %
        (lambda: workbook(edited(goals(), 1, Zielart="Veränderung in %", Zielwert=-10)), "Ziele", 3, "Zielart", "a change in % of a rate"),
        (lambda: workbook(edited(goals(), 0, Zielart="Veränderung in Punkten", Zielwert=-100)), "Ziele", 2, "Zielart",
         "a change in points of a count"),
        (lambda: workbook(edited(goals(), 0, Zielart="Abstand zum Land schließen", Zielwert=None)), "Ziele", 2, "Zielart",
         "a gap to the state compares rates and shares"),
        (lambda: workbook(edited(goals(), 1, Zielwert=None)), "Ziele", 3, "Zielwert", "a target value is required"),
        (lambda: workbook(edited(goals(), 0, Indikator="unemployed_ba")), "Ziele", 2, "Indikator", "is not annual"),
        (lambda: workbook(edited(goals(), 0, Richtung="besser")), "Ziele", 2, "Richtung", "'besser' is none of"),
        (lambda: workbook(edited(goals(), 0, Basisjahr="2015/16")), "Ziele", 2, "Basisjahr", "valid integer"),
        (lambda: workbook(output_rows=edited(outputs(), 0, **{"Maßnahmen-ID": "M7"})), "Ergebnisse", 2, "Maßnahmen-ID",
         "measure 'M7' is not in sheet 'Maßnahmen'"),
        (lambda: workbook(output_rows=edited(outputs(), 0, Jahr=2021)), "Ergebnisse", 2, "Jahr", "outside the years of measure 'M1'"),
        (lambda: workbook(output_rows=edited(outputs(), 0, Quelle=None)), "Ergebnisse", 2, "Quelle", "a value is required"),
        (lambda: workbook(alliance="aa-heilbronn"), "Register", 1, "Bündnis", "is not the alliance whose register this source holds"),
    ],
    ids=["unknown indicator", "unknown region", "no figures at the level (agency districts only)",
         "no figures at the level (no count to recompute)", "target before baseline", "duplicate goal id", "measure to a missing goal",
         "duplicate measure id", "% target for a rate", "points target for a count", "gap to the state of a count",
         "target value missing", "monthly indicator", "unknown direction", "year not a number", "output of a missing measure",
         "output outside the measure's years", "output without source", "another alliance's register"],
)
def test_a_bad_entry_names_its_sheet_row_and_column(data, sheet, row, column, words, catalog):
    with pytest.raises(RegisterError) as err:
        parse(data(), catalog)
    assert (err.value.sheet, err.value.row, err.value.column) == (sheet, row, column)
    text = str(err.value)
    assert f"workbook {NAME}, sheet {sheet!r}, column {column!r}" in text and f"row {row}" in text and words in text, text


def edit_sheet(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    change(book)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda b: b["Ziele"].cell(row=1, column=5, value="Ausgangsjahr"), "sheet 'Ziele', column 'Ausgangsjahr': not a column of this sheet"),
        (lambda b: b["Ziele"].delete_cols(6), "sheet 'Ziele', column 'Zielart': column missing from the header row"),
        (lambda b: b.remove(b["Maßnahmen"]), "no sheet 'Maßnahmen'"),
        (lambda b: b["Ziele"].cell(row=3, column=20, value="x"), "sheet 'Ziele': a value in a column without a header"),
    ],
    ids=["renamed column", "missing column", "missing sheet", "value without header"],
)
def test_a_changed_layout_is_named(change, words, catalog):
    with pytest.raises(RegisterError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse(edit_sheet(workbook(), change), catalog)


def test_a_csv_saved_under_the_register_name_is_refused(catalog):
    with pytest.raises(RegisterError, match="not an XLSX workbook"):
        parse(b"Ziel-ID;Ziel\nT1;x\n", catalog)


def test_the_shipped_template_is_the_writer_s_empty_register_with_lists_to_choose_from(catalog):
    """docs/ziele-massnahmen-vorlage.xlsx: German headers, no goals, marked as no example, and the catalog's annual
    indicators and regions listed for the partners (a goal on any other would be refused)."""
    shipped = TEMPLATE.read_bytes()
    assert parse(shipped, catalog).rows_read == 0
    book, fresh = load_workbook(io.BytesIO(shipped)), load_workbook(io.BytesIO(workbook_bytes(catalog, ALLIANCE, example=False)))
    assert book.sheetnames == fresh.sheetnames == [*SHEETS, "Hinweise", "Indikatoren", "Regionen"]
    for name in book.sheetnames:  # rewritten by `python -m sample.make_register` whenever the layout or the catalog changes
        assert [list(r) for r in book[name].iter_rows(values_only=True)] == [list(r) for r in fresh[name].iter_rows(values_only=True)], name
    assert [c.value for c in book["Ziele"][1]] == SHEETS["Ziele"].headers()
    assert [[c.value for c in r] for r in book["Register"].iter_rows()] == [["Bündnis", "Heilbronn-Franken"], ["Beispiel", "nein"]]
    listed = {r[0] for r in book["Indikatoren"].iter_rows(min_row=2, values_only=True)}
    assert "unemployment_rate" in listed and "unemployed_ba" not in listed  # monthly: not for yearly goals
    choices = {str(dv.sqref)[0]: dv.formula1 for dv in book["Ziele"].data_validations.dataValidation}
    assert "Abstand zum Land schließen" in choices["F"] and "niedriger ist besser" in choices["I"]
