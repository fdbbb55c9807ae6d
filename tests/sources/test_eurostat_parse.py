"""Decoding Eurostat JSON-stat answers into observations, without the network.

Figures are the cited ones of sample/figures.csv (nama_10r_3gdp, 2024-05). Where a test needs a cell
without a published figure (a region outside the scope, a unit the catalog does not ask for), the cell
carries a status and no value, as Eurostat sends cells it has no figure for.
"""

from __future__ import annotations

import json

import pytest

from sample.jsonstat import FREQ, GEO_LABEL, TIME_LABEL, UNIT_LABEL, Dimension, dataset
from sources.contract import TableRequest
from sources.errors import FormatError
from sources.eurostat import parse_dataset
from tests.sources.eurostat_bodies import GDP, GDP_LABEL

GDP_IND, PER_HEAD = "gdp_current_prices_eurostat", "gdp_per_inhabitant_eurostat"


def gdp_cube(cells: dict[tuple[str, str, str], tuple[float | None, str | None]], catalog, extra: Dimension | None = None) -> bytes:
    """A nama_10r_3gdp answer holding `cells` {(unit, geo, period): (value, flag)} (plus an `extra` dimension's first code)."""
    units, geos, periods = ({c[k]: c[k] for c in cells} for k in range(3))
    dims = [FREQ, Dimension("unit", UNIT_LABEL, units), Dimension("geo", GEO_LABEL, geos), Dimension("time", TIME_LABEL, periods)]
    if extra:
        dims.insert(1, extra)
        cells = {(code, *c): v for c, v in cells.items() for code in extra.categories}
    return dataset(GDP_LABEL, "NAMA_10R_3GDP", dims, {("A", *c): v for c, v in cells.items()}, catalog.markers("eurostat"))


def parse(body: bytes, catalog, table: str = GDP):
    return parse_dataset(body, catalog.tables[table], catalog, "batch-1")


def facts(result) -> dict[tuple[str, str, str], tuple[float | None, str | None]]:
    return {(r["indicator_id"], r["region_code"], r["period"]): (r["value"], r["status"]) for r in result.observations.to_pylist()}


def test_sparse_cells_are_decoded_with_the_last_dimension_varying_fastest(catalog):
    # id freq, unit, geo, time with sizes 1, 2, 2, 2: flat index = (unit * 2 + geo) * 2 + time.
    doc = {
        "version": "2.0", "class": "dataset", "label": GDP_LABEL, "source": "ESTAT",
        "value": {"7": 21335.48, "0": 55800.0, "5": 7649.73, "1": 60700.0, "3": 61500.0, "4": 7064.92, "6": 19814.41},
        "status": {str(i): "e" for i in (0, 1, 3, 4, 5, 6, 7)},
        "id": ["freq", "unit", "geo", "time"], "size": [1, 2, 2, 2],
        "dimension": {
            "freq": {"label": "Time frequency", "category": {"index": {"A": 0}, "label": {"A": "Annual"}}},
            "unit": {"label": UNIT_LABEL, "category": {"index": {"EUR_HAB": 0, "MIO_EUR": 1}}},
            "geo": {"label": GEO_LABEL, "category": {"index": {"DE117": 0, "DE118": 1}}},
            "time": {"label": TIME_LABEL, "category": {"index": {"2020": 0, "2021": 1}}},
        },
    }
    result = parse(json.dumps(doc).encode(), catalog)
    got = facts(result)
    assert got[(GDP_IND, "08121", "2021")] == (7649.73, "estimated")  # cell 5: MIO_EUR, DE117, 2021
    assert got[(GDP_IND, "08125", "2020")] == (19814.41, "estimated")  # cell 6
    assert got[(PER_HEAD, "08125", "2021")] == (61500.0, "estimated")  # cell 3
    assert (PER_HEAD, "08125", "2020") not in got  # cell 2 is in neither dict: no observation at all
    assert len(got) == 7 and result.rows_read == 7
    row_of = {(r["indicator_id"], r["region_code"], r["period"]): r["source_row"] for r in result.observations.to_pylist()}
    assert row_of[(GDP_IND, "08121", "2021")] == 5


