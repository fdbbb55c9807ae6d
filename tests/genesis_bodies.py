"""Real-shaped GENESIS bodies for tests, built from the cited figures of the sample (sample/figures.csv)."""

from __future__ import annotations

import json

import httpx

from sample.ffcsv import LAYOUTS, flat_file, zipped
from sample.make_recordings import figures, flat_rows

BASE = "https://www.regionalstatistik.de/genesisws/rest/2020/"
# A `metadata/table` `Updated` stamp of a release other than the recorded one (made up): a test that changes a table's
# recording between two runs changes its stamp too, as the provider does with a new release (else it is not downloaded).
OTHER_RELEASE = "15.04.2026 10:00:00h"


def population_rows(current: bool = True, periods: tuple[str, ...] = ("2022-12-31", "2023-12-31", "2024-12-31")) -> list[tuple]:
    """Population figures of the recorded answers of 2024-2026 (not the 1995-2015 export), of `periods`."""
    rows = [r for r in figures(current=current) if r["table"] == "12411-01-01-4" and r["period"] in periods]
    return flat_rows(rows)


def tablefile_zip(rows: list[tuple], table: str = "12411-01-01-4", quality: bool = True) -> bytes:
    return zipped(f"{table}_1773175772751_de_flat.csv", flat_file(LAYOUTS[table], rows, quality=quality))


def zip_response(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "application/zip"})


def envelope(code: int, content: str, type_: str = "Fehler", method: str = "tablefile", status: int = 200, **extra) -> httpx.Response:
    """A JSON envelope as GENESIS sends for everything but a file (see shared reference responses)."""
    doc = {
        "Ident": {"Service": "data", "Method": method},
        "Status": {"Code": code, "Content": content, "Type": type_},
        "Parameter": {"username": "********************", "password": "********************"},
        "Object": None,
        "Copyright": "© Statistische Ämter des Bundes und der Länder, Deutschland, 2026.",
    } | extra
    return httpx.Response(status, content=json.dumps(doc, ensure_ascii=False).encode(), headers={"content-type": "application/json"})


def flat_error(code: int, content: str, status: int) -> httpx.Response:
    """The flat, non-enveloped auth errors (HTTP 401 code 15, HTTP 404 code 2)."""
    body = json.dumps({"Code": code, "Content": content, "Type": "ERROR"}, ensure_ascii=False, indent=2).encode()
    return httpx.Response(status, content=body, headers={"content-type": "application/json"})


def metadata_response(updated: str = "31.03.2025 11:18:07h") -> httpx.Response:
    return envelope(0, "erfolgreich", "Information", method="table", Object={"Code": "12411-01-01-4", "Updated": updated})
