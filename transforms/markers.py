"""Turn the statistical offices' value strings into numbers and status flags.

A marker such as "-", ".", "...", "/" or "x" in the value column makes the value NULL and keeps the
marker as status: it never becomes 0. A quality flag (GENESIS `value_q`: e, p, r, s, "()") keeps the
value and sets the status. The marker vocabulary is catalog data (catalog/statuses.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from catalog import Status

_NUMBER = r"^-?[0-9]+([.,][0-9]+)?$"


@dataclass(frozen=True)
class MarkedValues:
    value: pa.Array  # float64, NULL where suppressed
    status: pa.Array  # string, NULL when the provider gave a plain value
    marker: pa.Array  # the raw sign, NULL when none
    bad_value_rows: list[int]  # indices of values that are neither a number nor a known marker
    bad_flag_rows: list[int]  # indices of quality flags that are not in the catalog


def _lookup(signs: pa.Array, mapping: dict[str, str]) -> pa.Array:
    keys = pa.array(list(mapping), pa.string())
    vals = pa.array(list(mapping.values()), pa.string())
    return pc.take(vals, pc.index_in(signs, value_set=keys))


def apply_markers(
    values: pa.Array, flags: pa.Array | None, statuses: dict[str, Status], decimal_comma: bool = True
) -> MarkedValues:
    values = pc.utf8_trim_whitespace(values)
    suppressing = {m: s.status for m, s in statuses.items() if s.suppressed}
    flagging = {m: s.status for m, s in statuses.items() if not s.suppressed}

    is_marker = pc.is_in(values, value_set=pa.array(list(suppressing), pa.string()))
    is_number = pc.match_substring_regex(values, _NUMBER)
    bad_values = pc.invert(pc.or_(is_marker, is_number))
    numeric = pc.if_else(is_number, values, pa.scalar(None, pa.string()))
    if decimal_comma:
        numeric = pc.replace_substring(numeric, ",", ".")
    value = pc.cast(numeric, pa.float64())

    marker = pc.if_else(is_marker, values, pa.scalar(None, pa.string()))
    status = _lookup(marker, suppressing)
    bad_flags = pa.array([False] * len(values), pa.bool_())
    if flags is not None:
        flags = pc.utf8_trim_whitespace(flags)
        has_flag = pc.not_equal(flags, "")
        flag_status = _lookup(flags, flagging)
        bad_flags = pc.and_(has_flag, pc.is_null(flag_status))
        status = pc.coalesce(status, flag_status)
        marker = pc.coalesce(marker, pc.if_else(has_flag, flags, pa.scalar(None, pa.string())))

    def rows(mask: pa.Array) -> list[int]:
        return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()

    return MarkedValues(value, status, marker, rows(bad_values), rows(bad_flags))
