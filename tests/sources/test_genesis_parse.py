"""parse_tablefile: GENESIS ffcsv flat files into observations of the catalog's indicators.

Every figure comes from sample/figures.csv (published figures). Where a test needs a bad or marked value, it
takes a real row and edits it; the comment at the edit says so. Row numbers in errors are file lines
(the header is line 1, so rows[i] is line i + 2).
"""

from __future__ import annotations

import pytest

from sample.ffcsv import LAYOUTS, flat_file, header
from sample.make_recordings import figures, flat_rows
from sources.blob import InMemory
from sources.contract import OBSERVATION_SCHEMA
from sources.errors import FormatError
from sources.genesis import parse_tablefile
from tests.genesis_bodies import population_rows

POP = "12411-01-01-4"
SVB = "13111-01-03-4"
BATCH = "batch-test-1"


@pytest.fixture
def pop_table(catalog):
    return catalog.tables[POP]


@pytest.fixture
def svb_table(catalog):
    return catalog.tables[SVB]


def svb_rows() -> list[tuple]:
    return flat_rows([r for r in figures() if r["table"] == SVB and r["period"] == "2023-06-30"])


def pop_file(rows: list[tuple] | None = None, quality: bool = True) -> bytes:
    return flat_file(LAYOUTS[POP], population_rows() if rows is None else rows, quality=quality)


def find(rows: list[tuple], period: str, region: str, attrs: tuple[str, ...] = ("",)) -> int:
    (i,) = [i for i, r in enumerate(rows) if r[0] == period and r[1] == region and r[3] == attrs]
    return i


def edited(rows: list[tuple], i: int, *, value: str | None = None, flag: str | None = None, region: str | None = None) -> list[tuple]:
    time, reg, label, attrs, v, q = rows[i]
    out = list(rows)
    out[i] = (time, region if region is not None else reg, label, attrs, value if value is not None else v, flag if flag is not None else q)
    return out


def observations(result) -> dict[tuple[str, str, str], dict]:
    return {(o["indicator_id"], o["region_code"], o["period"]): o for o in result.observations.to_pylist()}


def parse(data: bytes, table, catalog):
    return parse_tablefile(InMemory(data), table, catalog, BATCH)


# --------------------------------------------------------------------------------------------
# Real figures
# --------------------------------------------------------------------------------------------


def test_sample_rows_give_the_published_numbers(pop_table, catalog):
    result = parse(pop_file(), pop_table, catalog)
    obs = observations(result)

    assert obs[("population", "08125", "2024-12-31")]["value"] == 353877
    assert obs[("population", "08121", "2024-12-31")]["value"] == 131986
    assert obs[("population", "08121", "2023-12-31")]["value"] == 131653
    assert obs[("population", "08", "2023-12-31")]["value"] == 11230740
    o = obs[("population", "08125", "2024-12-31")]
    assert o["unit"] == "persons" and o["freq"] == "A" and o["status"] is None and o["marker"] is None
    assert o["source_id"] == "regionalstatistik" and o["table_id"] == POP and o["batch_id"] == BATCH
    assert result.observations.schema == OBSERVATION_SCHEMA
    assert result.rows_read == len(population_rows())


def test_source_row_is_the_file_line(pop_table, catalog):
    rows = population_rows()
    result = parse(pop_file(rows), pop_table, catalog)
    o = observations(result)[("population", "08125", "2024-12-31")]
    assert o["source_row"] == find(rows, "2024-12-31", "08125") + 2


def test_totals_are_empty_attribute_codes(pop_table, catalog):
    obs = observations(parse(pop_file(), pop_table, catalog))
    assert obs[("population", "08125", "2024-12-31")]["value"] == 353877
    assert obs[("population_male", "08125", "2024-12-31")]["value"] == 177112
    assert obs[("population_female", "08125", "2024-12-31")]["value"] == 176765
    assert obs[("population_female", "08125", "2023-12-31")]["value"] == 176566


def test_utf8_bom_is_handled_and_optional(pop_table, catalog):
    with_bom = pop_file()
    assert with_bom.startswith(b"\xef\xbb\xbf")
    a = parse(with_bom, pop_table, catalog)
    b = parse(with_bom[3:], pop_table, catalog)
    assert a.observations.equals(b.observations)
    assert observations(b)[("population", "08125", "2024-12-31")]["value"] == 353877


def test_crlf_line_endings_parse_the_same(pop_table, catalog):
    lf = pop_file()
    a = parse(lf, pop_table, catalog)
    b = parse(lf.replace(b"\n", b"\r\n"), pop_table, catalog)
    assert a.observations.equals(b.observations)


