"""A minimal XLSX workbook: one sheet of text and numbers, for the report's downloads.

openpyxl takes 5–13 ms to write even a tiny workbook, which is most of a large report's build time (the
benchmark's 420 pages hold over ten thousand chart tables); this writes the same sheet, readable by Excel,
LibreOffice and openpyxl, in a fraction of a millisecond.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PARTS = {
    "[Content_Types].xml": _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>",
    "_rels/.rels": _HEAD + f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/_rels/workbook.xml.rels": _HEAD + f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>',
}


def _column(i: int) -> str:
    name = ""
    while True:
        i, rest = divmod(i, 26)
        name = chr(65 + rest) + name
        if i == 0:
            return name
        i -= 1


def _cell(ref: str, value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def workbook(rows: Sequence[Sequence[object]], sheet: str = "Daten") -> bytes:
    """The rows (text, numbers, None for an empty cell) as a one-sheet workbook."""
    data = "".join(f'<row r="{n}">' + "".join(_cell(f"{_column(i)}{n}", v) for i, v in enumerate(row)) + "</row>"
                   for n, row in enumerate(rows, 1))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/workbook.xml", _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
                   f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/worksheets/sheet1.xml", _HEAD + f'<worksheet xmlns="{_MAIN}"><sheetData>{data}</sheetData></worksheet>')
    return buf.getvalue()
