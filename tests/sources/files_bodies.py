"""Real partner files for tests: the cited IHK-Fachkräftemonitor figures of the sample (sample/figures.csv),
written as the kind's CSV or XLSX by the sample's own builder. Where a test needs a bad or marked value, it
edits one real row (`edit`) and says so."""

from __future__ import annotations

from sample.make_partner_files import COLUMNS, FILE_STEM, KIND, SOURCE, csv_bytes, file_rows, partner_figures, xlsx_bytes

__all__ = ["COLUMNS", "KIND", "SOURCE", "CSV_NAME", "XLSX_NAME", "csv_bytes", "xlsx_bytes", "rows", "release_2021_rows", "edit", "line"]

CSV_NAME = f"{FILE_STEM}.csv"
XLSX_NAME = f"{FILE_STEM}.xlsx"


def rows() -> list[dict[str, str]]:
    """The file as the sample has it: every current published figure."""
    return file_rows(partner_figures())


def release_2021_rows() -> list[dict[str, str]]:
    """The file as it stood after the July 2021 release: without the June 2022 figures, with the 2035
    forecasts of July 2021 (78,000 in all, 71,000 vocational) that the June 2022 release raised."""
    return [r for r in rows() if r["Stand"] < "2022"]


def _matches(row: dict[str, str], jahr: str, merkmal: str, qualifikation: str, stand: str | None) -> bool:
    return (row["Jahr"], row["Merkmal"], row["Qualifikation"]) == (jahr, merkmal, qualifikation) and stand in (None, row["Stand"])


def edit(rows_: list[dict[str, str]], jahr: str, merkmal: str = "Engpass", qualifikation: str = "Insgesamt",
         stand: str | None = None, **cells: str) -> list[dict[str, str]]:
    """The rows with one real row's cells replaced (to make a bad or marked file from real figures); `stand` picks
    the release where a year has figures of two (2035)."""
    assert sum(_matches(r, jahr, merkmal, qualifikation, stand) for r in rows_) == 1
    return [r | cells if _matches(r, jahr, merkmal, qualifikation, stand) else r for r in rows_]


def line(rows_: list[dict[str, str]], jahr: str, merkmal: str = "Engpass", qualifikation: str = "Insgesamt",
         stand: str | None = None) -> int:
    """File line (CSV) or sheet row (XLSX) of a figure: the header is line 1."""
    return next(i for i, r in enumerate(rows_) if _matches(r, jahr, merkmal, qualifikation, stand)) + 2