def test_decimal_comma(pop_table, catalog):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08125")
    # the real 353877 written with a decimal comma, as language=de files write decimals
    obs = observations(parse(pop_file(edited(rows, i, value="353877,0")), pop_table, catalog))
    assert obs[("population", "08125", "2024-12-31")]["value"] == 353877.0
    # and the real 131986 written in thousands with three decimals: "131,986"
    j = find(rows, "2024-12-31", "08121")
    obs = observations(parse(pop_file(edited(rows, j, value="131,986")), pop_table, catalog))
    assert obs[("population", "08121", "2024-12-31")]["value"] == pytest.approx(131.986)


def test_a_negative_number_is_a_number_not_the_dash_marker(pop_table, catalog):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08125")
    # the real 353877 with a minus sign (as a change column would carry it)
    obs = observations(parse(pop_file(edited(rows, i, value="-353877")), pop_table, catalog))
    o = obs[("population", "08125", "2024-12-31")]
    assert o["value"] == -353877 and o["status"] is None and o["marker"] is None


def test_quality_off_files_without_value_q_parse(pop_table, catalog):
    data = pop_file(quality=False)
    assert b"value_q" not in data.splitlines()[0]
    result = parse(data, pop_table, catalog)
    obs = observations(result)
    assert obs[("population", "08125", "2024-12-31")]["value"] == 353877
    assert obs[("population", "08121", "2023-12-31")]["value"] == 131653
    assert all(o["status"] is None for o in obs.values())


# --------------------------------------------------------------------------------------------
# Markers and quality flags
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "status"),
    [("-", "nil"), (".", "secret"), ("...", "later"), ("/", "unreliable"), ("x", "not_applicable")],
)
@pytest.mark.parametrize("quality", [True, False], ids=["quality-on", "quality-off"])
def test_value_markers_become_null_with_status_never_zero(pop_table, catalog, marker, status, quality):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08126")
    # the real 08126 row with its value replaced by the marker
    obs = observations(parse(pop_file(edited(rows, i, value=marker), quality=quality), pop_table, catalog))
    o = obs[("population", "08126", "2024-12-31")]
    assert o["value"] is None
    assert o["status"] == status
    assert o["marker"] == marker
    # the neighbours keep their published values
    assert obs[("population", "08125", "2024-12-31")]["value"] == 353877


@pytest.mark.parametrize(
    ("flag", "status"),
    [("e", "final"), ("p", "provisional"), ("r", "revised"), ("s", "estimated"), ("()", "limited_reliability")],
)
def test_quality_flags_keep_the_value_and_set_the_status(pop_table, catalog, flag, status):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08125")
    # the real 08125 row with the flag set in value_q
    obs = observations(parse(pop_file(edited(rows, i, flag=flag)), pop_table, catalog))
    o = obs[("population", "08125", "2024-12-31")]
    assert o["value"] == 353877
    assert o["status"] == status
    assert o["marker"] == flag


@pytest.mark.parametrize("bad", ["–", "k.A.", "353877a", "353 877", ""], ids=["en-dash", "text", "suffix", "space", "empty"])
def test_unknown_marker_or_text_in_value_is_a_format_error_naming_the_row(pop_table, catalog, bad):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08127")
    # the real 08127 row with its value replaced by something that is neither a number nor a marker
    with pytest.raises(FormatError) as err:
        parse(pop_file(edited(rows, i, value=bad)), pop_table, catalog)
    assert err.value.row == i + 2
    assert f"row {i + 2}" in str(err.value)
    assert "neither a number nor a known marker" in str(err.value)


def test_unknown_quality_flag_is_a_format_error_naming_the_row(pop_table, catalog):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08128")
    # the real 08128 row with a value_q the legend does not know
    with pytest.raises(FormatError, match="unknown quality flag 'z'") as err:
        parse(pop_file(edited(rows, i, flag="z")), pop_table, catalog)
    assert err.value.row == i + 2


# --------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------


