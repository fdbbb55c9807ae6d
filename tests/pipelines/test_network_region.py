"""A second network, in another state, defines its region in one YAML file alone: after a nightly run on the sample it
stands in every mart that holds regions, summed from its Kreise, ranked, beside its state, Germany and its peers."""

from __future__ import annotations

import duckdb
import pytest

from catalog import NETWORKS_ENV, default_catalog
from pipelines.flows import nightly
from tests.catalog.test_networks import network  # the Nordhessen network's file (Regierungsbezirk Kassel)

pytestmark = pytest.mark.usefixtures("prefect_harness")

NETWORK = "fachkraefte-nordhessen"
KREISE = ("06611", "06631", "06632", "06633", "06634", "06635", "06636")
# Marts of provider figures only (a network publishes none), of tables, not regions, or of an alliance's register of
# goals and measures (a network has goals once its register names it, not by its region file).
NOT_OF_EVERY_REGION = {"observations_latest", "aggregate_checks", "releases", "revisions", "data_status",
                       "goal_progress", "goal_changes", "measure_outputs"}


@pytest.fixture
def with_network(tmp_path, monkeypatch):
    """The catalog of a worker whose networks folder holds the Nordhessen network's file (and nothing in code)."""
    monkeypatch.setenv(NETWORKS_ENV, str(network(tmp_path)))
    default_catalog.cache_clear()
    yield
    default_catalog.cache_clear()


def test_a_second_networks_region_from_its_yaml_alone_appears_in_every_mart_after_a_run(tmp_path, with_network):
    data = tmp_path / "data"
    nightly(data_dir=str(data))
    con = duckdb.connect(str(data / "labour_monitor.duckdb"), read_only=True)
    try:
        marts = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()}
        with_regions = {t for (t,) in con.execute("""SELECT DISTINCT table_name FROM information_schema.columns
                                                    WHERE table_schema = 'marts' AND column_name = 'region_code'""").fetchall()}
        assert marts - with_regions <= NOT_OF_EVERY_REGION
        holding = {t for t in with_regions if con.execute(f"SELECT count(*) FROM marts.{t} WHERE region_code = ?", [NETWORK]).fetchone()[0]}
        assert holding == with_regions - NOT_OF_EVERY_REGION
        assert holding >= {"indicator_values", "region_comparison", "indicator_changes", "peer_comparison", "region_profile",
                           "region_states", "comparison_series", "member_ranking", "headline_figures"}

        def value(region: str) -> float:
            return con.execute("""SELECT value FROM marts.indicator_values WHERE region_code = ? AND indicator_id = 'population'
                                  AND period = '2024-12-31'""", [region]).fetchone()[0]

        assert value(NETWORK) == sum(value(k) for k in KREISE)  # summed from its Kreise (real nationwide figures)
        assert con.execute("SELECT state_code FROM marts.region_states WHERE region_code = ?", [NETWORK]).fetchone() == ("06",)
        references = {r for (r,) in con.execute("""SELECT DISTINCT reference_code FROM marts.region_comparison
                                                   WHERE region_code = ? AND indicator_id = 'population'""", [NETWORK]).fetchall()}
        assert references == {"06", "DG"}
        peers = con.execute("""SELECT peer_code, peer_value FROM marts.peer_comparison WHERE region_code = ?
                               AND indicator_id = 'population' AND period = '2024-12-31' ORDER BY 1""", [NETWORK]).fetchall()
        assert peers == [("066", value("066")), ("heilbronn-franken", value("heilbronn-franken"))]
        members = con.execute("SELECT DISTINCT member_code FROM marts.member_ranking WHERE region_code = ? ORDER BY 1", [NETWORK]).fetchall()
        assert tuple(m for (m,) in members) == KREISE
    finally:
        con.close()
