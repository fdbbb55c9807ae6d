"""Real BA Pendler exports for tests: the cited figures of the sample (sample/figures.csv, key B1), written
in the BA's export layout by the sample's own builder (sample/make_ba_pendler.py). Where a test needs a bad
file, it edits one real line, the metadata or the header (`edit`, `fields`) and says so."""

from __future__ import annotations

from sample.make_ba_pendler import EXPORTS, KEY, SOURCE, VALUES, csv_bytes, file_rows, footer, header, metadata, pendler_figures

__all__ = ["EIN", "AUS", "SOURCE", "KEY", "VALUES", "TOTALS", "HEADER_LINE", "export", "rows", "name", "line", "edit",
           "fields", "header", "footer", "metadata"]

EIN, AUS = "ba-pendler-einpendler-kreise", "ba-pendler-auspendler-kreise"
# The Kreis totals of 30.06.2023 (BA export of 15.07.2024; shared/reference/ba/README.md gives the same).
TOTALS = {
    EIN: {"08121": 47820.0, "08125": 62390.0, "08126": 24670.0, "08127": 19610.0, "08128": 17450.0},
    AUS: {"08121": 29200.0, "08125": 69370.0, "08126": 15400.0, "08127": 21780.0, "08128": 18410.0},
}
HEADER_LINE = len(metadata(EXPORTS[EIN])) + 1  # 11 metadata lines (blank ones included), then the header


def rows(kind: str = EIN) -> list[dict[str, str]]:
    """The export's rows as the sample has them: per Kreis its total row and a few partner rows."""
    return file_rows(pendler_figures(kind))


def export(kind: str = EIN, rows_: list[dict[str, str]] | None = None, **parts) -> bytes:  # noqa: ANN003
    """The export of `kind` (its real rows unless given); `parts` replace lines_above, columns or lines_below."""
    return csv_bytes(EXPORTS[kind], rows(kind) if rows_ is None else rows_, **parts)


def name(kind: str = EIN) -> str:
    return f"{EXPORTS[kind].stem}.csv"


def _at(rows_: list[dict[str, str]], kreis: str, partner: str) -> int:
    found = [i for i, r in enumerate(rows_) if (r["own_key"], r["partner_key"]) == (kreis, partner)]
    assert len(found) == 1, (kreis, partner)
    return found[0]


def line(rows_: list[dict[str, str]], kreis: str, partner: str = "0", /) -> int:
    """File line of the row of Kreis key `kreis` and partner key `partner` (its total row by default)."""
    return HEADER_LINE + 1 + _at(rows_, kreis, partner)


def edit(rows_: list[dict[str, str]], kreis: str, partner: str = "0", /, **cells: str) -> list[dict[str, str]]:
    """The rows with one real row's cells replaced (to make a bad file from real figures)."""
    i = _at(rows_, kreis, partner)
    return [r | cells if k == i else r for k, r in enumerate(rows_)]


def fields(kind: str = EIN, **values: str | None) -> list[tuple[str, ...]]:
    """The metadata lines with some fields' values replaced (None: the line left out). Keys are the labels
    without their trailing ':' and with '_' for a space (Regionale_Ebene)."""
    out = []
    for cells in metadata(EXPORTS[kind]):
        label = cells[0].rstrip(":").replace(" ", "_")
        if label in values:
            if values[label] is None:
                continue
            cells = (cells[0], values[label])
        out.append(cells)
    return out