def test_mixed_regional_variables_in_one_file_are_all_kept(svb_table, catalog):
    rows = svb_rows()
    # sample.ffcsv.regional_variable() codes "DG" as DLAND (it goes by code length); the API writes DINSG.
    data = flat_file(LAYOUTS[SVB], rows).replace(
        ";DLAND;Bundesländer;DG;".encode(), ";DINSG;Deutschland insgesamt;DG;".encode()
    )
    text = data.decode("utf-8-sig")
    for variable in ("DINSG", "DLAND", "REGBEZ", "KREISE"):
        assert f";{variable};" in text

    result = parse(data, svb_table, catalog)
    obs = observations(result)
    assert obs[("employees_svb_workplace", "DG", "2023-06-30")]["value"] == 34709056
    assert obs[("employees_svb_workplace", "08", "2023-06-30")]["value"] == 4909317
    assert obs[("employees_svb_workplace", "081", "2023-06-30")]["value"] == 1935522
    assert obs[("employees_svb_workplace", "08121", "2023-06-30")]["value"] == 75590
    assert obs[("employees_svb_workplace_female", "081", "2023-06-30")]["value"] == 845663
    assert obs[("employees_svb_workplace_foreign", "08", "2023-06-30")]["value"] == 936110
    assert obs[("employees_svb_workplace_foreign", "08128", "2023-06-30")]["value"] == 7018
    assert {k[1] for k in obs} == {"DG", "08", "081", "08121", "08125", "08126", "08127", "08128"}
    # male totals and foreign-by-sex rows have no indicator in the catalog: left out and counted
    assert result.dropped == {"not_in_catalog": 8 * 3}
    assert result.observations.num_rows == 8 * 3


def test_8_digit_codes_statistical_regions_and_dissolved_kreise_are_left_out_and_counted_never_summed(pop_table, catalog):
    """The real nationwide answers of 31.12.2023 and 31.12.2024: every row of a code that is no region of today is
    counted by its reason; Berlin's Bezirke and the cities Hannover, Aachen and Saarbrücken stay out of their Kreis."""
    rows = population_rows()
    result = parse(pop_file(rows), pop_table, catalog)
    obs = observations(result)
    codes = {r for _, r, _ in obs}
    assert {k.code for k in catalog.kreise()} <= codes and not {"11001001", "03241001", "05334002", "10041100", "03152", "031"} & codes
    assert result.dropped["berlin_district"] == 2 * 12 * 3  # two years, 12 Bezirke, total / male / female
    assert result.dropped["part_of_kreis"] == 2 * 3 * 3  # 03241001 Hannover, 05334002 Aachen, 10041100 Saarbrücken
    assert result.dropped["dissolved"] == 2 * 74 * 3  # every former Kreis, marked "-" after its dissolution
    assert result.dropped["statistical_region"] == (44 - 19) * 3  # 2023's REGBEZ rows of states without Regierungsbezirke
    assert "out_of_scope" not in result.dropped and result.rows_read == result.observations.num_rows + sum(
        v for k, v in result.dropped.items())
    # never summed into its Kreis: 11000 is Berlin's own figure, the Bezirke only left out
    assert obs[("population", "11000", "2024-12-31")]["value"] == 3685265
    assert obs[("population", "03241", "2024-12-31")]["value"] == 1140888


def test_a_scope_narrowed_to_a_state_leaves_the_other_states_out_unless_the_request_names_them(pop_table, bw_catalog):
    rows = [r for r in population_rows() if r[0] == "2024-12-31" and r[1] in ("08125", "09162", "11000", "11001001")]
    result = parse(pop_file(rows), pop_table, bw_catalog)
    assert {r for _, r, _ in observations(result)} == {"08125"}
    assert result.dropped == {"out_of_scope": 6, "berlin_district": 3}  # München, Berlin: three rows each
    named = parse_tablefile(InMemory(pop_file(rows)), pop_table, bw_catalog, BATCH, requested=("09*",))  # a request naming Bavaria's Kreise
    assert {r for _, r, _ in observations(named)} == {"08125", "09162"} and named.dropped["out_of_scope"] == 3


def test_an_unknown_code_inside_the_state_is_a_format_error_naming_the_row(pop_table, catalog):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08125")
    # the real 08125 row moved to a code that is no Kreis of Baden-Württemberg
    bad = edited(rows, i, region="08999")
    with pytest.raises(FormatError, match="unknown region code") as err:
        parse(pop_file(bad), pop_table, catalog)
    assert err.value.row == i + 2
    assert "08999" in str(err.value)


# --------------------------------------------------------------------------------------------
# Layout changes
# --------------------------------------------------------------------------------------------

