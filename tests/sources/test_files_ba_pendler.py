"""BA Pendler Kreise exports read by their file kinds (catalog/partner_files.yaml): the real export layout,
the Kreis totals as the only figures, and each way a wrong or changed file fails.

The files are the sample's (tests/sources/ba_pendler_bodies.py: cited figures of the BA export of June 2023,
in BA's layout); a bad file is a real one edited, as the comment at the edit says.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import httpx
import pytest

from pipelines.batch import process_payload
from sources.client import RetryPolicy
from sources.blob import InMemory
from sources.contract import RawPayload, TableRequest
from sources.errors import NoData
from sources.files import FileError, FilesClient, parse_file, parse_payload
from tests.sources.ba_pendler_bodies import (
    AUS, EIN, HEADER_LINE, KEY, SOURCE, TOTALS, VALUES, edit, export, fields, footer, header, line, name, rows,
)
from warehouse.load import connect

from sample.make_ba_pendler import EXPORTS

INDICATOR = {EIN: "commuters_in_ba", AUS: "commuters_out_ba"}


def parse(data: bytes, table_id: str, catalog, **kw):  # noqa: ANN001, ANN003
    return parse_file(data, name(table_id), catalog.tables[table_id], catalog, "b1", **kw)


def fails(data: bytes, table_id: str, catalog, **kw) -> FileError:  # noqa: ANN001, ANN003
    with pytest.raises(FileError) as err:
        parse(data, table_id, catalog, **kw)
    assert SOURCE in str(err.value) and table_id in str(err.value) and name(table_id) in str(err.value)
    return err.value


def facts(result) -> dict[tuple[str, str, str], tuple]:  # noqa: ANN001
    return {(r["indicator_id"], r["region_code"], r["period"]): (r["value"], r["status"], r["source_row"])
            for r in result.observations.to_pylist()}


# --- the real layout ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [EIN, AUS])
def test_the_export_gives_one_figure_per_kreis_its_total_for_june_2023(kind, catalog):
    data = export(kind)
    assert data.startswith(b"\xef\xbb\xbf\"Land\";") and f'"{KEY}"'.encode() in data  # BOM, every field quoted
    result = parse(data, kind, catalog)
    got = facts(result)
    # the period is the year of the preamble's Berichtsmonat "Juni 2023"; each row names its file line
    assert got == {(INDICATOR[kind], kreis, "2023"): (value, None, line(rows(kind), kreis)) for kreis, value in TOTALS[kind].items()}
    obs = result.observations.to_pylist()
    assert {(r["freq"], r["unit"], r["source_id"], r["table_id"]) for r in obs} == {("A", "persons", SOURCE, kind)}
    # every partner row (other Kreise, pooled "Übrige", foreign countries) is read, left out and counted
    assert result.rows_read == len(rows(kind)) and result.dropped == {"not_in_catalog": len(rows(kind)) - 5}


def test_thousands_are_read_with_the_point_ba_writes(catalog, kinds):
    data = export(EIN)
    assert b'"47.820"' in data  # the real export writes the thousands point
    assert facts(parse(data, EIN, catalog))[("commuters_in_ba", "08121", "2023")][0] == 47820.0
    # the reference copy had every '.' stripped upstream (47820, 15072024): that reads the same
    stripped = export(EIN).replace(b".", b"")
    assert facts(parse(stripped, EIN, catalog)) == facts(parse(data, EIN, catalog))
    # a mapping without a thousands separator must not read 47.820 as 47.82
    err = fails(data, EIN, catalog, kind=dataclasses.replace(kinds[EIN], thousands=""))
    assert "'47.820'" in str(err) and err.row == line(rows(EIN), "08121") and err.column == "Insgesamt"


def test_partner_rows_of_every_kind_are_left_out_never_taken_for_regions(catalog):
    partner_keys = {r["partner_key"] for r in rows(EIN)} - {"0"}
    # real partner rows of the sample: Kreise (08125), pooled "Übrige Kreise (Regierungsbezirk)" (010xx, 081xx),
    # and foreign countries with non-AGS keys
    assert {"08125", "010xx", "081xx", "CZ", "PL", "A"} <= partner_keys
    result = parse(export(EIN), EIN, catalog)
    assert set(result.observations.column("region_code").to_pylist()) == set(TOTALS[EIN])


def test_a_kreis_total_is_taken_as_published_never_rebuilt_from_the_partner_rows(catalog):
    # BA rounds every cell to 10: the total (47,820) is not the sum of the partner rows. Changing a partner
    # row leaves the figure alone ...
    edited = edit(rows(EIN), "08121", "08125", Insgesamt="40000")  # edit: the flow from 08125 raised
    assert facts(parse(export(EIN, edited), EIN, catalog))[("commuters_in_ba", "08121", "2023")][0] == 47820.0
    # ... and without its total row a Kreis has no figure: nothing is summed in its place
    without = [r for r in rows(EIN) if (r["own_key"], r["partner_key"]) != ("08121", "0")]
    got = facts(parse(export(EIN, without), EIN, catalog))
    assert not any(region == "08121" for _, region, _ in got) and len(got) == 4


def test_kreise_are_matched_by_key_whatever_their_label(catalog):
    # BA labels the Stadtkreis "Heilbronn, Universitätsstadt" (catalog: "Heilbronn, Stadtkreis"); a new label
    # changes nothing
    assert rows(EIN)[0]["own"] == "Heilbronn, Universitätsstadt" and catalog.regions["08121"].name_de == "Heilbronn, Stadtkreis"
    relabelled = [r | {"own": "Stadt Heilbronn"} if r["own_key"] == "08121" else r for r in rows(EIN)]
    assert facts(parse(export(EIN, relabelled), EIN, catalog)) == facts(parse(export(EIN), EIN, catalog))


def test_the_mapping_reads_the_export_by_its_labels(kinds):
    ein, aus = kinds[EIN], kinds[AUS]
    assert (ein.region_column, ein.indicator_columns, ein.value_column) == (KEY, ("Wohnort", f"{KEY}#2"), "Insgesamt")
    assert (aus.region_column, aus.indicator_columns) == (KEY, ("Arbeitsort", f"{KEY}#2"))
    assert ein.indicators == {("Einpendler insgesamt", "0"): "commuters_in_ba"} and ein.others == ((),)
    assert (ein.period_column, ein.period_field, ein.period_month) == (None, "Berichtsmonat", 6)
    assert ein.expect == {"Thema": "Einpendler Kreise", "Regionale Ebene": "Kreise"} and ein.footer == ("Exportdatum", "©")
    assert ein.markers == {}  # the export has no markers: a sign in a value cell is an error, not a 0


# --- a changed or wrong file fails, naming file, row and column ---------------------------------------


def test_a_changed_header_label_names_the_header_line_and_the_label(catalog):
    renamed = [*header(EXPORTS[EIN])[:4], "Beschäftigte insgesamt", *VALUES[1:]]  # edit: BA renames "Insgesamt"
    err = fails(export(EIN, columns=renamed), EIN, catalog)
    assert err.row == HEADER_LINE and err.column == "Beschäftigte insgesamt" and "unknown column" in str(err)
    dropped = header(EXPORTS[EIN])[:-1]  # edit: the column Auszubildende no longer exported
    err = fails(export(EIN, columns=dropped), EIN, catalog)
    assert err.row == HEADER_LINE and err.column == "Auszubildende" and "missing" in str(err)


def test_a_third_key_column_is_named_by_its_occurrence(catalog):
    tripled = [*header(EXPORTS[EIN])[:-1], KEY]  # edit: the last column relabelled as a third Regionalschlüssel
    err = fails(export(EIN, columns=tripled), EIN, catalog)
    assert err.column == f"{KEY}#3" and f"occurrence 3 of the label '{KEY}'" in str(err)


def test_a_file_with_the_key_columns_swapped_gives_no_wrong_figure(catalog):
    # edit: own and partner columns relabelled the other way round; every row now looks like a partner row
    swapped = ["Wohnort", KEY, "Arbeitsort", KEY, *VALUES]
    err = fails(export(EIN, columns=swapped), EIN, catalog)
    assert "no figure" in str(err) and f"all {len(rows(EIN))} rows are left out" in str(err)


def test_a_missing_report_month_is_named(catalog):
    err = fails(export(EIN, lines_above=fields(Berichtsmonat=None)), EIN, catalog)  # edit: the field left out
    assert "no field 'Berichtsmonat'" in str(err) and "Gebietsstand" in str(err)


@pytest.mark.parametrize(("month", "words"), [
    ("Dezember 2023", ["'Dezember 2023'", "annual", "Juni"]),   # edit: an export of another month
    ("06/2023", ["'06/2023'", "German month and year"]),        # edit: another notation
    ("June 2023", ["'June 2023'", "German month and year"]),    # edit: an English export
])
def test_a_report_month_other_than_june_is_not_the_annual_table(month, words, catalog):
    data = export(EIN, lines_above=fields(Berichtsmonat=month))
    err = fails(data, EIN, catalog)
    assert err.row == 6 and all(w in str(err) for w in words)  # line 6: "Berichtsmonat";"..."


def test_a_monthly_kind_takes_the_month_from_the_preamble(catalog, kinds):
    monthly = dataclasses.replace(kinds[EIN], period_month=None)
    table = catalog.tables[EIN].model_copy(update={"freq": "M"})
    result = parse_file(export(EIN), name(EIN), table, catalog, "b1", kind=monthly)
    assert set(result.observations.column("period").to_pylist()) == {"2023-06"}


def test_an_export_of_the_other_direction_is_refused_by_its_topic(catalog):
    err = fails(export(AUS), EIN, catalog)  # the Auspendler export dropped under the Einpendler name
    assert err.row == 11 and "'Thema'" in str(err) and "'Auspendler Kreise'" in str(err) and "'Einpendler Kreise'" in str(err)
    err = fails(export(EIN, lines_above=fields(Regionale_Ebene="Gemeinden")), EIN, catalog)  # edit: another level
    assert err.row == 4 and "'Gemeinden'" in str(err)


@pytest.mark.parametrize("ags", ["08999", "03152", "8121"])
def test_an_own_kreis_key_not_in_the_catalog_names_row_and_column(ags, catalog):
    # edit: the total row of 08128 keyed as a code the catalog lacks, a Kreis dissolved in 2016 (Göttingen, alt), or
    # with its leading 0 lost
    data = edit(rows(EIN), "08128", own_key=ags)
    err = fails(export(EIN, data), EIN, catalog)
    assert err.row == line(data, ags) and err.column == KEY and f"unknown region '{ags}'" in str(err)


def test_a_file_without_the_footer_is_cut_off(catalog):
    err = fails(export(EIN, lines_below=[]), EIN, catalog)  # edit: the download stopped after the last row
    assert "no footer line" in str(err) and "Exportdatum" in str(err) and err.row == line(rows(EIN), "08128", "PL")
    # the footer ends the table: its lines (export date, ©, terms) are not read as data
    assert len(footer(EXPORTS[EIN])) == 4 and parse(export(EIN), EIN, catalog).rows_read == len(rows(EIN))


def test_an_html_page_saved_instead_of_the_export_is_named(catalog):
    page = b"\xef\xbb\xbf<!DOCTYPE html><html><head><title>Statistik der BA</title></head><body>Pendler</body></html>"
    assert "HTML page" in str(fails(page, EIN, catalog))


@pytest.mark.parametrize("marker", ["*", "-", "x"])
def test_a_marker_in_a_total_is_an_error_never_a_zero(marker, catalog):
    # The Pendler export has no markers (small flows are pooled, cells rounded to 10): the kind declares none.
    data = edit(rows(EIN), "08126", Insgesamt=marker)  # edit: the 08126 total withheld
    err = fails(export(EIN, data), EIN, catalog)
    assert err.row == line(data, "08126") and err.column == "Insgesamt" and f"'{marker}'" in str(err)


# --- drop folder and loading ------------------------------------------------------------------------


def test_both_exports_in_one_drop_folder_are_told_apart_by_their_names(tmp_path, catalog, kinds):
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    client = FilesClient(catalog.sources[SOURCE], kinds, tmp_path, http, RetryPolicy(attempts=1, min_interval=0))
    (tmp_path / "statistik_pendler_2024071523642.csv").write_bytes(export(EIN))  # as BA names it: not read
    with pytest.raises(NoData, match="ba-pendler-einpendler-kreise"):
        list(client.fetch(catalog.tables[EIN], 2023, 2023))
    for kind in (EIN, AUS):
        (tmp_path / name(kind)).write_bytes(export(kind))
    for kind in (EIN, AUS):
        (payload,) = client.fetch(catalog.tables[kind], 2023, 2023)
        assert set(parse_payload(payload, catalog.tables[kind], catalog, "b1").observations.column("indicator_id").to_pylist()) \
            == {INDICATOR[kind]}


def payload(data: bytes, kind: str = EIN) -> RawPayload:
    return RawPayload(SOURCE, kind, f"file:///drop/{SOURCE}/{name(kind)}", {}, InMemory(data), InMemory(data), "text/csv", datetime.now(UTC))


def test_a_file_lacking_a_heilbronn_franken_kreis_is_quarantined_and_a_full_one_loads(tmp_path, catalog, validator):
    con = connect(tmp_path / "w.duckdb")
    live = TableRequest(SOURCE, EIN, 2000, 2026)  # what the nightly run asks in live mode
    without = [r for r in rows(EIN) if r["own_key"] != "08128"]  # edit: an export for four Kreise only
    result = process_payload(con, payload(export(EIN, without)), live, catalog, tmp_path, "r1", validator)
    assert result.outcome == "quarantined" and "Kreise missing" in result.message and "08128" in result.message
    loaded = process_payload(con, payload(export(EIN)), live, catalog, tmp_path, "r2", validator)
    assert (loaded.outcome, loaded.rows_new) == ("loaded", 5) and loaded.warnings == []
