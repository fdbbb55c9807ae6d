"""The file-kind mapping (catalog/partner_files.yaml): read from YAML, checked against the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import CatalogError
from catalog.partner_files import KINDS_FILE, load_kinds
from sources.files import FileError, parse_file
from tests.sources.files_bodies import CSV_NAME, KIND, csv_bytes, rows


def test_the_mapping_is_read_from_yaml(catalog):
    kind = load_kinds(catalog)[KIND]
    assert kind.source == "ihk-heilbronn-franken" and kind.file == "ihk-fachkraeftemonitor*" and kind.url is None
    assert (kind.region_column, kind.period_column, kind.value_column, kind.unit_column) == ("Region", "Jahr", "Wert", "Einheit")
    assert kind.indicator_columns == ("Merkmal", "Qualifikation") and kind.ignored == ("Quelle",) and kind.release_column == "Stand"
    assert kind.regions == {"IHK-Bezirk Heilbronn-Franken": "heilbronn-franken"}
    # every qualification level of supply, demand and shortage has its own catalog indicator
    for merkmal, measure in (("Angebotspotenzial", "supply"), ("Nachfragepotenzial", "demand"), ("Engpass", "shortage")):
        for level, suffix in (("Insgesamt", ""), ("Akademiker", "_academic"), ("Beruflich Qualifizierte", "_vocational"),
                              ("Ohne Berufsabschluss", "_without_vocational")):
            assert kind.indicators[(merkmal, level)] == f"skilled_labour_{measure}{suffix}"
    assert {m: s.status for m, s in kind.markers.items()} == {".": "secret", "k. A.": "secret", "x": "not_applicable"}
    assert all(s.suppressed for s in kind.markers.values())


def test_shortage_in_percent_of_demand_is_derived_per_level(catalog):
    for suffix in ("", "_academic", "_vocational", "_without_vocational"):
        d = catalog.derived[f"skilled_labour_shortage_pct_of_demand{suffix}"]
        assert (d.formula.kind, d.formula.operands, d.formula.scale) == \
            ("ratio", (f"skilled_labour_shortage{suffix}", f"skilled_labour_demand{suffix}"), 100.0)


def mapping_with(tmp_path: Path, old: str, new: str) -> Path:
    text = KINDS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / KINDS_FILE.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_relabelled_mapping_reads_the_relabelled_file(tmp_path, catalog):
    path = mapping_with(tmp_path, "      Engpass:\n", "      Fachkräfteengpass:\n")
    kind = load_kinds(catalog, path)[KIND]
    relabelled = [r | {"Merkmal": "Fachkräfteengpass"} if r["Merkmal"] == "Engpass" else r for r in rows()]
    result = parse_file(csv_bytes(relabelled), CSV_NAME, catalog.tables[KIND], catalog, "b1", kind=kind)
    assert result.observations.num_rows == 17
    with pytest.raises(FileError, match="unknown indicator 'Engpass / Insgesamt'"):
        parse_file(csv_bytes(rows()), CSV_NAME, catalog.tables[KIND], catalog, "b1", kind=kind)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Insgesamt: skilled_labour_supply\n", "Insgesamt: population\n", "['population'] are not indicators of table"),
        ('"k. A.": secret', '"k. A.": provisional', "marker 'k. A.' must map to a suppressing status"),
        (": heilbronn-franken\n", ": hohenlohe\n", "regions ['hohenlohe'] are not in regions.yaml"),
        ('    file: "ihk-fachkraeftemonitor*"\n', '    file: "ihk-fachkraeftemonitor*"\n    url: https://example.org/x.csv\n', "either `file`"),
        ("      unit: Einheit\n", "      unit: Jahr\n", "a column label is named twice"),
        ('numbers: {decimal: ",", thousands: "."}', 'numbers: {decimal: ",", thousands: ","}', "numbers:"),
        ("- id: ihk-fachkraeftemonitor", "- id: 12411-01-01-4", "not a table of a `files` source"),
        # the BA Pendler kinds (the first BA kind in the file is ba-pendler-einpendler-kreise)
        ('      "*": ~\n', '      "*": commuters_in_ba\n', "`*` under indicators stands for every other value"),
        ('indicator: [Wohnort, "Regionalschlüssel#2"]', 'indicator: [Wohnort, "Regionalschlüssel#3"]',
         "occurrence 3 of the label 'Regionalschlüssel': declare ['Regionalschlüssel#2'] too"),
        ('indicator: [Wohnort, "Regionalschlüssel#2"]', 'indicator: [Wohnort, "Regionalschlüssel#1"]', "with n >= 2"),
        ("{field: Berichtsmonat, month: Juni}", "{field: Berichtsmonat}", "an annual table names the month"),
        ("{field: Berichtsmonat, month: Juni}", "{field: Berichtsmonat, month: June}", "got 'June'"),
        ("      value: Insgesamt\n", "      value: Insgesamt\n      period: Berichtsmonat\n", "exactly one of them"),
        ('footer: [Exportdatum, "©"]', "footer: Exportdatum", "footer: Input should be a valid list, got 'Exportdatum'"),
        ("expect: {Thema: Einpendler Kreise, Regionale Ebene: Kreise}", "expect: [Thema, Einpendler Kreise]",
         "preamble.expect: Input should be a valid dictionary"),
    ],
)
def test_a_broken_mapping_names_the_file_and_kind(tmp_path, catalog, old, new, message):
    with pytest.raises(CatalogError) as err:
        load_kinds(catalog, mapping_with(tmp_path, old, new))
    assert "partner_files.yaml" in str(err.value) and message in str(err.value)


def test_every_file_kind_table_needs_a_mapping(tmp_path, catalog):
    path = tmp_path / KINDS_FILE.name
    path.write_text("kinds: []\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"tables \['ba-pendler-auspendler-kreise', 'ba-pendler-einpendler-kreise', "
                                           r"'bibb-ausbildungsmarkt-agenturbezirke', 'ihk-fachkraeftemonitor'\] of `files` sources have no kind"):
        load_kinds(catalog, path)
