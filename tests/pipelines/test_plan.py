"""Which requests a run sends for its parameters (no Prefect needed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.flows import plan
from pipelines.settings import Settings
from sources.contract import TableRequest

POP = "12411-01-01-4"
KREISE_HF = (("regionalvariable", "KREISE"), ("regionalkey", "08121,08125,08126,08127,08128"))


@pytest.fixture
def replay(tmp_path) -> Settings:
    return Settings.from_env(tmp_path, "replay")


def test_offline_a_partner_region_picks_the_recorded_request_of_its_kreise(catalog, replay):
    assert plan(catalog, replay, ["regionalstatistik"], [POP], (2023, 2023), ["heilbronn-franken"]) == [
        TableRequest("regionalstatistik", POP, 2023, 2023, KREISE_HF)
    ]


def test_offline_a_region_without_recording_is_requested_so_that_replay_names_it(catalog, replay):
    requests = plan(catalog, replay, ["regionalstatistik"], [POP], (2023, 2023), ["heilbronn-franken", "082"])
    assert requests == [
        TableRequest("regionalstatistik", POP, 2023, 2023, KREISE_HF),
        TableRequest("regionalstatistik", POP, 2023, 2023, (("regionalvariable", "REGBEZ"), ("regionalkey", "082"))),
    ]


def test_offline_without_parameters_the_recorded_requests_of_the_sample(catalog, replay):
    requests = plan(catalog, replay, ["regionalstatistik"], None, None)
    assert len(requests) == 29 and {r.table_id for r in requests} == {POP, "13111-01-03-4", "13211-02-05-4", "12411-02-03-4"}
    # the exports of 13211-02-05-4 in the order of their "Stand": an older one loads before its revision
    assert [(r.first_year, r.last_year) for r in requests if r.table_id == "13211-02-05-4"][::3] == [(2001, 2016), (2015, 2020), (2025, 2025), (2023, 2023)]


def test_live_one_request_per_regional_level_over_the_tables_years(catalog, tmp_path):
    live = Settings.from_env(tmp_path, "live")
    requests = plan(catalog, live, ["regionalstatistik"], [POP], None, ["08", "heilbronn-franken"])
    start, now = catalog.tables[POP].start_year, datetime.now(UTC).year
    assert requests == [
        TableRequest("regionalstatistik", POP, start, now, KREISE_HF),
        TableRequest("regionalstatistik", POP, start, now, (("regionalvariable", "DLAND"), ("regionalkey", "08"))),
    ]


def test_a_table_of_another_source_is_an_error_naming_it(catalog, replay):
    with pytest.raises(ValueError, match=r"\['99999-01-01-4'\] are not tables of regionalstatistik"):
        plan(catalog, replay, ["regionalstatistik"], ["99999-01-01-4"], None)
