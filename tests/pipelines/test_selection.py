"""The `regions` parameter as the provider gets it: one GENESIS regional selection per level, one BA list."""

from __future__ import annotations

import pytest

from pipelines.selection import regional_selections

KREISE_HF = (("regionalvariable", "KREISE"), ("regionalkey", "08121,08125,08126,08127,08128"))


def test_a_partner_region_stands_for_its_kreise(catalog):
    assert regional_selections(catalog, "regionalstatistik", ["heilbronn-franken"]) == [KREISE_HF]


def test_codes_of_several_levels_give_one_selection_per_level_kreise_first(catalog):
    selections = regional_selections(catalog, "regionalstatistik", ["DG", "08", "081", "08128", "aa-heilbronn", "08126"])
    assert selections == [
        (("regionalvariable", "KREISE"), ("regionalkey", "08121,08125,08126,08128")),
        (("regionalvariable", "REGBEZ"), ("regionalkey", "081")),
        (("regionalvariable", "DLAND"), ("regionalkey", "08")),
        (("regionalvariable", "DINSG"),),
    ]


def test_overlapping_regions_ask_for_each_kreis_once(catalog):
    assert regional_selections(catalog, "regionalstatistik", ["08125", "heilbronn-franken", "aa-heilbronn"]) == [KREISE_HF]


def test_an_unknown_region_is_named(catalog):
    with pytest.raises(ValueError, match=r"unknown regions \['08999'\]"):
        regional_selections(catalog, "regionalstatistik", ["08125", "08999"])


def test_the_ba_api_gets_the_regions_its_table_can_address_in_one_selection(catalog):
    asked = ["heilbronn-franken", "08", "081"]
    vacancies = regional_selections(catalog, "ba-statistik", asked, catalog.tables["EckwerteTabelleSTEA"])
    assert vacancies == [(("regions", "08,08121,08125,08126,08127,08128"),)]  # no Regierungsbezirk parameter
    unemployed = regional_selections(catalog, "ba-statistik", asked, catalog.tables["EckwerteTabelleALOKr"])
    assert unemployed == [(("regions", "08121,08125,08126,08127,08128"),)]  # Kreise only
    assert regional_selections(catalog, "ba-statistik", ["081"], catalog.tables["EckwerteTabelleALOKr"]) == []