LEGACY_HEADER = (
    "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;1_Auspraegung_Code;"
    "1_Auspraegung_Label;2_Merkmal_Code;2_Merkmal_Label;2_Auspraegung_Code;2_Auspraegung_Label;3_Merkmal_Code;"
    "3_Merkmal_Label;3_Auspraegung_Code;3_Auspraegung_Label;ERW032__Sozialversicherungspfl._Beschaeftigte_(Arbeitsort)__Anzahl"
)
# The first data line of the legacy fixture: the real 2023 Germany total (sample/figures.csv: 34709056).
LEGACY_ROW = (
    "13111;Sozialversicherungspflichtig Beschäftigte;STAG;Stichtag;30.06.2023;KREISE;Kreise und kreisfreie Städte;"
    "DG;Deutschland;NAT;Nationalität;;Insgesamt;GES;Geschlecht;;Insgesamt;34709056"
)


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["plain", "bom"])
def test_the_legacy_v4_layout_is_rejected(svb_table, catalog, bom):
    data = (bom + LEGACY_HEADER + "\n" + LEGACY_ROW + "\n").encode("utf-8")
    with pytest.raises(FormatError, match="old GENESIS-v4"):
        parse(data, svb_table, catalog)


def test_a_missing_column_is_a_format_error_naming_it(pop_table, catalog):
    lines = pop_file().decode("utf-8-sig").splitlines()
    cols = lines[0].split(";")
    k = cols.index("value_unit")
    without = "\n".join(";".join(c for j, c in enumerate(line.split(";")) if j != k) for line in lines) + "\n"
    with pytest.raises(FormatError, match="value_unit"):
        parse(without.encode("utf-8"), pop_table, catalog)


def test_a_changed_unit_is_a_format_error(pop_table, catalog):
    rows = population_rows()
    data = pop_file(rows).decode("utf-8")
    assert ";Anzahl;" in data
    # the real file with its unit changed as if the table were now published in thousands
    changed = data.replace(";Anzahl;", ";Tsd.;").encode("utf-8")
    with pytest.raises(FormatError, match="unit of population") as err:
        parse(changed, pop_table, catalog)
    assert "Tsd." in str(err.value)
    assert err.value.row is not None


def test_a_changed_period_format_is_a_format_error(pop_table, catalog):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08125")
    # the real row with its date in the old dd.mm.yyyy form
    old = list(rows)
    old[i] = ("31.12.2024",) + rows[i][1:]
    with pytest.raises(FormatError, match="STAG") as err:
        parse(pop_file(old), pop_table, catalog)
    assert err.value.row == i + 2


def test_duplicated_rows_are_a_format_error(pop_table, catalog):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08125")
    doubled = rows + [rows[i]]  # the real 08125 row served twice
    with pytest.raises(FormatError, match="duplicate") as err:
        parse(pop_file(doubled), pop_table, catalog)
    assert "08125" in str(err.value)
    assert err.value.row == len(doubled) + 1  # the later of the two lines


@pytest.mark.parametrize("quality", [True, False], ids=["quality-on", "quality-off"])
def test_header_only_file_gives_no_observations(pop_table, catalog, quality):
    data = ("\ufeff" + ";".join(header(len(LAYOUTS[POP].contents[0].variables), quality)) + "\n").encode("utf-8")
    result = parse(data, pop_table, catalog)
    assert result.observations.num_rows == 0 and result.rows_read == 0
    assert result.observations.schema == OBSERVATION_SCHEMA


@pytest.mark.parametrize("quality", [True, False], ids=["quality-on", "quality-off"])
def test_a_file_with_only_out_of_scope_rows_gives_no_observations(pop_table, bw_catalog, quality):
    rows = [r for r in population_rows() if r[1] == "09162"]  # the real München rows only
    result = parse(pop_file(rows, quality=quality), pop_table, bw_catalog)
    assert result.observations.num_rows == 0
    assert result.dropped == {"out_of_scope": 6}  # 2023 and 2024


# --------------------------------------------------------------------------------------------
# Not yet published
# --------------------------------------------------------------------------------------------


def test_an_all_dash_newest_slice_at_kreis_level_is_dropped_as_not_yet_published(pop_table, catalog):
    rows = population_rows()
    # The real file, with every value of today's Kreise in the newest slice (2024-12-31) replaced by "-": what GENESIS
    # serves for a period whose Kreis figures are not loaded yet. (The former Kreise's "-" are their dissolution.)
    today = {k.code for k in catalog.kreise()}
    blanked = [(t, r, label, attrs, "-" if t == "2024-12-31" and r in today else v, q) for t, r, label, attrs, v, q in rows]
    n_blank = sum(1 for t, r, *_ in rows if t == "2024-12-31" and r in today)
    assert n_blank == 400 * 3

    result = parse(pop_file(blanked), pop_table, catalog)
    obs = observations(result)

    assert result.dropped["not_yet_published"] == n_blank
    assert not any(p == "2024-12-31" and len(r) == 5 for _, r, p in obs)
    # the older period is kept, with its published values
    assert obs[("population", "08121", "2023-12-31")]["value"] == 131653
    assert obs[("population", "08125", "2023-12-31")]["value"] == 353609
    assert obs[("population", "08", "2023-12-31")]["value"] == 11230740
    assert any("not yet published" in n and "2024-12-31" in n for n in result.notes)


