"""Write Eurostat Statistics API answers: JSON-stat 2.0 datasets as the API serves them.

Compact JSON; `value` and `status` are sparse objects keyed by the flat cell index (row-major over
`id`, the last dimension varying fastest); categories carry an `index` object (code -> position) and
labels; `extension` holds the status labels and the positions without data. Used to build the bundled
sample from cited figures (sample/make_recordings.py) and by tests to make small real-shaped bodies.
Production code only reads this format (sources/eurostat.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from catalog import Status


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    categories: dict[str, str]  # code -> label, in the order of the answer


# Labels as the API writes them (lang=EN), from the real answers in shared/reference/eurostat.
FREQ = Dimension("freq", "Time frequency", {"A": "Annual"})
GEO_LABEL = "Geopolitical entity (reporting)"
TIME_LABEL = "Time"
UNIT_LABEL = "Unit of measure"


def flag_label(flag: str, markers: dict[str, Status]) -> str:
    """`extension.status.label` of a status string: "|C" -> "|confidential", "e" -> "estimated"."""
    def label(sign: str) -> str:
        return markers[sign].label_en if sign in markers else sign

    obs, bar, conf = flag.partition("|")
    return ", ".join(label(s) for s in obs) + (bar + label(bar + conf) if conf else "")


def dataset(
    label: str,
    extension_id: str,
    dims: list[Dimension],
    cells: dict[tuple[str, ...], tuple[float | None, str | None]],
    markers: dict[str, Status],
    updated: str | None = None,
) -> bytes:
    """A JSON-stat dataset holding `cells` ({codes in `dims` order: (value or None, flag or None)})."""
    sizes = [len(d.categories) for d in dims]
    positions = [{code: i for i, code in enumerate(d.categories)} for d in dims]
    value: dict[int, float] = {}
    status: dict[int, str] = {}
    used: list[set[int]] = [set() for _ in dims]
    for codes, (v, flag) in cells.items():
        flat = 0
        for k, code in enumerate(codes):
            flat = flat * sizes[k] + positions[k][code]
            used[k].add(positions[k][code])
        if v is not None:
            value[flat] = v
        if flag:
            status[flat] = flag
    doc: dict = {"version": "2.0", "class": "dataset", "label": label, "source": "ESTAT"}
    if updated:
        doc["updated"] = updated
    doc["value"] = {str(k): value[k] for k in sorted(value)}
    if status:
        doc["status"] = {str(k): status[k] for k in sorted(status)}
    doc["id"] = [d.id for d in dims]
    doc["size"] = sizes
    doc["dimension"] = {
        d.id: {"label": d.label, "category": {"index": {c: i for i, c in enumerate(d.categories)}, "label": dict(d.categories)}}
        for d in dims
    }
    extension: dict = {"lang": "EN", "id": extension_id, "agencyId": "ESTAT", "version": "1.0"}
    if status:
        extension["status"] = {"label": {f: flag_label(f, markers) for f in sorted(set(status.values()))}}
    extension["positions-with-no-data"] = {d.id: sorted(set(range(n)) - used[k]) for k, (d, n) in enumerate(zip(dims, sizes, strict=True))}
    doc["extension"] = extension
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error(status: int, ident: int, label: str) -> bytes:
    """The Statistics API's error envelope (shared/reference/eurostat/statistics_api_404_*.json, *_413_*.json)."""
    return json.dumps({"error": [{"status": status, "id": ident, "label": label}]}, separators=(",", ":")).encode("utf-8")
