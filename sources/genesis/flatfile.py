"""Parsing the GENESIS flat file (ffcsv, REST 2020) into observations of the catalog's indicators.

Region codes are found by the regional variable of each row (DINSG, DLAND, REGBEZ, KREISE mix in one
file); every row is matched to an indicator by its content code, unit and classifying attributes. See
README.md, "GENESIS", for the quirks.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from catalog import Catalog, SourceTable
from sources.contract import OBSERVATION_SCHEMA, ParseResult
from sources.errors import FormatError, SourceError
from sources.observations import find_duplicate_keys
from transforms.markers import apply_markers
from transforms.regions import classify, dissolved, left_out_codes, period_end

REGIONAL_VARIABLES = frozenset({"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN", "GEMVB"})
_BLOCK_COLUMN = re.compile(r"[0-9]+_variable_(attribute_)?code")
_BLANK = re.compile(rb"[\xef\xbb\xbf \r\n]*")
_PERIOD = {"JAHR": r"^[0-9]{4}$", "STAG": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}

FIXED_COLUMNS = ("statistics_code", "time_code", "time", "value", "value_unit", "value_variable_code")


def read_flat(data: bytes, source: str, table: str) -> pa.Table:
    """Read the flat file as strings, leaving out the label columns: rows are matched on codes, never on labels
    (labels drift between releases). A label holding a ";" comes double-quoted: a real CSV reader takes it whole."""
    if _BLANK.fullmatch(data):  # a match, not data.strip(): that copies a whole table's file to look at its ends
        raise FormatError(source, table, "empty flat file: no header, no rows")
    header = data[: data.find(b"\n")] if b"\n" in data else data
    try:
        columns = header.decode("utf-8-sig").rstrip("\r").split(";")
    except UnicodeDecodeError as exc:
        raise FormatError(source, table, f"header is not UTF-8: {exc}") from exc
    if columns[0].startswith("Statistik_Code"):
        raise FormatError(source, table, "the old GENESIS-v4 flat-file layout (German headers, one column per content); request format=ffcsv from the REST 2020 API")
    if re.match(r"(GENESIS-)?Tabelle:", columns[0]):
        raise FormatError(source, table, f"a table export of the website ({columns[0]!r}: title lines, a header over several rows, "
                                         "a footer), not a flat file: download the table as 'Flat-File CSV' (format ffcsv) instead")
    if columns[0] != "statistics_code":
        raise FormatError(source, table, f"not a GENESIS flat file (ffcsv): the first line starts {';'.join(columns[:3])[:80]!r}, "
                                         "expected 'statistics_code;statistics_label;…'")
    # every classifying block n has both its variable code and its attribute code
    blocks = sorted({int(c.split("_")[0]) for c in columns if _BLOCK_COLUMN.fullmatch(c)})
    missing = [c for c in FIXED_COLUMNS if c not in columns] + [
        f"{b}_{part}" for b in blocks for part in ("variable_code", "variable_attribute_code") if f"{b}_{part}" not in columns]
    if missing:
        raise FormatError(source, table, f"changed columns: {missing} missing from the header {columns}")
    try:
        # One thread, 2 MiB blocks: on two cores shared with the rest of the run this read a 181 MB file faster
        # (0.3 s against 0.5-0.9 s) and with less than half the memory at its peak (benchmarks/ingest.py)
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 21),
            parse_options=pacsv.ParseOptions(delimiter=";", quote_char='"', double_quote=True, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns},
                include_columns=[c for c in columns if not c.endswith("_label")],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise FormatError(source, table, f"malformed flat file (truncated, changed rows or not UTF-8): {exc}") from exc


def _blocks(flat: pa.Table) -> list[int]:
    blocks, n = [], 1
    while f"{n}_variable_code" in flat.column_names:
        blocks.append(n)
        n += 1
    return blocks


def _fail_rows(exc: type[SourceError], source: str, table: str, mask: pa.Array, what: str, values: pa.Array) -> None:
    """Raise `exc` naming the first row where `mask` is true (file line = index + 2), if any."""
    idx = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
    if idx:
        raise exc(source, table, f"{what}: {values[idx[0]].as_py()!r} ({len(idx)} rows)", row=idx[0] + 2)


_SEP = "\x1f"


def _match_indicators(
    flat: pa.Table, blocks: list[int], region_block: pa.Array, table: SourceTable, catalog: Catalog
) -> tuple[pa.Array, pa.Array]:
    """Indicator id and unit of every row (NULL: not in the catalog).

    A row's shape is its content code, unit and classifying variable/attribute pairs (the regional block
    blanked). A file has few shapes however long it is, so the catalog's filters are checked per shape and
    the answer is mapped back to the rows: one pass over the file instead of one per indicator.
    """
    src, tid = table.source, table.id
    parts = [flat.column("value_variable_code"), flat.column("value_unit"), pc.cast(region_block, pa.string())]
    for b in blocks:
        is_region = pc.fill_null(pc.equal(region_block, b), False)
        parts += [flat.column(f"{b}_variable_code"), pc.if_else(is_region, "", flat.column(f"{b}_variable_attribute_code"))]
    shape = pc.binary_join_element_wise(*parts, _SEP)
    shape = (shape.combine_chunks() if isinstance(shape, pa.ChunkedArray) else shape).dictionary_encode()
    shapes = [s.split(_SEP) for s in shape.dictionary.to_pylist()]
    contents = sorted({sh[0] for sh in shapes})
    chosen: list = [None] * len(shapes)
    for ind in catalog.indicators_for(tid):
        content = ind.content
        if content is None:
            if len(contents) != 1:
                raise FormatError(src, tid, f"indicator {ind.id} has no content code in the catalog and the file offers {contents}")
            content = contents[0]
        wanted = {var: attr for var, attr in ind.filters.items() if attr}
        for k, (code, unit, reg_block, *pairs) in enumerate(shapes):
            # The row's selection: each classifying variable not at its total. A total is an attribute code left
            # empty (`GES;Geschlecht;;Insgesamt`) or a block left empty altogether (`;;;;`); value variables of
            # one file may classify by different variables in the same block position.
            selected = {pairs[2 * j]: pairs[2 * j + 1] for j, b in enumerate(blocks)
                        if str(b) != reg_block and pairs[2 * j] and pairs[2 * j + 1]}
            if code != content or selected != wanted:
                continue
            rows = pc.equal(shape.indices, k)
            if chosen[k] is not None:
                _fail_rows(FormatError, src, tid, rows, f"row matches two indicators ({chosen[k].id} and {ind.id})", flat.column("value_variable_code"))
            chosen[k] = ind
            if unit != ind.source_unit:
                _fail_rows(FormatError, src, tid, rows, f"unit of {ind.id} changed (catalog: {ind.source_unit!r})", flat.column("value_unit"))
    indicator = pc.take(pa.array([i.id if i else None for i in chosen], pa.string()), shape.indices)
    units = pc.take(pa.array([i.unit if i else None for i in chosen], pa.string()), shape.indices)
    return indicator, units


def parse_tablefile(data: bytes, table: SourceTable, catalog: Catalog, batch_id: str, requested: tuple[str, ...] = ()) -> ParseResult:
    """Turn a GENESIS ffcsv flat file into observations of the catalog's indicators for `table`.

    Rows of the scope's regions are kept, and of regions the request named (`requested`: its `regionalkey`
    entries); every other row is counted by reason (transforms/regions.py). Row numbers in errors are file lines
    (the header is line 1).
    """
    src, tid = table.source, table.id
    flat = read_flat(data, src, tid)
    n = flat.num_rows
    blocks = _blocks(flat)
    row_no = pa.array(np.arange(2, n + 2, dtype=np.int64))

    # The regional variable can differ between rows (DINSG/DLAND/REGBEZ/KREISE in one file).
    region = pa.nulls(n, pa.string())
    region_block = pa.nulls(n, pa.int64())
    for b in blocks:
        is_regional = pc.is_in(flat.column(f"{b}_variable_code"), value_set=pa.array(sorted(REGIONAL_VARIABLES)))
        region = pc.coalesce(region, pc.if_else(is_regional, flat.column(f"{b}_variable_attribute_code"), None))
        region_block = pc.coalesce(region_block, pc.if_else(is_regional, pa.scalar(b, pa.int64()), None))
    _fail_rows(FormatError, src, tid, pc.is_null(region), "row without a regional variable", flat.column("statistics_code"))
    region = region.combine_chunks() if isinstance(region, pa.ChunkedArray) else region

    indicator, unit = _match_indicators(flat, blocks, region_block, table, catalog)

    dropped: dict[str, int] = {}
    wanted_rows = pc.is_valid(indicator)
    dropped["not_in_catalog"] = n - pc.sum(wanted_rows).as_py() if n else 0

    keep, reason = classify(region, catalog, requested)
    unknown = pc.and_(wanted_rows, pc.equal(pc.fill_null(reason, ""), "unknown_region"))
    _fail_rows(FormatError, src, tid, unknown, "unknown region code (not in catalog/regions_germany.yaml)", region)
    left_out: dict[str, pa.Array] = {}
    for why in ("berlin_district", "part_of_kreis", "statistical_region", "out_of_scope"):
        rows = pc.and_(wanted_rows, pc.equal(pc.fill_null(reason, ""), why))
        dropped[why] = pc.sum(rows).as_py() or 0
        left_out[why] = pc.filter(region, rows)
    mask = pc.and_(wanted_rows, keep)

    time_code = flat.column("time_code")
    period = flat.column("time")
    for code in pc.unique(pc.filter(time_code, mask)).to_pylist():
        pattern = _PERIOD.get(code)
        if pattern is None:
            _fail_rows(FormatError, src, tid, pc.and_(mask, pc.equal(time_code, code)), "unsupported time variable", time_code)
        bad = pc.and_(pc.and_(mask, pc.equal(time_code, code)), pc.invert(pc.match_substring_regex(period, pattern)))
        _fail_rows(FormatError, src, tid, bad, f"period not in the {code} format", period)

    sel = pc.indices_nonzero(mask)
    sub = flat.select([c for c in ("time", "value", "value_q") if c in flat.column_names]).take(sel)
    del flat, time_code, period  # the wide table is the largest thing alive: free it before building rows
    flags = sub.column("value_q") if "value_q" in sub.column_names else None
    marked = apply_markers(sub.column("value").combine_chunks(), flags.combine_chunks() if flags is not None else None, catalog.statuses)
    sub_rows = pc.take(row_no, sel)
    if marked.bad_value_rows:
        i = marked.bad_value_rows[0]
        raise FormatError(src, tid, f"value is neither a number nor a known marker: {sub.column('value')[i].as_py()!r} ({len(marked.bad_value_rows)} rows)", row=sub_rows[i].as_py())
    if marked.bad_flag_rows:
        i = marked.bad_flag_rows[0]
        raise FormatError(src, tid, f"unknown quality flag {flags[i].as_py()!r}", row=sub_rows[i].as_py())

    def const(value: str) -> pa.Array:
        return pa.repeat(pa.scalar(value, pa.string()), len(sel))

    obs = pa.table(
        {
            "indicator_id": pc.take(indicator, sel),
            "region_code": pc.take(region, sel),
            "period": sub.column("time"),
            "freq": const(table.freq),
            "value": marked.value,
            "unit": pc.take(unit, sel),
            "status": marked.status,
            "marker": marked.marker,
            "source_id": const(src),
            "table_id": const(tid),
            "batch_id": const(batch_id),
            "source_row": sub_rows,
            "release": pa.nulls(len(sel), pa.string()),
        }
    )
    del sub, marked
    # Arrow's allocator keeps freed blocks; hand them back so that loading does not stack on the parse peak.
    pa.default_memory_pool().release_unused()
    gone = dissolved(obs.column("region_code"), period_end(obs.column("period")), obs.column("marker"), catalog)
    dropped["dissolved"] = pc.sum(gone).as_py() or 0
    left_out["dissolved"] = pc.filter(obs.column("region_code"), gone)
    obs = obs.filter(pc.invert(gone))
    obs, notes, unpublished = drop_unpublished_newest(obs)
    notes = left_out_codes(left_out) + notes
    dropped["not_yet_published"] = unpublished
    dup = find_duplicate_keys(obs)
    if dup is not None:
        raise FormatError(src, tid, f"duplicate observation {dup[1]}", row=dup[0])
    return ParseResult(obs.cast(OBSERVATION_SCHEMA), rows_read=n, dropped={k: v for k, v in dropped.items() if v}, notes=notes)


def drop_unpublished_newest(obs: pa.Table) -> tuple[pa.Table, list[str], int]:
    """Drop the newest period of an indicator at a regional level when all its values are "-".

    GENESIS answers a period whose Kreis figures are not loaded yet with "-" everywhere; that is
    "not yet published", not a column of zeros or of true nothings.
    """
    if obs.num_rows == 0:
        return obs, [], 0
    df = obs.select(["indicator_id", "region_code", "period", "marker"]).to_pandas()
    df["level"] = df["region_code"].str.len()
    newest = df.groupby(["indicator_id", "level"])["period"].transform("max")
    in_newest = df["period"] == newest
    all_dash = df[in_newest].groupby(["indicator_id", "level", "period"])["marker"].agg(lambda m: bool((m == "-").all()))
    unpublished = all_dash[all_dash]
    if unpublished.empty:
        return obs, [], 0
    drop = pd.MultiIndex.from_frame(df[["indicator_id", "level", "period"]]).isin(unpublished.index)
    notes = [f"{i} {p} (region code length {lv}): all values '-', taken as not yet published" for i, lv, p in unpublished.index]
    return obs.filter(pa.array(~drop)), notes, int(drop.sum())
