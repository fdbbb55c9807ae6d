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
class Layout:
    """What a table's flat file says besides the figures: codes and labels as the API writes them."""

    statistics_code: str
    statistics_label: str
    time_code: str
    time_label: str
    content_code: str
    content_label: str
    unit: str
    variables: tuple[tuple[str, str, dict[str, str]], ...]  # (code, label, {attribute code: label}); "" = total


LAYOUTS = {
    "12411-01-01-4": Layout(
        "12411", "Fortschreibung des Bevölkerungsstandes", "STAG", "Stichtag", "BEVSTD", "Bevölkerungsstand", "Anzahl",
        (("GES", "Geschlecht", {"": "Insgesamt", "GESM": "männlich", "GESW": "weiblich"}),),
    ),
    "13111-01-03-4": Layout(
        "13111", "Statistik der sozialversicherungspflichtig Beschäftigten", "STAG", "Stichtag", "ERW032",
        "Sozialversicherungspfl. Beschäftigte (Arbeitsort)", "Anzahl",
        (
            ("NAT", "Nationalität", {"": "Insgesamt", "NATA": "Ausländer/-innen"}),
            ("GES", "Geschlecht", {"": "Insgesamt", "GESM": "männlich", "GESW": "weiblich"}),
        ),
    ),
}


def regional_variable(code: str) -> str:
    if code == "DG":
        return "DINSG"
    return {2: "DLAND", 3: "REGBEZ"}.get(len(code), "KREISE")


def header(n_variables: int, quality: bool) -> list[str]:
    cols = ["statistics_code", "statistics_label", "time_code", "time_label", "time"]
    for n in range(1, n_variables + 2):
        cols += [f"{n}_variable_code", f"{n}_variable_label", f"{n}_variable_attribute_code", f"{n}_variable_attribute_label"]
    cols += ["value", "value_unit", "value_variable_code", "value_variable_label"]
    return cols + (["value_q"] if quality else [])


def flat_file(layout: Layout, rows: Iterable[tuple[str, str, str, tuple[str, ...], str, str]], quality: bool = True) -> bytes:
    """rows: (time, region code, region label, attribute codes in layout order, value, value_q)."""
    lines = [";".join(header(len(layout.variables), quality))]
    for time, region, label, attrs, value, flag in rows:
        var = regional_variable(region)
        cells = [layout.statistics_code, layout.statistics_label, layout.time_code, layout.time_label, time,
                 var, REGIONAL_LABELS[var], region, label]
        for (code, vlabel, values), attr in zip(layout.variables, attrs, strict=True):
            cells += [code, vlabel, attr, values[attr]]
        cells += [value, layout.unit, layout.content_code, layout.content_label]
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
