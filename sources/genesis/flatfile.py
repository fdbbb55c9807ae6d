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
from sources.blob import Blob
from sources.codes import CODE, codes, combined, dense, encoded, first_rows, per_value, repeated, spread
from sources.contract import OBSERVATION_SCHEMA, ParseResult
from sources.errors import FormatError, SourceError
from sources.observations import find_duplicate_keys
from transforms.markers import apply_markers
from transforms.regions import classify, dissolved, left_out_codes, period_end

REGIONAL_VARIABLES = frozenset({"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN", "GEMVB"})
_BLOCK_COLUMN = re.compile(r"[0-9]+_variable_(attribute_)?code")
_BLANK = re.compile(rb"[\xef\xbb\xbf \r\n]*")
_HEAD = 1 << 16  # bytes looked at for the header (a few hundred in a real file)
_REGIONAL = pa.array(sorted(REGIONAL_VARIABLES), pa.string())
_PERIOD = {"JAHR": r"^[0-9]{4}$", "STAG": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}

FIXED_COLUMNS = ("statistics_code", "time_code", "time", "value", "value_unit", "value_variable_code")


def read_flat(data: Blob, source: str, table: str) -> pa.Table:
    """Read the flat file, leaving out the label columns: rows are matched on codes, never on labels (labels drift
    between releases). A label holding a ";" comes double-quoted: a real CSV reader takes it whole.

    Every column but the value is read as codes (sources/codes.py): a few hundred distinct strings in a file of
    hundreds of thousands of rows, each stored once; one chunk a column. The file is read as a stream: a whole
    table's file on disk is never held in memory at once."""
    head = data.head(_HEAD)
    if _BLANK.fullmatch(head) and data.size <= len(head):
        raise FormatError(source, table, "empty flat file: no header, no rows")
    header = head[: head.find(b"\n")] if b"\n" in head else head
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
        # One thread, 2 MiB blocks: on two cores shared with the rest of the run (the payload is stored meanwhile)
        # this read a 181 MB file fastest and with the least memory at its peak (benchmarks/ingest.py)
        with data.open() as stream:
            flat = pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 21),
                parse_options=pacsv.ParseOptions(delimiter=";", quote_char='"', double_quote=True, newlines_in_values=False),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() if c == "value" else CODE for c in columns},
                    include_columns=[c for c in columns if not c.endswith("_label")],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
    except pa.ArrowInvalid as exc:
        raise FormatError(source, table, f"malformed flat file (truncated, changed rows or not UTF-8): {exc}") from exc
    return flat.combine_chunks()  # one chunk a column, the chunks' dictionaries unified


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


def _regions(cols: dict[str, pa.Array], blocks: list[int]) -> tuple[pa.DictionaryArray, np.ndarray]:
    """The region code of every row (NULL: no regional variable) and the block it stands in (0: none).

    The regional variable can differ between rows (DINSG/DLAND/REGBEZ/KREISE in one file); the first block holding
    one gives the row's region."""
    n = len(cols["time"])
    block = np.zeros(n, dtype=np.int64)
    index = np.full(n, -1, dtype=np.int64)
    dictionaries, offset = [], 0
    for b in blocks:
        attribute = cols[f"{b}_variable_attribute_code"]
        regional = per_value(cols[f"{b}_variable_code"], lambda d: pc.is_in(d, value_set=_REGIONAL)).to_numpy(zero_copy_only=False)
        regional &= block == 0
        block[regional] = b
        index[regional] = attribute.indices.to_numpy(zero_copy_only=False)[regional] + offset
        dictionaries.append(attribute.dictionary)
        offset += len(attribute.dictionary)
    values = pa.concat_arrays(dictionaries) if dictionaries else pa.array([], pa.string())
    region = pa.DictionaryArray.from_arrays(pa.array(index, pa.int32(), mask=index < 0), values)
    return encoded(region), block


