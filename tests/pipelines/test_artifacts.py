"""What the Prefect UI shows of a run: the batch table and the summary (built without Prefect)."""

from __future__ import annotations

from pipelines.artifacts import batch_rows, crash_markdown, run_markdown
from pipelines.batch import BatchResult, summarise

POP, SVB = "12411-01-01-4", "13111-01-03-4"


def summary_of(*results: BatchResult) -> dict:
    return summarise(results) | {"run_id": "3f1c", "mode": "replay", "marts": ["010_observations_latest.sql"],
                                  "warehouse": "/srv/lm/data/labour_monitor.duckdb",
                                  "data_docs": "/srv/lm/data/validation/gx/uncommitted/data_docs/local_site/index.html"}


RUN = summary_of(
    BatchResult("regionalstatistik", POP, "loaded", "b1", 132, 1, 0, warnings=["yoy change 08125 above 10 %"],
                request=f"regionalstatistik {POP} 2024-2024"),
    BatchResult("regionalstatistik", SVB, "quarantined", "b2", message=f"source regionalstatistik, table {SVB}, row 2: unit 'Tsd.'"),
    BatchResult("regionalstatistik", SVB, "failed", message="no recorded response for startyear=2010"),
)


def test_the_batch_table_has_one_row_per_batch_with_counts_warnings_and_reasons():
    rows = batch_rows(RUN)
    assert [(r["table"], r["outcome"]) for r in rows] == [(POP, "loaded"), (SVB, "quarantined"), (SVB, "failed")]
    assert rows[0] == {
        "source": "regionalstatistik", "table": POP, "outcome": "loaded", "rows_new": 132, "rows_revised": 1,
        "rows_unchanged": 0, "warnings": "yoy change 08125 above 10 %", "quarantined": "", "failed": "", "request": "2024-2024",
    }
    assert "row 2: unit" in rows[1]["quarantined"] and rows[1]["failed"] == ""
    assert "startyear=2010" in rows[2]["failed"]


def test_the_summary_names_the_outcome_the_published_warehouse_and_the_data_docs():
    text = run_markdown("nightly", RUN)
    assert text.startswith("# nightly: failed")
    assert "`/srv/lm/data/labour_monitor.duckdb`" in text
    assert "`/srv/lm/data/validation/gx/uncommitted/data_docs/local_site/index.html`" in text
    assert "132 new, 1 revised, 0 unchanged" in text
    assert "## Quarantined" in text and "row 2: unit 'Tsd.'" in text and "## Failed" in text and "## Warnings" in text


def test_a_clean_run_is_completed_without_problem_sections():
    text = run_markdown("ingest-source", summary_of(BatchResult("regionalstatistik", POP, "unchanged")))
    assert text.startswith("# ingest-source: completed") and "## " not in text


def test_a_run_stopped_before_publishing_says_the_warehouse_is_unchanged():
    text = crash_markdown("backfill", "/srv/lm/data/labour_monitor.duckdb", OSError("disk full"))
    assert "`/srv/lm/data/labour_monitor.duckdb` is unchanged" in text and "OSError: disk full" in text


def test_the_summary_links_the_regional_report_when_the_run_built_it():
    text = run_markdown("nightly", RUN | {"report": "/srv/lm/data/report/index.html"})
    assert "| Regional report | [/srv/lm/data/report/index.html](file:///srv/lm/data/report/index.html) |" in text
    assert "Regional report" not in run_markdown("nightly", RUN | {"report": ""})