def test_a_single_dash_in_the_newest_slice_is_kept_as_nil(pop_table, catalog):
    rows = population_rows()
    i = find(rows, "2024-12-31", "08126")
    # the real 08126 row with its value replaced by "-": one dash is a figure ("nothing"), not an unloaded slice
    result = parse(pop_file(edited(rows, i, value="-")), pop_table, catalog)
    assert "not_yet_published" not in result.dropped
    o = observations(result)[("population", "08126", "2024-12-31")]
    assert o["value"] is None and o["status"] == "nil"


# --------------------------------------------------------------------------------------------
# Flat files the parser refuses
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"], ids=["empty", "bom-only", "blank-line"])
def test_an_empty_flat_file_is_a_format_error(pop_table, catalog, data):
    with pytest.raises(FormatError, match="empty flat file"):
        parse(data, pop_table, catalog)


@pytest.mark.parametrize("dropped", ["2_variable_attribute_code", "2_variable_code", "1_variable_attribute_code"])
def test_a_header_that_lacks_a_block_column_is_a_format_error_naming_it(pop_table, catalog, dropped):
    lines = pop_file().decode("utf-8-sig").splitlines()
    at = lines[0].split(";").index(dropped)
    # the real file with one column of a classifying block cut out of every line
    cut = "\n".join(";".join(c for k, c in enumerate(line.split(";")) if k != at) for line in lines) + "\n"
    with pytest.raises(FormatError, match="changed columns") as err:
        parse(cut.encode("utf-8"), pop_table, catalog)
    assert f"['{dropped}'] missing from the header" in str(err.value)


def test_a_time_code_the_parser_does_not_know_is_a_format_error_naming_the_row(pop_table, catalog):
    rows = population_rows()
    lines = pop_file(rows).decode("utf-8-sig").splitlines()
    i = find(rows, "2024-12-31", "08125")
    # the real 08125 row as a monthly figure: time code MONAT, which no catalog table of GENESIS declares
    lines[i + 1] = lines[i + 1].replace(";STAG;Stichtag;2024-12-31;", ";MONAT;Monat;2024-12;")
    with pytest.raises(FormatError, match="unsupported time variable: 'MONAT'") as err:
        parse(("\n".join(lines) + "\n").encode("utf-8"), pop_table, catalog)
    assert err.value.row == i + 2


# --------------------------------------------------------------------------------------------
# 13211-02-05-4: totals as an empty block, two block variables in one file, quoted and drifting labels
# --------------------------------------------------------------------------------------------

ALO = "13211-02-05-4"


def alo_rows() -> list[tuple]:
    """13211-02-05-4, 2025, the Heilbronn-Franken Kreise, the state and Germany (buddemax export of 26.02.2026)."""
    return flat_rows([r for r in figures() if r["table"] == ALO and r["source"] == "U3"])


def alo_parse(data: bytes, catalog) -> dict:
    return observations(parse(data, catalog.tables[ALO], catalog))


def test_a_total_written_as_an_empty_block_and_groups_of_two_block_variables_in_one_file(catalog):
    data = flat_file(LAYOUTS[ALO], alo_rows())
    lines = data.decode("utf-8-sig").splitlines()
    assert any(";08121;Heilbronn, Stadtkreis;;;;;5027;Anzahl;ERWP06;" in line for line in lines)  # total: empty block
    assert any(";ERWAQ7;" in line and ";ERWP06;" in line for line in lines)
    assert any(";ERWAQ8;" in line and ";ERWP10;" in line for line in lines)  # another variable in the same block
    obs = alo_parse(data, catalog)
    assert obs[("unemployed", "08121", "2025")]["value"] == 5027
    assert obs[("unemployed_15_25", "08121", "2025")]["value"] == 461
    assert obs[("unemployed_long_term", "08121", "2025")]["value"] == 1422
    assert obs[("unemployment_rate", "08121", "2025")]["value"] == 6.7
    assert obs[("unemployment_rate_dependent", "08121", "2025")]["value"] == 7.2
    assert obs[("unemployment_rate_15_25", "08121", "2025")]["value"] == 5.3
    assert obs[("unemployment_rate_foreign", "DG", "2025")]["value"] == 14.8
    assert len(obs) == 7 * 13  # every published figure, each matched to one indicator


