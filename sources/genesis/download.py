"""A table downloaded from the website by hand (the zip as served, or the flat CSV in it) as a raw payload, so that
it takes exactly the path of a fetched answer: the same parser (flatfile.py), validation and load.

Which table it is comes from the zip member's name (`13211-02-05-4_<stamp>_de_flat.csv`) or from the table the user
names; that the file really is that table is decided from its value variables and regional variables, not from the
statistic's code alone (13211 is shared by several tables, e.g. 13211-01-03-5 for Gemeinden). The request it
stands for names the Kreise it must hold: every Kreis of the scope in each state the file touches, or the regions
the user names.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from catalog import Catalog, Source, SourceTable
from sources.blob import Blob, OnDisk
from sources.contract import Download, RawPayload, TableRequest
from sources.errors import FormatError
from sources.genesis.client import zip_member
from sources.genesis.flatfile import REGIONAL_VARIABLES, read_flat

ORIGIN = "manual download"
_TABLE_NAME = re.compile(r"^(\d{5}-[0-9A-Z]{2}-\d{2}-\d(?:-B)?)_")
# The regional variable a table publishes each catalog level under.
_LEVEL_VARIABLE = {"country": "DINSG", "state": "DLAND", "regbez": "REGBEZ", "kreis": "KREISE"}


def _flat_csv(file: OnDisk, source: str) -> tuple[str, Blob]:
    """The name and bytes of the flat CSV: the zip's one .csv member (unzipped into memory), or the file itself."""
    if file.head(2) != b"PK":
        return file.path.name, file
    try:
        return zip_member(file.read(), source, None)
    except FormatError as exc:
        raise FormatError(source, None, f"{file.path.name}: {exc.detail}") from exc


def _table(name: str, asked: str | None, source: Source, catalog: Catalog) -> SourceTable:
    match = _TABLE_NAME.match(name)
    named = match.group(1) if match else None
    own = {t.id for t in catalog.tables_for(source.id)}
    if named and asked and named != asked:
        raise FormatError(source.id, asked, f"{name} is a download of table {named}, not of {asked}")
    table_id = asked or named
    if table_id is None:
        raise FormatError(source.id, None, f"{name}: the name does not say the table; name it with --tables")
    if table_id not in own:
        raise FormatError(source.id, table_id, f"{name}: table {table_id} is not declared in catalog/indicators.yaml for {source.id}")
    return catalog.tables[table_id]


def _check_is_table(flat: pa.Table, table: SourceTable, catalog: Catalog, name: str) -> None:
    """The file's value variables and regional variables are the table's, else it is another table than asked."""
    src, tid = table.source, table.id
    codes = set(pc.unique(flat.column("statistics_code")).to_pylist())
    if codes - {tid[:5]}:
        raise FormatError(src, tid, f"{name} holds statistic {sorted(codes)}, not {tid[:5]}: another table than {tid}")
    contents = set(pc.unique(flat.column("value_variable_code")).to_pylist())
    known = {i.content for i in catalog.indicators_for(tid) if i.content}
    if known and not contents & known:
        raise FormatError(src, tid, f"{name} holds the value variables {sorted(contents)}, none of table {tid} "
                                    f"({sorted(known)}): another table than {tid}")
    variables = {v for c in flat.column_names if c.endswith("_variable_code") and c[0].isdigit()
                 for v in pc.unique(flat.column(c)).to_pylist() if v in REGIONAL_VARIABLES}
    allowed = {_LEVEL_VARIABLE[level] for level in (table.levels or _LEVEL_VARIABLE)}
    if variables - allowed:
        raise FormatError(src, tid, f"{name} has rows of the regional variables {sorted(variables - allowed)}; table {tid} "
                                    f"is published for {sorted(allowed)}: another table than {tid} (another regional depth)")


def _states(flat: pa.Table) -> set[str]:
    """The states the file's regions lie in (the first two digits of every AGS)."""
    codes = set()
    for c in flat.column_names:
        if c.endswith("_variable_attribute_code") and c[0].isdigit():
            codes |= {v[:2] for v in pc.unique(flat.column(c)).to_pylist() if v and v[:2].isdigit()}
    return codes


def read_download(path: Path, source: Source, catalog: Catalog, table_id: str | None = None,
                  kreise: tuple[str, ...] = ()) -> Download:
    """The downloaded file at `path` as a payload of `source`, and the request it stands for.

    `kreise`: the Kreise the file must hold (the user's regions); none: every Kreis of the scope in each state the
    file has rows of. Anything but a GENESIS flat file of a catalog table is a FormatError naming the file."""
    body = OnDisk(path)  # the file as downloaded, read where it lies (the store reads it as a stream)
    member, data = _flat_csv(body, source.id)
    table = _table(member if member != path.name else path.name, table_id, source, catalog)
    flat = read_flat(data, source.id, table.id)
    _check_is_table(flat, table, catalog, member)
    if kreise:
        key = ",".join(kreise)
    else:
        states = sorted(set(catalog.region_scope()) & _states(flat))
        if not states:
            raise FormatError(source.id, table.id, f"{member} holds no region of the scope {list(catalog.region_scope())}: "
                                                   "name the regions to load with --regions")
        key = ",".join(f"{s}*" for s in states)
    request = {"origin": ORIGIN, "regionalkey": key}
    payload = RawPayload(
        source_id=source.id, table_id=table.id, url=f"file:{member}", request=request, body=body, data=data,
        content_type="text/csv" if data == body else "application/zip", fetched_at=datetime.now(UTC),
    )
    year = datetime.now(UTC).year
    return Download(payload, TableRequest(source.id, table.id, table.start_year, year, (("regionalkey", key),)))
