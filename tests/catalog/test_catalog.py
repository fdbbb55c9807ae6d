"""The catalog: every region of Germany from the official lists, territorial changes, the scope, and checks on load
with errors that say where."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from catalog import CATALOG_DIR, SCOPE_ENV, CatalogError, load_catalog
from tests.conftest import REFERENCE


def test_every_kreis_of_germany_on_todays_territory_with_ags_nuts_2024_and_its_state(catalog):
    kreise = catalog.kreise()
    assert len(kreise) == 400 and len({k.nuts for k in kreise}) == 400
    with (REFERENCE / "eurostat" / "jrc_nuts3_conversion_matrix_v2021_v2024.csv").open(encoding="utf-8") as fh:
        nuts_2024 = {row["code_v2024"] for row in csv.DictReader(fh)}
    assert all(k.nuts in nuts_2024 for k in kreise)
    assert catalog.regions["16063"].nuts == "DEG0R"  # Wartburgkreis with Eisenach: NUTS 2024 (2021: DEG0P)
    assert len([r for r in catalog.regions.values() if r.level == "state"]) == 16
    assert sorted(r.code for r in catalog.regions.values() if r.level == "regbez") == [
        "051", "053", "055", "057", "059", "064", "065", "066", "081", "082", "083", "084", "091", "092", "093", "094", "095",
        "096", "097"]  # only where Regierungsbezirke exist today (no "früher", no statistical regions)
    bw = [k for k in kreise if k.code.startswith("08")]
    assert len(bw) == 44 and {k.parent for k in bw} == {"081", "082", "083", "084"}
    assert catalog.regions["08121"].nuts == "DE117" and catalog.regions["08121"].name_de == "Heilbronn, Stadtkreis"
    assert catalog.state_of("08121") == "08" and catalog.state_of("06531") == "06" and catalog.regions["12063"].parent == "12"


def test_the_catalog_holds_exactly_the_kreise_the_nationwide_answer_gives_figures_and_its_dissolved_codes_as_former_kreise(catalog):
    """The real 12411-01-01-4 answer of 2026-03: every KREISE code with a figure is one of today's Kreise, every 5-digit
    code marked "-" throughout a former Kreis, and every former Kreis has a territorial change."""
    with zipfile.ZipFile(REFERENCE / "genesis" / "regio_12411-01-01-4_tablefile_de_2026-03.zip") as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read(zf.namelist()[0]).decode("utf-8-sig")), delimiter=";"))
    values: dict[str, set[str]] = {}
    for row in rows:
        values.setdefault(row["1_variable_attribute_code"], set()).add(row["value"])
    five = {c for c in values if len(c) == 5}
    assert {k.code for k in catalog.kreise()} == {c for c in five if values[c] != {"-"}}
    former = {r.code for r in catalog.regions.values() if r.level == "former_kreis"}
    assert former == {c for c in five if values[c] == {"-"}} and len(former) == 74
    assert former <= {t.predecessor for t in catalog.territory()}


def test_territorial_changes_name_every_successor_and_say_which_predecessors_were_split(catalog):
    links = catalog.territory()
    assert {(t.predecessor, t.since.isoformat(), t.whole) for t in links if t.successor == "03159"} == {
        ("03152", "2016-11-01", True), ("03156", "2016-11-01", True)}
    assert {t.predecessor for t in links if t.successor == "16063"} == {"16063", "16056"}  # keeps its code, absorbs Eisenach
    assert {t.successor for t in links if t.predecessor == "15151" and not t.whole} == {"15001", "15082", "15086", "15091"}
    assert {t.successor for t in links if t.predecessor == "13052" and not t.whole} == {"13071", "13075"}
    assert all(catalog.regions[t.successor].level == "kreis" for t in links)
    # the Kreise of 2010 on the territory of 2010: Demmin and Greifswald, not yet Vorpommern-Greifswald; Eisenach too
    in_2010 = set(catalog.kreise_at(date(2010, 12, 31)))
    assert {"13052", "13001", "16056", "16063", "03152"} <= in_2010 and not {"13075", "03159"} & in_2010
    assert len(catalog.kreise_at(date(2024, 12, 31))) == 400


def test_partner_regions_and_the_agentur_fuer_arbeit_districts(catalog):
    assert catalog.regions["heilbronn-franken"].members == ("08121", "08125", "08126", "08127", "08128")
    assert catalog.regions["aa-heilbronn"].members == ("08121", "08125")
    assert catalog.regions["aa-schwaebisch-hall-tauberbischofsheim"].members == ("08126", "08127", "08128", "08225")
    districts = [r for r in catalog.regions.values() if r.level == "aa_district"]
    covered = [m for r in districts for m in r.members]
    assert len(covered) == len(set(covered))  # every Kreis in one district at most
    assert set(covered) == {k.code for k in catalog.kreise()} - {"11000"}  # Berlin's three Agenturen divide Bezirke
    assert catalog.state_of("heilbronn-franken") == "08"


def test_the_12_regionalverbaende_partition_baden_wuerttemberg(catalog):
    verbaende = [r for r in catalog.regions.values() if r.level == "regionalverband"]
    assert len(verbaende) == 12
    assert sorted(m for r in verbaende for m in r.members) == sorted(k.code for k in catalog.kreise() if k.code.startswith("08"))


def test_the_scope_is_all_of_germany_unless_a_deployment_narrows_it(catalog, tmp_path):
    assert catalog.scope.states == "all" and len(catalog.region_scope()) == 16 and len(catalog.kreise_in_scope()) == 400
    assert catalog.members("DG") == tuple(k.code for k in catalog.kreise())  # Germany is the sum of its Kreise
    narrowed = load_catalog(edited(tmp_path, "regions.yaml", "states: all", 'states: ["08", "06"]'))
    assert narrowed.region_scope() == ("08", "06") and len(narrowed.kreise_in_scope()) == 44 + 26
    assert not narrowed.in_scope("12063") and narrowed.in_scope("06531") and narrowed.in_scope("DG")
    assert narrowed.members("DG") == ()  # Germany is no longer covered whole


def test_a_scope_state_that_is_no_state_of_the_catalog_is_an_error(tmp_path):
    with pytest.raises(CatalogError, match=r"scope: states \['99'\]"):
        load_catalog(edited(tmp_path, "regions.yaml", "states: all", 'states: ["08", "99"]'))


def test_a_deployment_narrows_the_scope_in_its_environment_without_editing_the_catalog(monkeypatch):
    monkeypatch.setenv(SCOPE_ENV, "08, 06")
    assert load_catalog().region_scope() == ("08", "06")
    monkeypatch.setenv(SCOPE_ENV, "all")
    assert len(load_catalog().kreise_in_scope()) == 400
    monkeypatch.setenv(SCOPE_ENV, "08,99")
    with pytest.raises(CatalogError, match=r"environment LABOUR_MONITOR_SCOPE: states \['99'\] are not states"):
        load_catalog()


def edited(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the catalog folder with `old` replaced by `new` in `file`."""
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder, dirs_exist_ok=True)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


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
        ("regions.yaml", 'members: ["08121", "08125", "08126", "08127", "08128"]}', 'members: ["08121", "08999"]}', "heilbronn-franken"),
        ("regions.yaml", 'members: ["08121", "08125", "08126", "08127", "08128"]}', 'members: ["08121", "15151"]}', "not Kreise of the catalog"),
        ("territorial_changes.yaml", '{from: "03156", to: ["03159"], kind: merge}', '{from: "03156", to: ["03159", "03155"], kind: merge}',
         "a split names two or more successors"),
        ("territorial_changes.yaml", '      - {from: "16056", to: ["16063"], kind: merge}    # Eisenach\n', "", "former Kreise ['16056']"),
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
