"""parse_file: partner files (CSV or XLSX) into observations, by the kind's declared mapping.

The figures are the cited IHK-Fachkräftemonitor figures of the sample (tests/sources/files_bodies.py);
a bad or marked value is a real row edited, as the comment at the edit says.
"""

from __future__ import annotations

import dataclasses

import pytest

from sources.contract import OBSERVATION_SCHEMA
from catalog.partner_files import load_kinds
from sources.files import FileError, parse_file
from tests.sources.files_bodies import COLUMNS, CSV_NAME, KIND, XLSX_NAME, csv_bytes, edit, line, rows, xlsx_bytes


@pytest.fixture(scope="module")
def table(catalog):
    return catalog.tables[KIND]


@pytest.fixture(scope="module")
def kind(catalog):
    return load_kinds(catalog)[KIND]


def facts(result) -> dict[tuple[str, str, str], tuple]:
    """The newest release of each figure (the 2035 forecast has two)."""
    newest = sorted(result.observations.to_pylist(), key=lambda r: r["release"] or "")
    return {(r["indicator_id"], r["region_code"], r["period"]): (r["value"], r["status"], r["marker"], r["source_row"]) for r in newest}


def fails(data, name, table, catalog, **kw) -> FileError:
    with pytest.raises(FileError) as err:
        parse_file(data, name, table, catalog, "b1", **kw)
    return err.value


def test_the_csv_gives_every_published_figure_for_the_partner_region(table, catalog):
    result = parse_file(csv_bytes(rows()), CSV_NAME, table, catalog, "b1")
    got = facts(result)
    assert result.observations.schema == OBSERVATION_SCHEMA
    assert result.observations.num_rows == len(rows()) == 17 and result.dropped == {}
    hf = "heilbronn-franken"
    # IHK release June 2022 (news-blast.com): 81,000 missing in 2035, 75,000 of them vocationally qualified
    assert got[("skilled_labour_shortage", hf, "2035")] == (81000.0, None, None, line(rows(), "2035", stand="2022-06"))
    # the July 2021 release's forecast for the same year is kept beside it, with its release (Stand)
    releases = {(r["period"], r["release"]): r["value"] for r in result.observations.to_pylist() if r["indicator_id"] == "skilled_labour_shortage"}
    assert releases[("2035", "2021-07")] == 78000.0 and releases[("2035", "2022-06")] == 81000.0 and releases[("2012", "2012")] == 15000.0
    assert got[("skilled_labour_shortage_vocational", hf, "2035")][0] == 75000.0
    assert got[("skilled_labour_shortage_academic", hf, "2012")][0] == 2200.0
    # the Corona surplus of 2020 (mittelstandcafe.de) stays a negative shortage, and 1,7 Mrd. EUR is 1.7
    assert got[("skilled_labour_shortage", hf, "2020")][0] == -13000.0
    assert got[("skilled_labour_lost_value_added", hf, "2019")][0] == 1.7
    obs = result.observations.to_pylist()
    assert {(r["freq"], r["source_id"], r["table_id"]) for r in obs} == {("A", "ihk-heilbronn-franken", KIND)}
    assert {r["unit"] for r in obs} == {"persons", "billion EUR"}


def test_columns_are_found_by_their_labels_not_their_positions(table, catalog):
    shuffled = ("Quelle", "Wert", "Jahr", "Einheit", "Qualifikation", "Region", "Stand", "Merkmal")
    assert sorted(shuffled) == sorted(COLUMNS)
    assert facts(parse_file(csv_bytes(rows(), shuffled), CSV_NAME, table, catalog, "b1")) == \
        facts(parse_file(csv_bytes(rows()), CSV_NAME, table, catalog, "b1"))


def test_an_xlsx_export_gives_the_same_figures_as_the_csv(table, catalog):
    shuffled = ("Jahr", "Region", "Merkmal", "Qualifikation", "Einheit", "Wert", "Quelle", "Stand")
    from_xlsx = facts(parse_file(xlsx_bytes(rows(), shuffled), XLSX_NAME, table, catalog, "b1"))
    from_csv = facts(parse_file(csv_bytes(rows()), CSV_NAME, table, catalog, "b1"))
    assert from_xlsx == from_csv  # values, statuses and row numbers (sheet rows = file lines here)


def test_an_xlsx_sheet_the_mapping_names_must_exist(table, catalog, kind):
    err = fails(xlsx_bytes(rows()), XLSX_NAME, table, catalog, kind=dataclasses.replace(kind, sheet="Daten"))
    assert XLSX_NAME in str(err) and "'Daten'" in str(err) and "Fachkräftemonitor" in str(err)


@pytest.mark.parametrize(("marker", "status"), [(".", "secret"), ("k. A.", "secret"), ("x", "not_applicable")])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_marker_is_null_with_its_status_never_zero(marker, status, fmt, table, catalog):
    data = edit(rows(), "2019", Wert=marker)  # edit: the 2019 figure (25,000) withheld
    body, name = (csv_bytes(data), CSV_NAME) if fmt == "csv" else (xlsx_bytes(data), XLSX_NAME)
    got = facts(parse_file(body, name, table, catalog, "b1"))
    assert got[("skilled_labour_shortage", "heilbronn-franken", "2019")] == (None, status, marker, line(data, "2019"))
    assert got[("skilled_labour_shortage", "heilbronn-franken", "2030")][:2] == (45000.0, None)