@pytest.mark.parametrize(
    ("flag", "value", "status"),
    [
        (None, 3474110.0, None),  # DE 2019, no flag
        ("p", 3617450.0, "provisional"),  # DE 2021
        ("e", 7649.73, "estimated"),  # Eurostat "e" is an estimate (in GENESIS it means final)
        ("b", 7649.73, "break_in_series"),
        ("u", 7649.73, "limited_reliability"),
        ("bp", 3617450.0, "provisional"),  # several signs: the one listed first in the catalog
        ("|C", None, "secret"),  # confidential since 2025: CONF_STATUS after the bar
        ("p|C", None, "secret"),
        ("c", None, "secret"),  # confidential before 2025
        (":", None, "not_available"),
    ],
)
def test_flags_become_statuses_and_withheld_values_stay_null(catalog, flag, value, status):
    result = parse(gdp_cube({("MIO_EUR", "DE117", "2021"): (value, flag)}, catalog), catalog)
    (row,) = result.observations.to_pylist()
    assert (row["value"], row["status"], row["marker"]) == (value, status, flag)
    assert catalog.markers("genesis")["e"].status == "final"  # the same sign, another provider's meaning


def test_confidential_cells_are_null_never_zero_and_pass_validation(catalog, validator):
    body = gdp_cube({("MIO_EUR", "DE117", "2021"): (7649.73, "e"), ("MIO_EUR", "DE118", "2021"): (None, "|C")}, catalog)
    result = parse(body, catalog)
    assert facts(result)[(GDP_IND, "08125", "2021")] == (None, "secret")
    request = TableRequest("eurostat", GDP, 2021, 2021, (("geo", "DE117,DE118"),))
    assert validator.validate(result.observations, request).passed
    # a zero in the place of the confidential figure is caught
    zeroed = parse(gdp_cube({("MIO_EUR", "DE117", "2021"): (7649.73, "e"), ("MIO_EUR", "DE118", "2021"): (0.0, "|C")}, catalog), catalog)
    verdict = validator.validate(zeroed.observations, request)
    assert not verdict.passed and any("null_iff_suppressed" in c for c in verdict.critical)


def test_an_unknown_flag_names_the_cell(catalog):
    with pytest.raises(FormatError) as err:
        parse(gdp_cube({("MIO_EUR", "DE117", "2020"): (7064.92, "e"), ("MIO_EUR", "DE117", "2021"): (7649.73, "q")}, catalog), catalog)
    assert "'q'" in str(err.value) and "geo=DE117" in str(err.value) and "time=2021" in str(err.value)
    assert err.value.row == 1 and "row 1" in str(err.value) and "nama_10r_3gdp" in str(err.value)


GERMANY_CELLS = {
    ("MIO_EUR", "DE", "2021"): (3617450.0, "p"),
    ("MIO_EUR", "DE1", "2021"): (541342.45, "e"),
    ("MIO_EUR", "DE11", "2021"): (226172.7, "e"),
    ("MIO_EUR", "DE118", "2021"): (21335.48, "e"),
    ("MIO_EUR", "DE212", "2021"): (None, ":"),  # München (Bayern)
}


def test_nuts_codes_of_all_germany_become_the_catalogs_ags(catalog):
    result = parse(gdp_cube(GERMANY_CELLS, catalog), catalog)
    assert {k[1]: v[0] for k, v in facts(result).items()} == {"DG": 3617450.0, "08": 541342.45, "081": 226172.7, "08125": 21335.48,
                                                               "09162": None}
    assert result.dropped == {}


def test_with_the_scope_narrowed_to_a_state_regions_outside_it_are_counted(bw_catalog):
    cells = GERMANY_CELLS | {("MIO_EUR", "DEG0N", "2021"): (None, ":")}  # a Thuringian code that NUTS 2024 merged away
    result = parse(gdp_cube(cells, bw_catalog), bw_catalog)
    assert {k[1]: v[0] for k, v in facts(result).items()} == {"DG": 3617450.0, "08": 541342.45, "081": 226172.7, "08125": 21335.48}
    assert result.dropped == {"out_of_scope": 2}


def test_an_unknown_nuts_code_inside_the_state_is_an_error_naming_the_row(catalog):
    cells = {("MIO_EUR", "DE117", "2021"): (7649.73, "e"), ("MIO_EUR", "DE11E", "2021"): (None, ":")}
    with pytest.raises(FormatError) as err:
        parse(gdp_cube(cells, catalog), catalog)
    assert "DE11E" in str(err.value) and err.value.row == 1 and "regions.yaml" in str(err.value)


