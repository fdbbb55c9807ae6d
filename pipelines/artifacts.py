"""What a run leaves in the Prefect UI: a table of its batches and a markdown summary.

The contents are built by plain functions from the run summary (pipelines/batch.py `summarise` plus
the run's paths); `publish_*` hands them to Prefect. Keys are per flow, so the UI keeps the history
of each (Artifacts → `nightly-batches`, `ingest-source-summary`, …).
"""

from __future__ import annotations

from pathlib import Path

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact


def batch_rows(summary: dict) -> list[dict]:
    """One row per batch: what it did to the warehouse, its warnings, why it was quarantined or failed, and
    the years and regions it asked for (last: the Kreis lists are long)."""
    return [
        {
            "source": r["source_id"],
            "table": r["table_id"],
            "outcome": r["outcome"],
            "rows_new": r["rows_new"],
            "rows_revised": r["rows_revised"],
            "rows_unchanged": r["rows_unchanged"],
            "warnings": " | ".join(r["warnings"]),
            "quarantined": r["message"] if r["outcome"] == "quarantined" else "",
            "failed": r["message"] if r["outcome"] == "failed" else "",
            "request": (r.get("request") or "").removeprefix(f"{r['source_id']} {r['table_id']} "),
        }
        for r in summary["results"]
    ]


def _state(summary: dict) -> str:
    return "failed" if summary["failed"] or summary["quarantined"] else "completed"


def _section(title: str, lines: list[str]) -> str:
    return f"\n## {title}\n\n" + "\n".join(f"- {line}" for line in lines) + "\n" if lines else ""


def run_markdown(flow_name: str, summary: dict) -> str:
    """The run summary: outcome, counts, the published warehouse and the Data Docs, and what went wrong."""
    batches = ", ".join(f"{outcome} {n}" for outcome, n in sorted(summary["batches"].items())) or "none"
    return (
        f"# {flow_name}: {_state(summary)}\n\n"
        "| | |\n|---|---|\n"
        f"| Run | `{summary['run_id']}` |\n"
        f"| Mode | {summary['mode']} |\n"
        f"| Batches | {batches} |\n"
        f"| Rows (observations; goals, measures and outputs of registers) | {summary['rows_new']} new, {summary['rows_revised']} revised, "
        f"{summary['rows_unchanged']} unchanged |\n"
        f"| Warnings | {len(summary['warnings'])} |\n"
        f"| Quarantined | {len(summary['quarantined'])} |\n"
        f"| Failed | {len(summary['failed'])} |\n"
        f"| Published warehouse | `{summary['warehouse']}` |\n"
        f"| Data Docs (validation results) | `{summary['data_docs']}` |\n"
        + (f"| Regional report | [{summary['report']}]({report_link(summary['report'])}) |\n" if summary.get("report") else "")
        + (f"| Report not rebuilt | {summary['report_problem']} |\n" if summary.get("report_problem") else "")
        + _section("Quarantined (nothing of them loaded; see ops.quarantine)", summary["quarantined"])
        + _section("Failed", summary["failed"])
        + _section("Warnings (loaded)", summary["warnings"])
        + f"\nOpen it read-only: `duckdb.connect('{summary['warehouse']}', read_only=True)`\n"
    )


def crash_markdown(flow_name: str, warehouse: str, error: BaseException) -> str:
    """A run that stopped before publishing: the analysts' file is as it was."""
    return (f"# {flow_name}: stopped before publishing\n\n"
            f"The published warehouse `{warehouse}` is unchanged.\n\n"
            f"Error: `{type(error).__name__}: {error}`\n")


def marts_markdown(summary: dict) -> str:
    tables = "\n".join(f"| `{name}` | {rows} |" for name, rows in summary["tables"].items())
    return (f"# build-marts: completed\n\nMart files run: {', '.join(summary['marts'])}\n\n"
            f"| mart table | rows |\n|---|---|\n{tables}\n\n"
            f"Published warehouse: `{summary['warehouse']}`\n")


def report_link(index: str) -> str:
    """The report's index page as a link (a file: address on the worker's machine)."""
    return Path(index).resolve().as_uri()


def report_markdown(summary: dict) -> str:
    pdfs = "\n".join(f"- {code}: [{path}]({report_link(path)})" for code, path in summary["report_pdfs"].items())
    return (f"# report: completed\n\n[Regionalbericht: {summary['report']}]({report_link(summary['report'])})\n\n"
            f"Pages written: {len(summary['report_pages_written'])}; in {summary['report_seconds']} s\n\n"
            f"## PDFs (meeting packs)\n\n{pdfs or 'none' + (': ' + summary['report_problem'] if summary['report_problem'] else '')}\n")


def review_markdown(summary: dict) -> str:
    files = [("Seite", summary["review"]), ("Excel", summary["review_xlsx"]), ("PDF", summary["review_pdf"])]
    return ("# review: completed\n\n" + "\n".join(f"- {label}: [{path}]({report_link(path)})" for label, path in files if path)
            + (f"\n- no PDF: {summary['review_problem']}" if summary["review_problem"] else "") + "\n")


def publish_review_artifacts(summary: dict) -> None:
    create_link_artifact(report_link(summary["review"]), link_text="Jahresrückblick: Ziele, Maßnahmen und Ergebnisse", key="review-link",
                         description="The alliance's yearly review built from the published warehouse")
    create_markdown_artifact(review_markdown(summary), key="review-summary", description="review: page, Excel and PDF written")


def _publish_report_link(key: str, summary: dict) -> None:
    if summary.get("report"):
        create_link_artifact(report_link(summary["report"]), link_text="Regionalbericht (index.html)", key=key,
                             description="The regional report built from the published warehouse")


def publish_report_artifacts(summary: dict) -> None:
    _publish_report_link("report-link", summary)
    create_markdown_artifact(report_markdown(summary), key="report-summary", description="report: pages and PDFs written")


def publish_run_artifacts(flow_name: str, summary: dict) -> None:
    create_table_artifact(batch_rows(summary), key=f"{flow_name}-batches",
                          description=f"{flow_name}: every batch of the run and what it did to the warehouse")
    create_markdown_artifact(run_markdown(flow_name, summary), key=f"{flow_name}-summary",
                             description=f"{flow_name}: run summary, published warehouse, Data Docs, report")
    _publish_report_link(f"{flow_name}-report", summary)


def publish_crash_artifact(flow_name: str, warehouse: str, error: BaseException) -> None:
    create_markdown_artifact(crash_markdown(flow_name, warehouse, error), key=f"{flow_name}-summary",
                             description=f"{flow_name}: stopped before publishing")


def publish_marts_artifacts(summary: dict) -> None:
    create_table_artifact([{"mart_table": k, "rows": v} for k, v in summary["tables"].items()], key="build-marts-tables",
                          description="build-marts: rows per mart table")
    create_markdown_artifact(marts_markdown(summary), key="build-marts-summary", description="build-marts: run summary")
