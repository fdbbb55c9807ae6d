"""Write GENESIS flat files (`format=ffcsv`, REST 2020 layout) and the zip the API serves them in.

Used to build the bundled sample from cited figures (sample/make_recordings.py), by tests to make
small real-shaped bodies, and by the benchmark to generate a large file. Production code only reads
this format (sources/genesis/flatfile.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

REGIONAL_LABELS = {
    "DINSG": "Deutschland insgesamt",
    "DLAND": "Bundesländer",
    "REGBEZ": "Regierungsbezirke",
    "KREISE": "Kreise und kreisfreie Städte",
}


@dataclass(frozen=True)
class Content:
    """One value variable of a table: its code, label and unit, and the classifying variables its rows carry
    (code, label, {attribute code: label}); attribute "" is the total."""

    code: str
    label: str
    unit: str
    variables: tuple[tuple[str, str, dict[str, str]], ...] = ()


@dataclass(frozen=True)
class Layout:
    """What a table's flat file says besides the figures: codes and labels as the API writes them.

    A file has as many classifying blocks as its most classified value variable; a value variable with fewer
    leaves the rest empty (`;;;;`), and so does a total where `empty_total` (13211-02-05-4 writes its totals so;
    12411-01-01-4 writes `GES;Geschlecht;;Insgesamt`)."""

    statistics_code: str
    statistics_label: str
    time_code: str
    time_label: str
    contents: tuple[Content, ...]
    empty_total: bool = False

    def content(self, code: str) -> Content:
        return next(c for c in self.contents if c.code == code)


AGE_GROUPS = {"": "Insgesamt", "ALT000B03": "unter 3 Jahre", "ALT003B06": "3 bis unter 6 Jahre", "ALT006B10": "6 bis unter 10 Jahre",
              "ALT010B15": "10 bis unter 15 Jahre", "ALT015B18": "15 bis unter 18 Jahre", "ALT018B20": "18 bis unter 20 Jahre",
              "ALT020B25": "20 bis unter 25 Jahre", "ALT025B30": "25 bis unter 30 Jahre", "ALT030B35": "30 bis unter 35 Jahre",
              "ALT035B40": "35 bis unter 40 Jahre", "ALT040B45": "40 bis unter 45 Jahre", "ALT045B50": "45 bis unter 50 Jahre",
              "ALT050B55": "50 bis unter 55 Jahre", "ALT055B60": "55 bis unter 60 Jahre", "ALT060B65": "60 bis unter 65 Jahre",
              "ALT065B75": "65 bis unter 75 Jahre", "ALT075UM": "75 Jahre und mehr"}
SEX = ("GES", "Geschlecht", {"": "Insgesamt", "GESM": "männlich", "GESW": "weiblich"})

LAYOUTS = {
    "12411-01-01-4": Layout(
        "12411", "Fortschreibung des Bevölkerungsstandes", "STAG", "Stichtag",
        (Content("BEVSTD", "Bevölkerungsstand", "Anzahl", (SEX,)),),
    ),
    "13111-01-03-4": Layout(
        "13111", "Statistik der sozialversicherungspflichtig Beschäftigten", "STAG", "Stichtag",
        (Content("ERW032", "Sozialversicherungspfl. Beschäftigte (Arbeitsort)", "Anzahl",
                 (("NAT", "Nationalität", {"": "Insgesamt", "NATA": "Ausländer/-innen"}), SEX)),),
    ),
    # Codes, labels and units as in the real ffcsv of 2026-07 (../shared/reference/genesis/real/): ERWP06 by ERWAQ7,
    # ERWP10 by ERWAQ8 in the same block position, ERWP09 as a total only, totals as an empty block.
    "13211-02-05-4": Layout(
        "13211", "Arbeitsmarktstatistik der Bundesagentur für Arbeit", "JAHR", "Jahr",
        (
            Content("ERWP06", "Arbeitslose", "Anzahl", (("ERWAQ7", "Arbeitslose nach ausgewählten Personengruppen", {
                "": "", "ARBEITSLOS05": "langzeitarbeitslos", "ARBEITSLOS06": "schwerbehindert", "ARBEITSLOS08": "ausländisch",
                "ARBEITSLOS12": "15 bis unter 20 Jahre", "ARBEITSLOS13": "15 bis unter 25 Jahre", "ARBEITSLOS14": "55 bis unter 65 Jahre"}),)),
            Content("ERWP09", "Arbeitslosenquote bez. abh. zivile Erwerbspers.", "Prozent"),
            Content("ERWP10", "Arbeitslosenquote bez. auf alle zivile Erwerbsp.", "Prozent", (("ERWAQ8", "Arbeitslosenquote nach Schwerpunkten", {
                "": "", "ARBEITSQUO05": "Männer", "ARBEITSQUO06": "Frauen", "ARBEITSQUO07": "ausländisch",
                "ARBEITSQUO09": "15 bis unter 25 Jahre"}),)),
        ),
        empty_total=True,
    ),
    "82000-01-01-4": Layout(
        "82000", "VGR der Länder", "JAHR", "Jahr",
        (Content("BIP802", "Bruttoinlandsprodukt", "Tsd. EUR"), Content("BIP803", "Bruttoinlandsprodukt je erwerbstätige Person", "EUR"),
         Content("BIP804", "Bruttoinlandsprodukt pro Kopf", "EUR")),
    ),
    # The code list's variables (not yet seen in a flat file of this table): block order ALTX20, then GES.
    "12411-02-03-4": Layout(
        "12411", "Fortschreibung des Bevölkerungsstandes", "STAG", "Stichtag",
        (Content("BEVSTD", "Bevölkerungsstand", "Anzahl", (("ALTX20", "Altersgruppen (unter 3 bis 75 u. m.)", AGE_GROUPS), SEX)),),
    ),
}


def regional_variable(code: str) -> str:
    if code == "DG":
        return "DINSG"
    return {2: "DLAND", 3: "REGBEZ"}.get(len(code), "KREISE")


def header(n_variables: int, quality: bool) -> list[str]:
    """The ffcsv header with the regional block and `n_variables` classifying blocks."""
    cols = ["statistics_code", "statistics_label", "time_code", "time_label", "time"]
    for n in range(1, n_variables + 2):
        cols += [f"{n}_variable_code", f"{n}_variable_label", f"{n}_variable_attribute_code", f"{n}_variable_attribute_label"]
    cols += ["value", "value_unit", "value_variable_code", "value_variable_label"]
    return cols + (["value_q"] if quality else [])


def _cell(text: str) -> str:
    """A field as the API writes it: quoted (quotes doubled) only where it holds the separator."""
    return '"' + text.replace('"', '""') + '"' if ";" in text or '"' in text else text


def flat_file(layout: Layout, rows: Iterable[tuple[str, str, str, tuple[str, ...], str, str]], quality: bool = True) -> bytes:
    """rows: (time, region code, region label, attributes, value, value_q). The attributes are the attribute codes
    of the value variable's classifying variables in layout order; where the layout has several value variables,
    the value variable's code comes first (`("ERWP06", "ARBEITSLOS13")`)."""
    blocks = max(len(c.variables) for c in layout.contents)
    lines = [";".join(header(blocks, quality))]
    for time, region, label, attrs, value, flag in rows:
        content = layout.contents[0] if len(layout.contents) == 1 else layout.content(attrs[0])
        codes = attrs if len(layout.contents) == 1 else attrs[1:]
        var = regional_variable(region)
        cells = [layout.statistics_code, layout.statistics_label, layout.time_code, layout.time_label, time,
                 var, REGIONAL_LABELS[var], region, _cell(label)]
        for (code, vlabel, values), attr in zip(content.variables, codes, strict=True):
            cells += ["", "", "", ""] if layout.empty_total and attr == "" else [code, vlabel, attr, _cell(values[attr])]
        cells += ["", "", "", ""] * (blocks - len(content.variables))
        cells += [value, content.unit, content.code, content.label]
        lines.append(";".join(cells + ([flag] if quality else [])))
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def zipped(member: str, data: bytes) -> bytes:
    """The zip the API serves: one `<name>_<stamp>_de_flat.csv` member (fixed date: reproducible bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(member, date_time=(2026, 3, 10, 21, 49, 32))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, data)
    return buf.getvalue()