def test_numbers_follow_the_declared_notation(table, catalog, kind):
    data = edit(rows(), "2019", Wert="25.000")  # edit: the same figure with a thousands point, as typed by hand
    assert facts(parse_file(csv_bytes(data), CSV_NAME, table, catalog, "b1"))[("skilled_labour_shortage", "heilbronn-franken", "2019")][0] == 25000.0
    # a kind without a thousands separator must not read "25.000" as 25
    err = fails(csv_bytes(data), CSV_NAME, table, catalog, kind=dataclasses.replace(kind, thousands=""))
    assert "'25.000'" in str(err) and err.row == line(data, "2019")


@pytest.mark.parametrize("value", ["ca. 25000", "25000 Personen", "", "2,5 Tsd."])
def test_text_or_nothing_in_the_value_column_names_file_row_and_column(value, table, catalog):
    data = edit(rows(), "2019", Wert=value)  # edit: the 2019 figure replaced by text
    err = fails(csv_bytes(data), CSV_NAME, table, catalog)
    assert err.row == line(data, "2019") and err.column == "Wert" and err.file == CSV_NAME
    assert f"row {line(data, '2019')}" in str(err) and CSV_NAME in str(err) and "'Wert'" in str(err)
    assert "ihk-heilbronn-franken" in str(err) and KIND in str(err)


def test_a_missing_column_names_file_and_column(table, catalog):
    err = fails(csv_bytes(rows(), tuple(c for c in COLUMNS if c != "Einheit")), CSV_NAME, table, catalog)
    assert err.column == "Einheit" and "missing" in str(err) and CSV_NAME in str(err)


def test_a_renamed_or_added_column_is_unknown_and_named(table, catalog):
    renamed = csv_bytes(rows(), COLUMNS).replace(b";Wert;", b";Wert (Personen);", 1)
    err = fails(renamed, CSV_NAME, table, catalog)
    assert err.column == "Wert (Personen)" and "unknown column" in str(err) and err.row == 1
    added = csv_bytes([r | {"Kommentar": "geschätzt"} for r in rows()], (*COLUMNS, "Kommentar"))
    assert fails(added, CSV_NAME, table, catalog).column == "Kommentar"


def test_an_unknown_region_label_names_the_row(table, catalog):
    data = edit(rows(), "2030", Region="Region Stuttgart")  # edit: a region the mapping does not know
    err = fails(csv_bytes(data), CSV_NAME, table, catalog)
    assert err.row == line(data, "2030") and err.column == "Region" and "'Region Stuttgart'" in str(err)


def test_a_catalog_region_code_is_taken_as_it_is(table, catalog):
    data = edit(rows(), "2030", Region="heilbronn-franken")
    assert ("skilled_labour_shortage", "heilbronn-franken", "2030") in facts(parse_file(csv_bytes(data), CSV_NAME, table, catalog, "b1"))


def test_an_unknown_indicator_names_the_row(table, catalog):
    data = edit(rows(), "2030", Qualifikation="Meister/Techniker/Fachwirte")  # edit: a level the catalog has no indicator for
    err = fails(csv_bytes(data), CSV_NAME, table, catalog)
    assert err.row == line(rows(), "2030") and "Engpass / Meister/Techniker/Fachwirte" in str(err)
    assert err.column == "Merkmal / Qualifikation"


def test_a_changed_unit_names_the_row(table, catalog):
    data = edit(rows(), "2030", Einheit="Tsd. Personen")  # edit: the figure in thousands
    err = fails(csv_bytes(data), CSV_NAME, table, catalog)
    assert err.row == line(data, "2030") and err.column == "Einheit" and "'Personen'" in str(err)


def test_a_period_that_is_not_a_year_names_the_row(table, catalog):
    # The June 2022 release gives the change of supply over 2022/2035: a span, not a forecast year.
    data = edit(rows(), "2030", Jahr="2022/2035")
    err = fails(csv_bytes(data), CSV_NAME, table, catalog)
    assert err.row == line(data, "2022/2035") and err.column == "Jahr"


def test_a_figure_given_twice_names_the_later_row(table, catalog):
    data = rows() + rows()[:1]
    err = fails(csv_bytes(data), CSV_NAME, table, catalog)
    assert err.row == len(data) + 1 and "duplicate" in str(err) and "skilled_labour_shortage / heilbronn-franken / 2012" in str(err)


def test_rows_mapped_to_nothing_are_left_out_and_counted(table, catalog, kind):
    indicators = kind.indicators | {("Wertschöpfungsverlust", "Insgesamt"): None}
    result = parse_file(csv_bytes(rows()), CSV_NAME, table, catalog, "b1", kind=dataclasses.replace(kind, indicators=indicators))
    assert result.dropped == {"not_in_catalog": 2} and result.observations.num_rows == 15
    assert "skilled_labour_lost_value_added" not in set(result.observations.column("indicator_id").to_pylist())


def test_a_file_in_another_encoding_is_named_not_guessed(table, catalog):
    data = csv_bytes(rows()).decode("utf-8-sig").encode("cp1252")  # "Wertschöpfungsverlust" in Windows-1252
    err = fails(data, CSV_NAME, table, catalog)
    assert CSV_NAME in str(err) and "utf-8-sig" in str(err)


def test_a_file_named_xlsx_that_is_no_workbook(table, catalog):
    err = fails(csv_bytes(rows()), XLSX_NAME, table, catalog)
    assert XLSX_NAME in str(err) and "not an XLSX workbook" in str(err)
