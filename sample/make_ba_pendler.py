"""Write the bundled BA Pendler exports from the cited figures in sample/figures.csv.

The Bundesagentur für Arbeit's interactive statistics export "Pendler Kreise" as CSV: UTF-8 with BOM,
`;`, every field double-quoted, LF line endings, thousands written with '.' (47.820), a metadata block
above the header, two columns both labelled `Regionalschlüssel`, and a footer (export date, ©, terms of
use). This module writes that layout (shared/reference/ba/README.md, "The two Pendler CSVs") for kinds
`ba-pendler-einpendler-kreise` and `ba-pendler-auspendler-kreise` from the figures of figures.csv (key
B1): per Heilbronn-Franken Kreis its total row and a few real partner rows. Tests use the same functions
to write variants (another report month, a changed header, no footer).

    python -m sample.make_ba_pendler     # rewrite sample/recordings/ba-statistik-dateien/
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from catalog import default_catalog
from sample.make_recordings import figures, register
from sources.contract import TableRequest

HERE = Path(__file__).parent
SOURCE = "ba-statistik-dateien"
KEY = "Regionalschlüssel"
VALUES = ("Insgesamt", "Männer", "Frauen", "Deutsche", "Ausländer", "Auszubildende")
# The BA's note on the figures, as in the export (its full stops restored: the reference copy lost every '.').
HINWEIS = ("In den Pendlerangaben sind nur regional zuordenbare Fälle enthalten. Regionen, deren Pendlerzahl insgesamt "
           "kleiner 10 ist, werden als „Übrige“ zu der nächsthöheren Ebene zusammengefasst.")
TERMS = ("Die Produkte unterliegen dem Urheberrecht (siehe Impressum: https://statistik.arbeitsagentur.de/DE/Home/Service/"
         "Impressum/impressum_node.html). Daten und Tabellen dürfen uneingeschränkt verwendet werden. Informationen dürfen "
         "(auch auszugsweise) gespeichert und mit Quellenangabe weitergegeben, vervielfältigt und verbreitet werden. Die "
         "Inhalte dürfen nicht verändert oder verfälscht werden. Eigene Berechnungen sind erlaubt, jedoch als solche "
         "kenntlich zu machen. Im Fall einer Veröffentlichung im Internet soll dies mit einer Verlinkung auf die Homepage "
         "der Statistik der Bundesagentur für Arbeit (https://statistik.arbeitsagentur.de/) erfolgen.")


@dataclass(frozen=True)
class Export:
    """One direction of the export: its topic, which place is the Kreis's own, and when it was exported."""

    kind: str
    thema: str
    own: str  # the column of the Kreis the row belongs to (its key is the first Regionalschlüssel)
    partner: str  # the column of the other end of the flow (its key is Regionalschlüssel#2)
    exported: tuple[str, str]  # footer: export date and time of the export the figures come from
    stem: str  # file name in the drop folder (the kind's glob matches it)


EXPORTS = {
    e.kind: e
    for e in (
        Export("ba-pendler-einpendler-kreise", "Einpendler Kreise", "Arbeitsort", "Wohnort", ("15.07.2024", "23:6:42"),
               "ba-pendler-einpendler-kreise_2023-06_heilbronn-franken"),
        Export("ba-pendler-auspendler-kreise", "Auspendler Kreise", "Wohnort", "Arbeitsort", ("15.07.2024", "23:9:1"),
               "ba-pendler-auspendler-kreise_2023-06_heilbronn-franken"),
    )
}


def pendler_figures(kind: str) -> list[dict[str, str]]:
    """The cited figures of one kind, in the order of the export (figures.csv keeps it)."""
    return [r for r in figures() if r["table"] == kind]


def file_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Figures (one per cell) as rows of the export: own Kreis, its key, partner, partner key and the six counts."""
    out: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in rows:
        partner, partner_key, column = r["attributes"].split("|")
        row = out.setdefault((r["region_code"], partner, partner_key), {
            "own": r["region_label"], "own_key": r["region_code"], "partner": partner, "partner_key": partner_key})
        row[column] = r["value"]
    return list(out.values())


def header(export: Export) -> list[str]:
    return [export.own, KEY, export.partner, KEY, *VALUES]


def metadata(export: Export, month: str = "Juni 2023") -> list[tuple[str, ...]]:
    """The lines above the header, as the export writes them (empty lines included)."""
    return [("Land", "Baden-Württemberg"), ("Kreis", "Alle"), ("", ""), ("Regionale Ebene", "Kreise"),
            ("Gebietsstand", month), ("Berichtsmonat", month), ("Datenstand", "Januar 2024"), ("Hinweise", HINWEIS),
            ("",), ("",), ("Thema:", export.thema)]


def footer(export: Export) -> list[tuple[str, ...]]:
    return [("",), ("Exportdatum: ", *export.exported), ("© Statistik der Bundesagentur für Arbeit",), (TERMS,)]


def grouped(value: str) -> str:
    """A count as BA writes it: thousands separated by '.' (47820 -> 47.820); anything else as it is (tests write signs)."""
    return f"{int(value):,}".replace(",", ".") if value.isdigit() else value


def csv_bytes(export: Export, rows: list[dict[str, str]], lines_above: list[tuple[str, ...]] | None = None,
              columns: list[str] | None = None, lines_below: list[tuple[str, ...]] | None = None) -> bytes:
    """The export: metadata, header, one line per row, footer (each replaceable, to write a variant)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(metadata(export) if lines_above is None else lines_above)
    writer.writerow(header(export) if columns is None else columns)
    writer.writerows([r["own"], r["own_key"], r["partner"], r["partner_key"], *(grouped(r[c]) for c in VALUES)] for r in rows)
    writer.writerows(footer(export) if lines_below is None else lines_below)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def build(out: Path = HERE / "recordings") -> list[Path]:
    """Write both exports into the source's folder beside the recordings and list their requests."""
    folder = out / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    catalog = default_catalog()
    paths, requests = [], []
    for export in EXPORTS.values():
        for old in folder.glob(f"{export.kind}*"):
            old.unlink()
        rows = pendler_figures(export.kind)
        path = folder / f"{export.stem}.csv"
        path.write_bytes(csv_bytes(export, file_rows(rows)))
        years = sorted({int(r["period"][:4]) for r in rows})
        paths.append(path)
        requests.append(TableRequest(SOURCE, catalog.tables[export.kind].id, years[0], years[-1]))
    register(out, requests)
    return paths


if __name__ == "__main__":
    build()