def _match_indicators(
    cols: dict[str, pa.Array], blocks: list[int], region_block: np.ndarray, table: SourceTable, catalog: Catalog
) -> tuple[pa.DictionaryArray, pa.DictionaryArray]:
    """Indicator id and unit of every row (NULL: not in the catalog).

    A row's shape is its content code, unit and classifying variable/attribute pairs (the regional block
    blanked). A file has few shapes however long it is, so the catalog's filters are checked per shape and
    the answer is mapped back to the rows: one pass over the file instead of one per indicator.
    """
    src, tid = table.source, table.id
    parts = [codes(cols["value_variable_code"]), codes(cols["value_unit"]), (region_block, len(blocks) + 1)]
    for b in blocks:
        attribute, size = codes(cols[f"{b}_variable_attribute_code"])
        parts += [codes(cols[f"{b}_variable_code"]), (np.where(region_block == b, size, attribute), size + 1)]
    shape, n_shapes = dense(combined(parts)[0])
    first = pa.array(first_rows(shape, n_shapes))
    rows_of = pa.array(shape)

    def at_first(name: str) -> list[str]:
        return pc.take(cols[name], first).to_pylist()

    reg_blocks = region_block[first.to_numpy()].tolist()
    classifying = [(at_first(f"{b}_variable_code"), at_first(f"{b}_variable_attribute_code")) for b in blocks]
    shapes = [(code, unit, reg_block, [(var[k], attr[k]) for var, attr in classifying])
              for k, (code, unit, reg_block) in enumerate(zip(at_first("value_variable_code"), at_first("value_unit"), reg_blocks, strict=True))]
    contents = sorted({sh[0] for sh in shapes})
    chosen: list = [None] * len(shapes)
    for ind in catalog.indicators_for(tid):
        content = ind.content
        if content is None:
            if len(contents) != 1:
                raise FormatError(src, tid, f"indicator {ind.id} has no content code in the catalog and the file offers {contents}")
            content = contents[0]
        wanted = {var: attr for var, attr in ind.filters.items() if attr}
        for k, (code, unit, reg_block, pairs) in enumerate(shapes):
            # The row's selection: each classifying variable not at its total. A total is an attribute code left
            # empty (`GES;Geschlecht;;Insgesamt`) or a block left empty altogether (`;;;;`); value variables of
            # one file may classify by different variables in the same block position.
            selected = {var: attr for b, (var, attr) in zip(blocks, pairs, strict=True) if b != reg_block and var and attr}
            if code != content or selected != wanted:
                continue
            if chosen[k] is not None:
                _fail_rows(FormatError, src, tid, pc.equal(rows_of, k), f"row matches two indicators ({chosen[k].id} and {ind.id})",
                           cols["value_variable_code"])
            chosen[k] = ind
            if unit != ind.source_unit:
                _fail_rows(FormatError, src, tid, pc.equal(rows_of, k), f"unit of {ind.id} changed (catalog: {ind.source_unit!r})", cols["value_unit"])
    return spread([i.id if i else None for i in chosen], rows_of), spread([i.unit if i else None for i in chosen], rows_of)


