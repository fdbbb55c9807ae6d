"""The catalog: complete for Baden-Württemberg, and checked on load with errors that say where."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalog import CATALOG_DIR, CatalogError, load_catalog


def test_all_44_kreise_of_baden_wuerttemberg_with_nuts3_and_regierungsbezirk(catalog):
    kreise = catalog.kreise_in_scope()
    assert catalog.scope.states == ("08",)  # the default scope: Baden-Württemberg
    assert len(kreise) == 44
    assert all(k.code.startswith("08") and k.nuts.startswith("DE1") and len(k.nuts) == 5 for k in kreise)
    assert len({k.nuts for k in kreise}) == 44
    assert {k.parent for k in kreise} == {"081", "082", "083", "084"}
    assert catalog.regions["08121"].nuts == "DE117" and catalog.regions["08128"].nuts == "DE11B"


def test_partner_regions(catalog):
    assert catalog.regions["heilbronn-franken"].members == ("08121", "08125", "08126", "08127", "08128")
    assert catalog.regions["aa-heilbronn"].members == ("08121", "08125")
    assert catalog.regions["aa-schwaebisch-hall-tauberbischofsheim"].members == ("08126", "08127", "08128", "08225")


def test_the_12_regionalverbaende_partition_the_state(catalog):
    verbaende = [r for r in catalog.regions.values() if r.level == "regionalverband"]
    assert len(verbaende) == 12
    members = [m for r in verbaende for m in r.members]
    assert sorted(members) == sorted(k.code for k in catalog.kreise_in_scope())


def test_the_kreise_of_hessen_and_brandenburg_are_known_outside_the_scope(catalog):
    """The states of the real flat-file excerpts, all their Kreise as in the nationwide 12411-01-01-4 answer of 2026-03."""
    hessen = [k for k in catalog.kreise() if k.parent == "06"]
    brandenburg = [k for k in catalog.kreise() if k.parent == "12"]
    assert (len(hessen), len(brandenburg)) == (26, 18)
    assert catalog.regions["06531"].name_de == "Gießen, Landkreis" and catalog.regions["12063"].name_de == "Havelland, Landkreis"
    assert not catalog.in_scope("06531") and catalog.in_scope("08121") and catalog.in_scope("DG")
    assert catalog.members("06") == tuple(k.code for k in hessen)


def test_a_scope_state_that_is_no_state_of_the_catalog_is_an_error(tmp_path):
    shutil.copytree(CATALOG_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "regions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('states: ["08"]', 'states: ["08", "09"]'), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"scope: states \['09'\]"):
        load_catalog(tmp_path)


def test_every_indicator_has_labels_unit_topic_and_a_declared_table(catalog):
    for ind in catalog.indicators.values():
        assert ind.label_de and ind.label_en and ind.unit and ind.definition
        assert ind.table in catalog.tables


@pytest.mark.parametrize(
    ("indicator", "change_in"),
    [
        ("unemployment_rate", "points"),                         # percent
        ("employees_workplace_per_1000_inhabitants", "points"),  # per 1000 inhabitants
        ("old_age_dependency_ratio", "points"),                  # per 100 persons aged 20-64
        ("gdp_per_inhabitant_eurostat", "points"),               # EUR per inhabitant
        ("population", "percent"),                               # persons
        ("gdp_current_prices", "percent"),                       # thousand EUR
        ("employed_persons", "percent"),                         # thousand persons
    ],
)
def test_rates_shares_and_figures_per_head_change_in_points_counts_in_percent(catalog, indicator, change_in):
    assert catalog.all_indicators()[indicator].change_in == change_in


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("regions.yaml", 'members: ["08121", "08125"]}', 'members: ["08121", "08999"]}', "aa-heilbronn"),
        ("indicators.yaml", "topic: demography\n    table: \"12411-01-01-4\"\n    content: BEVSTD\n    source_unit: Anzahl\n    filters: {GES: \"\"}",
         "topic: weather\n    table: \"12411-01-01-4\"\n    content: BEVSTD\n    source_unit: Anzahl\n    filters: {GES: \"\"}", "'population'"),
        ("indicators.yaml", "  - id: population_female", "  - id: population", "duplicate id 'population'"),
        ("sources.yaml", "    licence: dl-de/by-2-0\n", "", "missing keys ['licence']"),
        ("indicators.yaml", "levels: [country, state, regbez],", "levels: [country, nuts2],", "'lfst_r_lfu3rt'"),
        ("statuses.yaml", '{provider: eurostat, marker: "b",', '{provider: eurostat, marker: "p",', "(eurostat): duplicate marker 'p'"),
        ("indicators.yaml", "  - {unit: jobs, decimals: 0}\n", "", "units ['jobs'] of indicators are not declared"),
        ("indicators.yaml", "{unit: percent, decimals: 1}", "{unit: percent, decimals: one}", "unit 'percent'"),
    ],
)
def test_a_broken_catalog_names_the_file_and_entry(tmp_path: Path, file, old, new, message):
    for f in CATALOG_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    text = (tmp_path / file).read_text(encoding="utf-8")
    assert old in text
    (tmp_path / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(tmp_path)
    assert file in str(err.value) and message in str(err.value)


def test_the_levels_an_indicator_has_figures_at_follow_from_its_table_and_aggregation(catalog):
    """What a goal may name (sources/register/): a count summed from Kreise and a rate recomputed from its count reach every
    region of Kreise; figures published for agency districts or for the IHK district only stay there; a rate without a
    count to recompute it and the commuters across one Kreis's border stay with the levels the provider publishes."""
    aggregates = {"partner", "aa_district", "regionalverband", "regbez", "state"}
    assert aggregates <= catalog.levels_of("unemployed") and aggregates <= catalog.levels_of("unemployment_rate")
    assert catalog.levels_of("apprenticeship_supply_demand_ratio") == {"aa_district"}
    assert catalog.levels_of("skilled_labour_shortage") == {"partner"}
    assert "partner" not in catalog.levels_of("unemployment_rate_men") and "kreis" in catalog.levels_of("unemployment_rate_men")
    assert catalog.levels_of("commuters_in_ba") == {"kreis"} and "partner" in catalog.levels_of("commuter_balance_ba")
    assert (catalog.freq_of("unemployed_ba"), catalog.freq_of("apprenticeship_supply_demand_ratio")) == ("M", "A")


def test_a_register_names_a_table_of_a_register_source_and_a_region_as_its_alliance(tmp_path, catalog):
    from catalog.registers import REGISTERS_FILE, load_registers

    text = REGISTERS_FILE.read_text(encoding="utf-8")
    (tmp_path / "r.yaml").write_text(text.replace("alliance: heilbronn-franken", "alliance: hohenlohe"), encoding="utf-8")
    with pytest.raises(CatalogError, match="register 'ziele-massnahmen-heilbronn-franken': alliance 'hohenlohe' is not a region"):
        load_registers(catalog, tmp_path / "r.yaml")
    (tmp_path / "r.yaml").write_text(text.replace("id: ziele-massnahmen-heilbronn-franken", "id: ihk-fachkraeftemonitor"), encoding="utf-8")
    with pytest.raises(CatalogError, match="not a table of a `register` source"):
        load_registers(catalog, tmp_path / "r.yaml")
