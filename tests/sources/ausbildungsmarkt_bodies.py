"""Real BIBB Ausbildungsmarkt workbooks for tests: the cited cells of the sample (sample/figures.csv, key A1),
written in BIBB's layout by the sample's own builder (sample/make_ausbildungsmarkt.py). Where a test needs a
bad file, it edits one real cell, the group labels, the sub-columns or the title and says so."""

from __future__ import annotations

from sample.make_ausbildungsmarkt import AGENCIES, GROUPS, KIND, SOURCE, TOTAL, agency_figures, table_rows, xlsx_bytes

__all__ = ["HN", "SHA", "KIND", "SOURCE", "GROUPS", "TOTAL", "TOTALS", "INDICATORS", "TOTAL_ROW", "GROUP_ROW", "PERIOD_ROW",
           "rows", "workbook", "name", "edit"]

HN, SHA = "aa-heilbronn", "aa-schwaebisch-hall-tauberbischofsheim"
GROUP_ROW, PERIOD_ROW = 2, 3  # sheet rows of the group labels and of their sub-columns
TOTAL_ROW = 9  # three Berufshauptgruppen rows from row 5, a blank row, then "alle Berufe"
# Group (as the workbook labels it) -> indicator the kind loads from the row "alle Berufe".
INDICATORS = dict(zip(GROUPS, ("apprenticeship_contracts_new", "apprenticeship_applicants_unplaced",
                               "apprenticeship_applicants_unplaced_with_alternative", "apprenticeship_places_unfilled",
                               "apprenticeship_places_offered", "apprenticeship_demand_old_definition",
                               "apprenticeship_demand_extended"), strict=True))
# "alle Berufe", 2022 and 2023, as published (shared/reference/ba/README.md gives the NAA totals).
TOTALS = {
    HN: {"NAA": (3027, 3063), "UVB ohne Alternative1)": (42, 48), "UVB mit Alternative 1)": (384, 183), "UBA 2)": (252, 285),
         "Angebot 2)": (3279, 3351), "Nachfrage nach alter Definiton 1)": (3069, 3111),
         "Nachfrage nach erweiterter Definition 1)": (3453, 3294)},
    SHA: {"NAA": (3822, 4083), "UVB ohne Alternative1)": (30, 48), "UVB mit Alternative 1)": (252, 273), "UBA 2)": (906, 1080),
          "Angebot 2)": (4728, 5163), "Nachfrage nach alter Definiton 1)": (3855, 4131),
          "Nachfrage nach erweiterter Definition 1)": (4104, 4404)},
}


def rows(agency: str = HN) -> list[dict[str, object]]:
    """The table's rows as the sample has them: three Berufshauptgruppen and "alle Berufe"."""
    return table_rows(agency_figures(agency))


def workbook(agency: str = HN, rows_: list[dict[str, object]] | None = None, **parts) -> bytes:  # noqa: ANN003
    """The agency's workbook (its real rows unless given); `parts` replace groups, title, subcolumns or notes."""
    return xlsx_bytes(AGENCIES[agency], rows(agency) if rows_ is None else rows_, **parts)


def name(agency: str = HN) -> str:
    return f"{AGENCIES[agency].stem}.xlsx"


def edit(rows_: list[dict[str, object]], label: str, /, **cells: object) -> list[dict[str, object]]:
    """The rows with cells of the row `label` replaced, keyed `<group>|<sub-column>` ("NAA|2023"); a key
    `label` relabels the row."""
    out = []
    for r in rows_:
        if r["label"] == label:
            r = {**r, "cells": dict(r["cells"])}  # type: ignore[arg-type]
            for key, value in cells.items():
                if key == "label":
                    r["label"] = value
                else:
                    group, sub = key.split("|")
                    r["cells"][(group, sub)] = value  # type: ignore[index]
        out.append(r)
    return out