def test_a_total_written_as_a_classified_total_is_the_same_total(catalog):
    empty = flat_file(LAYOUTS[ALO], alo_rows())
    # the same file with its totals written as `code;label;;Insgesamt`, as 12411-01-01-4 and 52411-02-01-4 write them
    classified = empty.replace(b";;;;;5027;Anzahl;ERWP06;", ";ERWAQ7;Arbeitslose nach ausgewählten Personengruppen;;Insgesamt;5027;Anzahl;ERWP06;".encode())
    assert classified != empty
    assert alo_parse(classified, catalog)[("unemployed", "08121", "2025")]["value"] == 5027


def test_a_label_with_a_semicolon_arrives_quoted_and_is_read_whole(catalog):
    rows = alo_rows()
    i = next(k for k, r in enumerate(rows) if r[1] == "08121")
    # the real row with a label holding ';' (as GastroViewer's 73311-01-02-4 file shows such labels), written quoted
    rows[i] = (rows[i][0], rows[i][1], "Heilbronn; Universitätsstadt, Stadtkreis", *rows[i][3:])
    data = flat_file(LAYOUTS[ALO], rows)
    assert b'"Heilbronn; Universit' in data
    obs = alo_parse(data, catalog)
    assert obs[("unemployed", "08121", "2025")]["value"] == 5027 and obs[("unemployed", "08121", "2025")]["source_row"] == i + 2


def test_a_label_that_changed_while_its_code_did_not_matches_the_same_indicator(catalog):
    data = flat_file(LAYOUTS[ALO], alo_rows())
    # "ausländisch" (2026) was "Ausländer" in the exports of 2017 and 2021; the code ARBEITSLOS08 stayed
    drifted = data.replace(";ARBEITSLOS08;ausländisch;".encode(), ";ARBEITSLOS08;Ausländer;".encode())
    assert drifted != data
    assert alo_parse(drifted, catalog) == alo_parse(data, catalog)


def test_an_old_website_table_export_is_refused_naming_the_flat_file_download(catalog):
    export = "Tabelle: 13211-02-05-4\nArbeitslose nach ausgewählten Personengruppen sowie;;;;\n".encode()
    with pytest.raises(FormatError, match="Flat-File CSV"):
        parse(export, catalog.tables[ALO], catalog)
    with pytest.raises(FormatError, match="not a GENESIS flat file"):
        parse(b"Region;Jahr;Wert\n08121;2025;5027\n", catalog.tables[ALO], catalog)


def test_a_file_with_dissolved_kreise_keeps_their_figures_under_their_codes_and_counts_their_end_never_losing_a_row(pop_table, catalog):
    """The Regionaldatenbank's export of 2017 (sample key D1), 31.12.2010 and 31.12.2015: Kreise dissolved since 2007 are
    '-' after their dissolution (counted as dissolved), and hold their published figures before (kept under their own
    codes, the former Kreise of catalog/regions_germany.yaml, which the marts map onto today's Kreise)."""
    rows = flat_rows([r for r in figures() if r["source"] == "D1" and r["period"] in ("2010-12-31", "2015-12-31")
                      and len(r["region_code"]) == 5])
    result = parse(pop_file(rows), pop_table, catalog)
    obs = observations(result)
    assert obs[("population", "03152", "2015-12-31")]["value"] == 255653  # Göttingen (alt), merged into 03159 in 2016
    assert obs[("population", "16056", "2015-12-31")]["value"] == 42417  # Eisenach, part of the Wartburgkreis since 2021
    assert obs[("population", "13052", "2010-12-31")]["value"] == 79466  # Demmin, divided in 2011
    assert ("population", "13052", "2015-12-31") not in obs and ("population", "14161", "2010-12-31") not in obs
    former = {r.code for r in catalog.regions.values() if r.level == "former_kreis"}
    in_file = sum(1 for r in rows if r[1] in former)
    kept = sum(1 for o in result.observations.to_pylist() if o["region_code"] in former)
    assert in_file == kept + result.dropped["dissolved"] and kept > 0  # every row of a former Kreis: kept or counted
    assert obs[("population", "03159", "2015-12-31")]["status"] == "nil"  # the new Landkreis: "-" until 2016, as published
