"""The report after a run and on demand: the nightly's artifacts link it, a run that changed nothing leaves it
as it is, and the `report` flow rebuilds the pages asked for."""

from __future__ import annotations

import pytest

from pipelines.flows import nightly, report
from tests.pipelines.test_flows import artifacts_of

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_the_nightly_rebuilds_the_report_and_its_artifacts_link_it(tmp_path, monkeypatch):
    monkeypatch.setenv("LABOUR_MONITOR_REPORT", "on")
    summary = nightly(data_dir=str(tmp_path))
    index = tmp_path / "report" / "index.html"
    assert summary["report"] == str(index) and index.exists()
    assert "heilbronn-franken" in summary["report_pages_written"] and (tmp_path / "report" / "regions" / "08125.html").exists()
    artifacts = artifacts_of(summary["run_id"])
    assert index.as_uri() in artifacts["nightly-report"]
    assert f"| Regional report | [{index}]({index.as_uri()}) |" in artifacts["nightly-summary"]

    again = nightly(data_dir=str(tmp_path))  # nothing changed: the pages stay as they are
    assert again["rows_new"] == again["rows_revised"] == 0
    assert again["report"] == str(index) and again["report_pages_written"] == []


def test_the_report_flow_builds_the_regions_asked_for_and_links_them(tmp_path):
    nightly(data_dir=str(tmp_path))  # LABOUR_MONITOR_REPORT=off in the tests: no report yet
    assert not (tmp_path / "report").exists()
    state = report(regions=["08125"], data_dir=str(tmp_path), return_state=True)
    summary = state.result()
    assert summary["report_pages_written"] == ["08125"] and summary["report_pdfs"] == {}
    artifacts = artifacts_of(str(state.state_details.flow_run_id))
    assert (tmp_path / "report" / "index.html").as_uri() in artifacts["report-link"]
    assert "Pages written: 1" in artifacts["report-summary"]


def test_the_review_flow_writes_the_alliance_s_review_and_links_it(tmp_path):
    from pipelines.flows import review

    nightly(data_dir=str(tmp_path))  # loads the sample's example register
    state = review(alliance="heilbronn-franken", year=2025, data_dir=str(tmp_path), return_state=True)
    summary = state.result()
    page = tmp_path / "report" / "review" / "heilbronn-franken-2025.html"
    assert summary["review"] == str(page) and page.exists() and (tmp_path / "report" / "review" / "heilbronn-franken-2025.xlsx").exists()
    artifacts = artifacts_of(str(state.state_details.flow_run_id))
    assert page.as_uri() in artifacts["review-link"] and "Excel" in artifacts["review-summary"]
