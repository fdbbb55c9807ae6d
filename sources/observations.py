"""Helpers on observation tables that every provider's parser uses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sources.codes import codes, combined
from sources.contract import OBSERVATION_KEY


def find_duplicate_keys(obs: pa.Table) -> tuple[int, str] | None:
    """The last file line and text of a repeated (indicator, region, period, release), or None.

    The key columns are combined into one integer per row (sources/codes.py): much faster than grouping by
    string columns on a large batch. A NULL (no release) is a value of its own.
    """
    key, _ = combined([codes(obs.column(name)) for name in OBSERVATION_KEY])
    repeated = pd.Series(key).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return None
    first = key[repeated.argmax()]
    rows = np.flatnonzero(key == first)
    r = obs.slice(int(rows[0]), 1).to_pylist()[0]
    last_row = int(pc.max(pc.take(obs.column("source_row"), pa.array(rows))).as_py())
    release = f" (release {r['release']})" if r["release"] else ""
    return last_row, f"{r['indicator_id']} / {r['region_code']} / {r['period']}{release} appears {len(rows)} times"