def parse_tablefile(data: Blob, table: SourceTable, catalog: Catalog, batch_id: str, requested: tuple[str, ...] = ()) -> ParseResult:
    """Turn a GENESIS ffcsv flat file into observations of the catalog's indicators for `table`.

    Rows of the scope's regions are kept, and of regions the request named (`requested`: its `regionalkey`
    entries); every other row is counted by reason (transforms/regions.py). Row numbers in errors are file lines
    (the header is line 1). The checks and lookups run once per distinct code (sources/codes.py).
    """
    src, tid = table.source, table.id
    flat = read_flat(data, src, tid)
    n = flat.num_rows
    blocks = _blocks(flat)
    cols = {name: flat.column(name).chunk(0) for name in flat.column_names}  # one chunk a column (read_flat)
    del flat

    region, region_block = _regions(cols, blocks)
    _fail_rows(FormatError, src, tid, pc.is_null(region), "row without a regional variable", cols["statistics_code"])

    indicator, unit = _match_indicators(cols, blocks, region_block, table, catalog)

    dropped: dict[str, int] = {}
    wanted_rows = pc.is_valid(indicator)
    dropped["not_in_catalog"] = n - pc.sum(wanted_rows).as_py() if n else 0

    keep, reason = classify(region.dictionary, catalog, requested)
    keep, reason = pc.take(keep, region.indices), pc.fill_null(pc.take(reason, region.indices), "")
    unknown = pc.and_(wanted_rows, pc.equal(reason, "unknown_region"))
    _fail_rows(FormatError, src, tid, unknown, "unknown region code (not in catalog/regions_germany.yaml)", region)
    left_out: dict[str, pa.Array] = {}
    for why in ("berlin_district", "part_of_kreis", "statistical_region", "out_of_scope"):
        rows = pc.and_(wanted_rows, pc.equal(reason, why))
        dropped[why] = pc.sum(rows).as_py() or 0
        left_out[why] = pc.filter(region, rows)
    mask = pc.and_(wanted_rows, pc.fill_null(keep, False))

    time_code, period = cols["time_code"], cols["time"]
    for code in pc.unique(pc.filter(time_code, mask)).to_pylist():
        of_code = pc.and_(mask, pc.equal(time_code, code))
        pattern = _PERIOD.get(code)
        if pattern is None:
            _fail_rows(FormatError, src, tid, of_code, "unsupported time variable", time_code)
        bad = pc.and_(of_code, pc.invert(per_value(period, lambda d, p=pattern: pc.match_substring_regex(d, p))))
        _fail_rows(FormatError, src, tid, bad, f"period not in the {code} format", period)

    sel = pc.indices_nonzero(mask)
    values = pc.take(cols["value"], sel)
    flags = pc.take(cols["value_q"], sel).cast(pa.string()) if "value_q" in cols else None
    marked = apply_markers(values, flags, catalog.statuses)
    sub_rows = pa.array(sel.to_numpy() + 2)  # file lines: the header is line 1
    if marked.bad_value_rows:
        i = marked.bad_value_rows[0]
        raise FormatError(src, tid, f"value is neither a number nor a known marker: {values[i].as_py()!r} ({len(marked.bad_value_rows)} rows)", row=sub_rows[i].as_py())
    if marked.bad_flag_rows:
        i = marked.bad_flag_rows[0]
        raise FormatError(src, tid, f"unknown quality flag {flags[i].as_py()!r}", row=sub_rows[i].as_py())

    k = len(sel)
    obs = pa.table(
        {
            "indicator_id": pc.take(indicator, sel),
            "region_code": pc.take(region, sel),
            "period": pc.take(period, sel),
            "freq": repeated(table.freq, k),
            "value": marked.value,
            "unit": pc.take(unit, sel),
            "status": encoded(marked.status),
            "marker": encoded(marked.marker),
            "source_id": repeated(src, k),
            "table_id": repeated(tid, k),
            "batch_id": repeated(batch_id, k),
            "source_row": sub_rows,
            "release": repeated(None, k),
        }
    )
    del cols, values, flags, marked
    gone = dissolved(obs.column("region_code"), per_value(encoded(obs.column("period")), period_end), obs.column("marker"), catalog)
    dropped["dissolved"] = pc.sum(gone).as_py() or 0
    left_out["dissolved"] = pc.filter(obs.column("region_code"), gone)
    obs = obs.filter(pc.invert(gone))
    obs, notes, unpublished = drop_unpublished_newest(obs)
    notes = left_out_codes(left_out) + notes
    dropped["not_yet_published"] = unpublished
    dup = find_duplicate_keys(obs)
    if dup is not None:
        raise FormatError(src, tid, f"duplicate observation {dup[1]}", row=dup[0])
    # Arrow's allocator keeps freed blocks; hand them back so that validation and loading do not stack on the parse peak.
    pa.default_memory_pool().release_unused()
    return ParseResult(obs.cast(OBSERVATION_SCHEMA), rows_read=n, dropped={k: v for k, v in dropped.items() if v}, notes=notes)


def drop_unpublished_newest(obs: pa.Table) -> tuple[pa.Table, list[str], int]:
    """Drop the newest period of an indicator at a regional level when all its values are "-".

    GENESIS answers a period whose Kreis figures are not loaded yet with "-" everywhere; that is
    "not yet published", not a column of zeros or of true nothings. Rows are grouped by codes (periods by their
    rank in time, regional levels by the length of the region code).
    """
    if obs.num_rows == 0:
        return obs, [], 0
    indicator = encoded(obs.column("indicator_id"))
    region = encoded(obs.column("region_code"))
    period = encoded(obs.column("period"))
    order = pc.sort_indices(period.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))  # periods compare as strings: "2024" < "2025", "2024-06-30" < "2024-12-31"
    df = pd.DataFrame({
        "indicator": indicator.indices.to_numpy(zero_copy_only=False),
        "level": per_value(region, pc.utf8_length).to_numpy(zero_copy_only=False),
        "period": rank[period.indices.to_numpy(zero_copy_only=False)],
        "dash": pc.fill_null(pc.equal(obs.column("marker"), "-"), False).to_numpy(),
    })
    newest = df.groupby(["indicator", "level"])["period"].transform("max")
    in_newest = df["period"] == newest
    all_dash = df[in_newest].groupby(["indicator", "level", "period"])["dash"].all()
    unpublished = all_dash[all_dash]
    if unpublished.empty:
        return obs, [], 0
    drop = pd.MultiIndex.from_frame(df[["indicator", "level", "period"]]).isin(unpublished.index)
    periods = period.dictionary.to_pylist()
    notes = [f"{indicator.dictionary[i].as_py()} {periods[order[p]]} (region code length {lv}): all values '-', taken as not yet published"
             for i, lv, p in unpublished.index]
    return obs.filter(pa.array(~drop)), notes, int(drop.sum())
