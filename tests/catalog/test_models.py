"""Every YAML file is read into typed models: what they refuse, each with the file, the entry and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalog import CATALOG_DIR, CatalogError, load_catalog
from catalog.partner_files import KINDS_FILE, load_kinds
from expectations.rules import RULES, load_rules
from pipelines.requests_file import read_requests
from pipelines.settings import SAMPLE_DIR

REQUESTS = SAMPLE_DIR / "recordings" / "requests.yaml"


def edited(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("regions.yaml", "regions:\n", "regoins: []\nregions:\n", "regions.yaml: unknown top-level keys ['regoins']"),
        ("regions_germany.yaml", '{code: "08111", name_de: "Stuttgart, Stadtkreis",', '{code: "0811A", name_de: "Stuttgart, Stadtkreis",',
         "region '0811A': a Kreis code is a 5-digit AGS"),
        ("regions.yaml", "scope:\n  states: all", "scope:\n  states: every", "scope 'every': states.literal['all']: Input should be 'all', got 'every'"),
        ("indicators.yaml", "levels: [kreis],\n     region_parameters: {kreis: Kreis},", "levels: kreis,\n     region_parameters: {kreis: Kreis},",
         "table 'EckwerteTabelleALOKr': levels: Input should be a valid list, got 'kreis'"),
        ("indicators.yaml", '{id: "12612-01-01-4", source: regionalstatistik, freq: A, start_year: 1995, verified: false,',
         '{id: "12612-01-01-4", source: regionalstatistik, freq: A, start_year: 1995, verified: "no",',
         "table '12612-01-01-4': verified: Input should be a valid boolean, got 'no'"),
        ("indicators.yaml", "    filters: {GES: GESW}\n", "    filters: GESW\n", "indicator 'population_female': filters: Input should be a valid dictionary"),
        ("sources.yaml", "credentials_env: {username: REGIO_USERNAME, password: REGIO_PASSWORD}",
         "credentials_env: {user: REGIO_USERNAME, password: REGIO_PASSWORD}", "source 'regionalstatistik': credentials_env.user"),
        ("sources.yaml", "base_url: https://www.regionalstatistik.de/", "base_url: www.regionalstatistik.de/", "source 'regionalstatistik': base_url"),
        ("statuses.yaml", "- {status: incomplete, suppressed: true,", "- {status: incomplete, marker: '-', suppressed: true,",
         "computed status 'incomplete': marker"),
        # a rate written '%' would read as a count and change in % instead of points
        ("indicators.yaml", "Für Regionen aus Arbeitslosen und zivilen Erwerbspersonen neu berechnet, nie gemittelt.\",\n     unit: percent,",
         "Für Regionen aus Arbeitslosen und zivilen Erwerbspersonen neu berechnet, nie gemittelt.\",\n     unit: \"%\",",
         "indicator 'unemployment_rate': unit: write the unit '%' in words: 'percent'"),
    ],
)
def test_the_catalog_refuses_what_it_used_to_let_through(tmp_path, file, old, new, message):
    for f in CATALOG_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    edited(tmp_path, CATALOG_DIR / file, old, new)
    with pytest.raises(CatalogError) as err:
        load_catalog(tmp_path)
    assert str(err.value).startswith(file) and message in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('csv: {delimiter: ";", encoding: utf-8-sig}', 'csv: {delimter: ",", encoding: utf-8-sig}', "unknown keys ['csv.delimter']"),
        ('numbers: {decimal: ",", thousands: "."}', 'numbers: {decimals: ".", thousands: ","}', "unknown keys ['numbers.decimals']"),
        ("      IHK-Bezirk Heilbronn-Franken: heilbronn-franken\n", "      IHK-Bezirk Heilbronn-Franken: ~\n",
         "regions.IHK-Bezirk Heilbronn-Franken: Input should be a valid string"),
        ('    file: "ihk-fachkraeftemonitor*"\n', '    url: heilbronn.ihk.de/export.csv\n', "url: String should match pattern"),
    ],
)
def test_a_file_kind_refuses_what_it_used_to_let_through(tmp_path, catalog, old, new, message):
    with pytest.raises(CatalogError) as err:
        load_kinds(catalog, edited(tmp_path, KINDS_FILE, old, new))
    assert "partner_files.yaml: kind 'ihk-fachkraeftemonitor'" in str(err.value) and message in str(err.value)


def test_the_rules_as_declared_are_read(catalog):
    rules = load_rules(catalog)["12411-01-01-4"]
    assert rules.parts_sum_to_total[0].parts == ("population_male", "population_female")
    assert (rules.year_on_year[0].indicator, rules.year_on_year[0].max_change_pct, rules.year_on_year[0].severity) == ("population", 5, "warning")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    parts_sum_to_total:\n", "    parts_sum_to_totals:\n", "table '12411-01-01-4': unknown keys ['parts_sum_to_totals']"),
        ("tolerance: 1, severity: critical}", "tolerance: 1, severity: critcal}",
         "table '12411-01-01-4': parts_sum_to_total.0.severity: Input should be 'critical' or 'warning'"),
        ("tolerance: 1, severity: critical}", "severity: critical}", "missing keys ['parts_sum_to_total.0.tolerance']"),
        ("{indicator: population, max_change_pct: 5,", "{indicator: populaton, max_change_pct: 5,",
         "table '12411-01-01-4': year_on_year 1: indicator 'populaton' is not in the catalog"),
        ('  "13111-01-03-4":\n', '  "13111-01-03-9":\n', "table '13111-01-03-9': table '13111-01-03-9' is not in the catalog"),
    ],
)
def test_a_rule_the_catalog_cannot_apply_is_refused(tmp_path, catalog, old, new, message):
    with pytest.raises(CatalogError) as err:
        load_rules(catalog, edited(tmp_path, RULES, old, new))
    assert str(err.value).startswith("rules.yaml") and message in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  regionalkey: 081\n", "  regionkey: 081\n", "unknown keys ['regionkey']"),
        ("  regionalkey: 08\n", "  regionalkey: 010\n", "regionalkey: Input should be a valid string, got 8"),
        ("- table: 13111-01-03-4\n  years:\n  - 2023\n  - 2023\n  regionalvariable: DINSG",
         "- table: 13111-01-03-4\n  years:\n  - 2024\n  - 2023\n  regionalvariable: DINSG", "the first year is after the last"),
        ("eurostat:\n- table: nama_10r_3gdp", "eurostat:\n- table: 12411-01-01-4",
         "table '12411-01-01-4' is a table of source 'regionalstatistik', not of 'eurostat'"),
        ("ihk-heilbronn-franken:\n", "ihk-heilbron-franken:\n", "unknown top-level keys ['ihk-heilbron-franken']"),
    ],
)
def test_a_recorded_request_the_catalog_does_not_know_is_refused(tmp_path, catalog, old, new, message):
    with pytest.raises(CatalogError) as err:
        read_requests(edited(tmp_path, REQUESTS, old, new), catalog)
    assert str(err.value).startswith("requests.yaml") and message in str(err.value)
