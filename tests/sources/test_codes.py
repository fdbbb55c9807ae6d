"""sources/codes.py: columns of repeated codes, worked on once per distinct value."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sources.codes import CODE, codes, combined, compacted, dense, encoded, first_rows, per_value, repeated, spread
from sources.contract import OBSERVATION_SCHEMA
from sources.observations import find_duplicate_keys


def test_a_dictionary_that_holds_a_value_twice_gives_equal_codes():
    # "08121" twice in the dictionary (put together from two blocks), "x" unused
    column = pa.DictionaryArray.from_arrays(pa.array([0, 2, None, 1, 0], pa.int32()), pa.array(["08121", "x", "08121"]))
    key, n = codes(column)
    assert key[0] == key[1] == key[4] and key[3] != key[0] and key[2] not in (key[0], key[3]) and n >= 3
    assert encoded(column).dictionary.to_pylist().count("08121") == 1
    assert encoded(column).to_pylist() == ["08121", "08121", None, "x", "08121"]


def test_plain_strings_and_their_codes_give_the_same_groups():
    values = ["a", "b", None, "a"]
    plain, _ = codes(pa.array(values))
    coded, _ = codes(pa.array(values, CODE))
    assert (plain == plain[0]).tolist() == (coded == coded[0]).tolist() == [True, False, False, True]


def test_combined_codes_stay_exact_where_the_product_would_overflow():
    rng = np.random.default_rng(1)
    parts = [(rng.integers(0, 2**20, 1000), 2**20) for _ in range(5)]  # 2**100 combinations
    key, _ = combined(parts)
    rows = np.stack([p for p, _ in parts], axis=1)
    assert len(set(key.tolist())) == len({tuple(r) for r in rows.tolist()})
    same = combined([(np.concatenate([p, p[:1]]), s) for p, s in parts])[0]
    assert same[-1] == same[0]


def test_dense_codes_and_the_first_row_of_each():
    key, n = dense(np.array([7, 3, 7, 9, 3]))
    assert key.tolist() == [0, 1, 0, 2, 1] and n == 3
    assert first_rows(key, n).tolist() == [0, 1, 3]


def test_work_per_distinct_value_reaches_every_row():
    column = pa.array(["2024", "2024-06-30", None, "2024"], CODE)
    assert per_value(column, pc.utf8_length).to_pylist() == [4, 10, None, 4]


def test_spread_and_repeated_store_each_value_once():
    assert spread(["x", None, "y", "x"], pa.array([3, 1, 2, 0])).to_pylist() == ["x", None, "y", "x"]
    assert len(spread(["x", None, "y", "x"], pa.array([3, 0])).dictionary) == 2
    assert repeated("A", 3).to_pylist() == ["A"] * 3 and len(repeated("A", 3).dictionary) == 1
    assert repeated(None, 2).null_count == 2


def test_a_repeated_key_is_found_in_coded_columns():
    rows = [{"indicator_id": "pop", "region_code": r, "period": "2024", "freq": "A", "value": 1.0, "unit": "persons",
             "source_id": "s", "table_id": "t", "batch_id": "b", "source_row": n, "release": None}
            for n, r in enumerate(["08121", "08125", "08121"], 2)]
    assert find_duplicate_keys(pa.Table.from_pylist(rows, schema=OBSERVATION_SCHEMA)) == (4, "pop / 08121 / 2024 appears 2 times")
    assert find_duplicate_keys(pa.Table.from_pylist(rows[:2], schema=OBSERVATION_SCHEMA)) is None


def test_compacted_codes_hold_the_values_of_the_rows_in_lexical_order():
    column = pa.DictionaryArray.from_arrays(pa.array([2, 0, None, 2], pa.int32()), pa.array(["2024", "unused", "2023", "2024"]))
    out = compacted(column)
    assert out.dictionary.to_pylist() == ["2023", "2024"] and out.to_pylist() == ["2023", "2024", None, "2023"]
    assert compacted(pa.array(["b", "a", "b"])).dictionary.to_pylist() == ["a", "b"]
