"""The regional report after a run, and on demand: the flows call `reports/` only after the warehouse is
published, and a report that cannot be built never fails a run whose figures are published.

After a run that changed published figures (or when no report exists yet), the pages of the partner regions
and their Kreise are rendered again and only those whose content changed are rewritten, with their downloads
and PDFs (reports/build.py). `LABOUR_MONITOR_REPORT=off` leaves the report out of runs (the test suite does,
except where a test is about the report).
"""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

from pipelines.settings import Settings

REPORT_ENV = "LABOUR_MONITOR_REPORT"


def report_dir(settings: Settings) -> Path:
    return settings.data_dir / "report"


def report_summary(result) -> dict:  # noqa: ANN001 (reports.build.BuildResult)
    return {"report": str(result.index), "report_pages_written": sorted(result.written),
            "report_pages_unchanged": len(result.unchanged), "report_pdfs": {k: str(v) for k, v in sorted(result.pdfs.items())},
            "report_seconds": round(result.total_seconds, 1), "report_problem": result.pdf_missing}


def build(settings: Settings, regions: list[str] | None = None, only_changed: bool = False) -> dict:
    from reports.build import build_report

    warehouse = settings.data_dir / "labour_monitor.duckdb"
    return report_summary(build_report(warehouse, report_dir(settings), regions or None, only_changed=only_changed))


def review(settings: Settings, alliance: str, year: int, as_of: date | None = None, pdf: bool = True) -> dict:
    """The alliance's yearly goals review (reports/review.py), written into the report's folder."""
    from reports.review import build_review

    result = build_review(settings.data_dir / "labour_monitor.duckdb", report_dir(settings), alliance, year, as_of, pdf=pdf)
    return {"review": str(result.html), "review_xlsx": str(result.xlsx), "review_pdf": str(result.pdf or ""),
            "review_problem": result.pdf_missing}


def after_publish(settings: Settings, summary: dict, logger: logging.Logger | logging.LoggerAdapter) -> dict:
    """The report's part of a run summary: rebuilt if the run changed figures (or there is none yet)."""
    if os.environ.get(REPORT_ENV, "on").lower() in ("off", "0", "false", "no"):
        return {"report": ""}
    index = report_dir(settings) / "index.html"
    if not (summary["rows_new"] or summary["rows_revised"]) and index.exists():
        logger.info("report: no published figure changed; %s stays as it is", index)
        return {"report": str(index), "report_pages_written": []}
    try:
        part = build(settings, only_changed=True)
    except Exception as exc:  # noqa: BLE001 (the figures are published; the report says what went wrong)
        logger.error("report: not rebuilt: %s: %s", type(exc).__name__, exc)
        return {"report": "", "report_problem": f"{type(exc).__name__}: {exc}"}
    logger.info("report: %d page(s) rewritten, %d unchanged, %d PDF(s): %s", len(part["report_pages_written"]),
                part["report_pages_unchanged"], len(part["report_pdfs"]), part["report"])
    return part
