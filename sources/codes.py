"""Columns of repeated codes, worked on once per distinct value.

A provider file of a whole table has hundreds of thousands of rows but a few hundred distinct codes per column
(indicators, regions, periods, attributes). Read and kept dictionary-encoded, a column is an integer per row and a
short dictionary; a check or a lookup runs on the dictionary and is spread back to the rows by the indices, and
rows are grouped by integer codes instead of strings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CODE = pa.dictionary(pa.int32(), pa.string())
_MAX_KEY = 2**62  # combined codes stay below this (int64)


def per_value(column: pa.DictionaryArray, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """`fn` applied to the distinct values of `column`, spread back to its rows (NULL where the row is NULL)."""
    return pc.take(fn(column.dictionary), column.indices)


def codes(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, int]:
    """Integer codes of the values (equal values, equal codes; NULL a value of its own) and how many there can be."""
    column = encoded(column)
    null = len(column.dictionary)
    return column.indices.fill_null(null).to_numpy(zero_copy_only=False).astype(np.int64), null + 1


def combined(parts: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, int]:
    """One code per row for the combination of the parts' codes, and an upper bound of their number (dense again
    whenever the product would overflow)."""
    key, n = np.zeros(len(parts[0][0]) if parts else 0, dtype=np.int64), 1
    for part, size in parts:
        if n * size >= _MAX_KEY:
            key, n = dense(key)
        key, n = key * size + part, n * size
    return key, n


def dense(key: np.ndarray) -> tuple[np.ndarray, int]:
    """The codes renumbered 0..k-1 in order of first appearance, and k."""
    renumbered, uniques = pd.factorize(key)
    return renumbered.astype(np.int64), len(uniques)


def first_rows(key: np.ndarray, n: int) -> np.ndarray:
    """The first row of each dense code 0..n-1."""
    first = np.full(n, len(key), dtype=np.int64)
    np.minimum.at(first, key, np.arange(len(key)))
    return first


def spread(values: list[str | None], key: np.ndarray | pa.Array) -> pa.DictionaryArray:
    """The value of each row's code (`values[code]`) as codes: the rows are not copied as strings."""
    distinct = sorted({v for v in values if v is not None})
    position = {v: i for i, v in enumerate(distinct)}
    per_code = pa.array([position.get(v) if v is not None else None for v in values], pa.int32())
    return pa.DictionaryArray.from_arrays(pc.take(per_code, key), pa.array(distinct, pa.string()))


def unique_dictionary(column: pa.DictionaryArray) -> pa.DictionaryArray:
    """The column with each value once in its dictionary (a dictionary put together from several may repeat one)."""
    distinct = pc.dictionary_encode(column.dictionary)
    if len(distinct.dictionary) == len(column.dictionary):  # each once already (as read, taken or spread): no copy of the rows
        return column
    return pa.DictionaryArray.from_arrays(pc.take(distinct.indices, column.indices), distinct.dictionary)


def compacted(column: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """A string column as codes whose dictionary holds just the values of its rows, each once, in lexical order."""
    column = encoded(column)
    used = np.bincount(column.indices.drop_null().to_numpy(zero_copy_only=False), minlength=len(column.dictionary)) > 0
    kept = pc.indices_nonzero(pa.array(used))
    order = pc.sort_indices(column.dictionary.take(kept)).to_numpy()
    position = np.empty(len(column.dictionary), dtype=np.int32)
    position[kept.to_numpy()[order]] = np.arange(len(order), dtype=np.int32)
    return pa.DictionaryArray.from_arrays(pc.take(pa.array(position), column.indices), column.dictionary.take(kept.take(pa.array(order))))


def repeated(value: str | None, n: int) -> pa.DictionaryArray:
    """`value` on each of n rows, stored once (None: n NULLs)."""
    if value is None:
        return pa.nulls(n, CODE)
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value], pa.string()))


def encoded(column: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """A string column as codes, each value once in the dictionary."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return unique_dictionary(column) if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
