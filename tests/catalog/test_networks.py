"""A network defines its own region in one YAML file of the networks folder, without touching code: it becomes a
region of the catalog (an aggregate of its Kreise), and the Prefect forms offer it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from catalog import NETWORKS_ENV, CatalogError, load_catalog
from tests.conftest import REPO, subprocess_env

# The Kreise of the Regierungsbezirk Kassel (Hessen), the example of a network in another state.
NORDHESSEN = """\
code: fachkraefte-nordhessen
name_de: Fachkräftenetzwerk Nordhessen
kreise: ["06611", "06631", "06632", "06633", "06634", "06635", "06636"]
compare_with: [heilbronn-franken, "066"]
"""


def network(tmp_path: Path, text: str = NORDHESSEN, name: str = "nordhessen.yaml") -> Path:
    folder = tmp_path / "networks"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_network_file_is_a_region_of_its_kreise_compared_with_its_state_and_the_regions_it_names(tmp_path):
    catalog = load_catalog(networks=network(tmp_path))
    region = catalog.regions["fachkraefte-nordhessen"]
    assert region.level == "partner" and region.name_en == "Fachkräftenetzwerk Nordhessen"  # name_en defaults to name_de
    assert catalog.members("fachkraefte-nordhessen") == ("06611", "06631", "06632", "06633", "06634", "06635", "06636")
    assert catalog.state_of("fachkraefte-nordhessen") == "06"  # the one state of its Kreise
    assert region.compare_with == ("heilbronn-franken", "066")


def test_a_network_across_states_names_the_state_it_is_compared_with(tmp_path):
    text = NORDHESSEN.replace('"06636"]', '"06636", "16063"]') + 'state: "06"\n'
    assert load_catalog(networks=network(tmp_path, text)).state_of("fachkraefte-nordhessen") == "06"
    without = NORDHESSEN.replace('"06636"]', '"06636", "16063"]')
    assert load_catalog(networks=network(tmp_path, without)).state_of("fachkraefte-nordhessen") is None


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("kreise:", "kreis:"), "unknown top-level keys ['kreis']"),
        (('"06611"', '"16056"'), "members ['16056'] are not Kreise of the catalog"),  # Eisenach: a former Kreis
        (('"06611"', '"0661"'), "kreise.0: String should match pattern"),
        (("code: fachkraefte-nordhessen", "code: heilbronn-franken"), "networks: duplicate code 'heilbronn-franken'"),
        (('"066"]', '"067"]'), "compare_with ['067'] are not other regions"),
    ],
)
def test_a_broken_network_file_is_an_error_naming_the_file_and_the_key(tmp_path, edit, message):
    with pytest.raises(CatalogError) as err:
        load_catalog(networks=network(tmp_path, NORDHESSEN.replace(*edit)))
    assert message in str(err.value) and ("nordhessen.yaml" in str(err.value) or "duplicate" in str(err.value))


def test_the_prefect_forms_offer_a_networks_region(tmp_path):
    """The flows' `regions` parameter lists the catalog's regions: a new network file is a choice of the form."""
    script = ("import json; from prefect.utilities.callables import parameter_schema; from pipelines.flows import ingest_source, report; "
              "print(json.dumps([parameter_schema(f.fn).model_dump() for f in (ingest_source, report)]))")
    env = subprocess_env() | {NETWORKS_ENV: str(network(tmp_path))}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, env=env, timeout=300, check=True)
    for schema in json.loads(out.stdout.strip().splitlines()[-1]):
        assert "fachkraefte-nordhessen" in json.dumps(schema["definitions"] | schema["properties"]["regions"])