def test_codes_the_catalog_does_not_ask_for_are_left_out_and_counted(catalog):
    cells = {("MIO_EUR", "DE117", "2021"): (7649.73, "e"), ("MIO_PPS_EU27_2020", "DE117", "2021"): (None, ":")}
    result = parse(gdp_cube(cells, catalog), catalog)
    assert list(facts(result)) == [(GDP_IND, "08121", "2021")]
    assert result.dropped == {"not_in_catalog": 1}


def test_a_dimension_the_catalog_does_not_filter_is_a_duplicate_error(catalog):
    na_item = Dimension("na_item", "National accounts indicator (ESA 2010)", {"B1GQ": "GDP", "B1G": "GVA"})
    with pytest.raises(FormatError) as err:
        parse(gdp_cube({("MIO_EUR", "DE117", "2021"): (None, ":")}, catalog, extra=na_item), catalog)
    assert "duplicate observation" in str(err.value) and GDP_IND in str(err.value) and err.value.row is not None


def test_a_catalog_filter_on_a_dimension_the_dataset_lacks_is_named(catalog):
    dims = [FREQ, Dimension("unit", UNIT_LABEL, {"NR": "Number"}), Dimension("sex", "Sex", {"T": "Total"}),
            Dimension("geo", GEO_LABEL, {"DE117": "Heilbronn"}), Dimension("time", TIME_LABEL, {"2024": "2024"})]
    body = dataset("Population on 1 January by age group, sex and NUTS 3 region", "DEMO_R_PJANGRP3", dims,
                   {("A", "NR", "T", "DE117", "2024"): (None, ":")}, catalog.markers("eurostat"))
    with pytest.raises(FormatError) as err:
        parse(body, catalog, "demo_r_pjangrp3")
    assert "['age']" in str(err.value) and "demo_r_pjangrp3" in str(err.value)


def test_the_answers_of_a_split_request_are_parsed_together_with_distinct_rows(catalog):
    first = gdp_cube({("MIO_EUR", "DE117", "2020"): (7064.92, "e"), ("MIO_EUR", "DE117", "2021"): (7649.73, "e")}, catalog)
    second = gdp_cube({("MIO_EUR", "DE118", "2020"): (19814.41, "e"), ("MIO_EUR", "DE118", "2021"): (21335.48, "e")}, catalog)
    result = parse(b"[" + first + b"," + second + b"]", catalog)
    assert {(k[1], k[2]): v[0] for k, v in facts(result).items()} == {
        ("08121", "2020"): 7064.92, ("08121", "2021"): 7649.73, ("08125", "2020"): 19814.41, ("08125", "2021"): 21335.48}
    assert sorted(result.observations.column("source_row").to_pylist()) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>Service unavailable</body></html>", "not JSON"),
        (b'{"version":"2.0","class":"collection"}', "not a JSON-stat dataset"),
        (b'{"version":"2.0","class":"dataset","id":["geo","time"],"size":[2,1],"value":{},'
         b'"dimension":{"geo":{"category":{"index":{"DE117":0}}},"time":{"category":{"index":{"2021":0}}}}}', "does not match its size"),
        (b'{"version":"2.0","class":"dataset","id":["geo","time"],"size":[1,1],"value":{"3":1.0},'
         b'"dimension":{"geo":{"category":{"index":{"DE117":0}}},"time":{"category":{"index":{"2021":0}}}}}', "outside the cube"),
    ],
)
def test_a_body_that_is_not_a_consistent_dataset_is_rejected(catalog, body, message):
    with pytest.raises(FormatError) as err:
        parse(body, catalog)
    assert message in str(err.value) and "eurostat" in str(err.value)


def test_a_period_in_the_wrong_format_is_an_error(catalog):
    with pytest.raises(FormatError) as err:
        parse(gdp_cube({("MIO_EUR", "DE117", "2021-Q1"): (None, ":")}, catalog), catalog)
    assert "2021-Q1" in str(err.value) and "A format" in str(err.value)


def test_a_null_value_without_a_flag_is_no_observation(catalog):
    doc = json.loads(gdp_cube({("MIO_EUR", "DE117", "2020"): (7064.92, "e"), ("MIO_EUR", "DE117", "2021"): (7649.73, "e")}, catalog))
    doc["value"]["1"], doc["status"] = None, {"0": "e"}
    result = parse(json.dumps(doc).encode(), catalog)
    assert facts(result) == {(GDP_IND, "08121", "2020"): (7064.92, "estimated")}
