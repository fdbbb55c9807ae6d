"""BIBB Ausbildungsmarkt workbooks read by the wide file kind (catalog/partner_files.yaml): groups, years and
rows found by their labels, only "alle Berufe" loaded, the agency taken from the title, and each way a
changed or wrong workbook fails, naming file, sheet row and column label.

The workbooks are the sample's (tests/sources/ausbildungsmarkt_bodies.py: cited cells of BIBB's tables for
2022 and 2023, in BIBB's layout); a bad workbook is a real one edited, as the comment at the edit says.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from catalog import CatalogError
from pipelines.batch import process_payload
from sources.client import RetryPolicy
from sources.blob import InMemory
from sources.contract import RawPayload, TableRequest
from catalog.partner_files import load_kinds
from sources.files import FileError, FilesClient, parse_file, parse_payload
from tests.sources.ausbildungsmarkt_bodies import (
    GROUP_ROW, GROUPS, HN, INDICATORS, KIND, PERIOD_ROW, SHA, SOURCE, TOTAL, TOTAL_ROW, TOTALS, edit, name, rows, workbook,
)
from warehouse.load import connect

from sample.make_ausbildungsmarkt import TITLE


def parse(data: bytes, catalog, agency: str = HN, **kw):  # noqa: ANN001, ANN003
    return parse_file(data, name(agency), catalog.tables[KIND], catalog, "b1", **kw)


def fails(data: bytes, catalog, agency: str = HN) -> FileError:  # noqa: ANN001
    with pytest.raises(FileError) as err:
        parse(data, catalog, agency)
    assert SOURCE in str(err.value) and KIND in str(err.value) and name(agency) in str(err.value)
    return err.value


def facts(result) -> dict[tuple[str, str, str], tuple]:  # noqa: ANN001
    return {(r["indicator_id"], r["region_code"], r["period"]): (r["value"], r["status"], r["source_row"])
            for r in result.observations.to_pylist()}


def published(agency: str) -> dict[tuple[str, str, str], tuple]:
    return {(INDICATORS[g], agency, year): (float(v), None, TOTAL_ROW)
            for g, values in TOTALS[agency].items() for year, v in zip(("2022", "2023"), values, strict=True)}


# --- the real layout ------------------------------------------------------------------------------


@pytest.mark.parametrize("agency", [HN, SHA])
def test_the_workbook_gives_the_seven_counts_of_alle_berufe_for_both_years(agency, catalog):
    result = parse(workbook(agency), catalog, agency)
    # the agency from the title, the year from the sub-column under each group, the VR columns not read
    assert facts(result) == published(agency)
    obs = result.observations.to_pylist()
    assert {(r["freq"], r["source_id"], r["table_id"]) for r in obs} == {("A", SOURCE, KIND)}
    # the three Berufshauptgruppen rows are read and deliberately left out, counted
    assert result.rows_read == 4 and result.dropped == {"not_in_catalog": 3}


def test_the_sample_rows_carry_bibbs_markers_which_only_a_loaded_row_would_need(catalog):
    # row 11 (Land-, Tier- und Forstwirtschaftsberufe) holds "*" and "." as published; it is left out, so
    # the markers there neither fail the file nor become figures
    (row11,) = [r for r in rows(HN) if r["code"] == "11"]
    assert {"*", "."} <= set(row11["cells"].values())  # type: ignore[attr-defined]
    assert all(r["value"] is not None for r in parse(workbook(HN), catalog).observations.to_pylist())


def test_a_suppressed_total_is_null_with_its_status_never_zero(catalog):
    data = edit(rows(HN), TOTAL, **{"UVB ohne Alternative1)|2023": "*"})  # edit: the 2023 count withheld
    got = facts(parse(workbook(HN, data), catalog))
    assert got[("apprenticeship_applicants_unplaced", HN, "2023")] == (None, "secret", TOTAL_ROW)
    assert got[("apprenticeship_applicants_unplaced", HN, "2022")] == (42.0, None, TOTAL_ROW)


def test_the_agency_is_matched_in_the_title_whatever_its_spacing(catalog):
    # BIBB writes "im  Arbeitsagenturbezirk" with two spaces; one space, or a line break, reads the same
    for title in (TITLE.format(agency="Heilbronn").replace("im  ", "im "), "Ausbildungsmarkt im\nArbeitsagenturbezirk  Heilbronn"):
        assert facts(parse(workbook(HN, title=title), catalog)) == published(HN)


def test_reordered_groups_still_give_the_same_figures(catalog):
    reordered = (GROUPS[6], *GROUPS[1:6], GROUPS[0])  # edit: NAA and Nachfrage (erweitert) swap places
    got = parse(workbook(HN, groups=reordered), catalog)
    assert {k: v[:2] for k, v in facts(got).items()} == {k: v[:2] for k, v in published(HN).items()}


def test_footnote_markers_may_be_dropped_or_moved(catalog):
    # edit: BIBB writes "UVB ohne Alternative 1)" with a space, and drops the marker of UBA
    moved = tuple({"UVB ohne Alternative1)": "UVB ohne Alternative 1)", "UBA 2)": "UBA"}.get(g, g) for g in GROUPS)
    renamed = [{**r, "cells": {({"UVB ohne Alternative1)": "UVB ohne Alternative 1)", "UBA 2)": "UBA"}.get(g, g), s): v
                               for (g, s), v in r["cells"].items()}} for r in rows(HN)]  # type: ignore[attr-defined]
    assert facts(parse(workbook(HN, renamed, groups=moved), catalog)) == published(HN)


def test_the_mapping_declares_groups_rows_and_the_title_word(kinds):
    kind = kinds[KIND]
    assert kind.wide is not None and kind.wide.title == "Arbeitsagenturbezirk" and kind.wide.ignore == ("VR",)
    assert set(kind.indicators) == {(TOTAL, g) for g in
                                    ("NAA", "UVB ohne Alternative", "UVB mit Alternative", "UBA", "Angebot",
                                     "Nachfrage nach alter Definiton", "Nachfrage nach erweiterter Definition")}
    assert kind.others == ((),) and kind.each_file and kind.footer == ("Legende", "Nachdruck", "Quellen")
    assert {m: s.status for m, s in kind.markers.items()} == {"*": "secret", ".": "not_applicable"}
    # only the agencies: no Kreis, and not Heilbronn-Franken
    assert kind.regions == {"Heilbronn": HN, "Schwäbisch Hall-Tauberbischofsheim": SHA}


# --- a changed or wrong workbook fails, naming file, sheet row and column -------------------------------


def test_a_renamed_group_names_the_group_row_and_the_missing_label(catalog):
    renamed = tuple("Neuverträge" if g == "NAA" else g for g in GROUPS)  # edit: BIBB renames NAA
    err = fails(workbook(HN, groups=renamed), catalog)
    assert err.row == GROUP_ROW and err.column == "NAA" and "group label missing" in str(err)


def test_a_group_the_mapping_does_not_know_is_named(catalog):
    added = (*GROUPS, "Bewerber insgesamt")  # edit: a new group at the right
    err = fails(workbook(HN, groups=added), catalog)
    assert err.row == GROUP_ROW and err.column == "Bewerber insgesamt" and "unknown group" in str(err)


@pytest.mark.parametrize("sub", ["2023/24", "Okt 2023", "Anteil"])
def test_a_period_cell_that_is_not_a_year_names_the_period_row_and_group(sub, catalog):
    err = fails(workbook(HN, subcolumns=("2022", sub, "VR")), catalog)  # edit: the second sub-column relabelled
    assert err.row == PERIOD_ROW and err.column == "NAA" and f"'{sub}' is not a year" in str(err)


def test_an_agency_the_mapping_does_not_know_is_named_in_the_title(catalog):
    title = TITLE.format(agency="Stuttgart")  # edit: another agency's workbook dropped in the folder
    err = fails(workbook(HN, title=title), catalog)
    assert err.row == 1 and err.column == "title" and "unknown region 'Stuttgart'" in str(err) and "Heilbronn" in str(err)
    err = fails(workbook(HN, title="Ausbildungsmarkt 2023"), catalog)  # edit: a title without the agency
    assert err.row == GROUP_ROW and "no title row" in str(err) and "Arbeitsagenturbezirk" in str(err)


@pytest.mark.parametrize("value", ["k. A.", "3.351", "-"])
def test_a_value_neither_number_nor_marker_names_row_and_column(value, catalog):
    data = edit(rows(HN), TOTAL, **{"Angebot 2)|2023": value})  # edit: a sign or a text number in a figure
    err = fails(workbook(HN, data), catalog)
    assert err.row == TOTAL_ROW and err.column == "Angebot 2023" and f"'{value}'" in str(err)


def test_a_table_without_alle_berufe_gives_no_figure_from_another_row(catalog):
    data = edit(rows(HN), TOTAL, label="Insgesamt")  # edit: the total row relabelled
    err = fails(workbook(HN, data), catalog)
    assert err.column == "row label" and "no row 'alle Berufe'" in str(err)
    without = [r for r in rows(HN) if r["label"] != TOTAL]  # edit: the total row cut
    assert "no row 'alle Berufe'" in str(fails(workbook(HN, without), catalog))


def test_a_workbook_without_its_notes_is_cut_off(catalog):
    err = fails(workbook(HN, notes=False), catalog)  # edit: legend, footnotes and sources gone
    assert "no footer line" in str(err) and "Legende" in str(err) and err.row == TOTAL_ROW


def test_alle_berufe_twice_is_a_duplicate_figure(catalog):
    twice = [*rows(HN), *[r for r in rows(HN) if r["label"] == TOTAL]]  # edit: the total row repeated
    assert "duplicate figure" in str(fails(workbook(HN, twice), catalog))


@pytest.mark.parametrize(("change", "message"), [
    ({"wide": {"title": ""}}, "wide.title: String should have at least 1 character"),
    ({"wide": {"title": "Arbeitsagenturbezirk", "ignore": "VR"}}, "wide.ignore: Input should be a valid list, got 'VR'"),
    ({"wide": {"title": "Arbeitsagenturbezirk"}, "columns": {"region": "x", "indicator": "y", "value": "z"}}, "do not apply"),
    ({"regions": {}}, "map those labels under regions"),
    ({"indicators": {"alle Berufe": {"NAA": "apprenticeship_contracts_new", "*": None}}}, "rows level only"),
    ({"each_file": "yes"}, "each_file: Input should be a valid boolean, got 'yes'"),
])
def test_a_broken_wide_mapping_is_a_catalog_error(tmp_path, catalog, change, message):
    import yaml

    from catalog.partner_files import KINDS_FILE

    doc = yaml.safe_load(KINDS_FILE.read_text(encoding="utf-8"))
    (entry,) = [k for k in doc["kinds"] if k["id"] == KIND]
    entry.update(change)
    path = tmp_path / KINDS_FILE.name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_kinds(catalog, path)
    assert KIND in str(err.value) and message in str(err.value)


# --- drop folder and loading ------------------------------------------------------------------------


def client(catalog, kinds, folder: Path) -> FilesClient:  # noqa: ANN001
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    return FilesClient(catalog.sources[SOURCE], kinds, folder, http, RetryPolicy(attempts=1, min_interval=0))


def test_each_agencys_workbook_in_the_drop_folder_is_a_payload_of_its_own(tmp_path, catalog, kinds):
    for agency in (HN, SHA):
        (tmp_path / name(agency)).write_bytes(workbook(agency))
    payloads = list(client(catalog, kinds, tmp_path).fetch(catalog.tables[KIND], 2022, 2023))
    # each names its file in the request, so an unchanged workbook is skipped and a corrected one reloaded alone
    assert [p.request for p in payloads] == [{"file": name(HN)}, {"file": name(SHA)}]
    regions = [set(parse_payload(p, catalog.tables[KIND], catalog, "b1").observations.column("region_code").to_pylist())
               for p in payloads]
    assert regions == [{HN}, {SHA}]


def test_an_agencys_workbook_loads_and_its_figures_stay_the_agencys(tmp_path, catalog, validator):
    con = connect(tmp_path / "w.duckdb")
    data = workbook(SHA)
    payload = RawPayload(SOURCE, KIND, f"file:///drop/{SOURCE}/{name(SHA)}", {"file": name(SHA)}, InMemory(data), InMemory(data),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", datetime.now(UTC))
    result = process_payload(con, payload, TableRequest(SOURCE, KIND, 2000, 2026), catalog, tmp_path, "r1", validator)
    # one agency per workbook: no Kreis is expected (the table is published for agency districts only)
    assert (result.outcome, result.rows_new, result.warnings) == ("loaded", 14, [])
    again = process_payload(con, payload, TableRequest(SOURCE, KIND, 2000, 2026), catalog, tmp_path, "r2", validator)
    assert again.outcome == "unchanged"
