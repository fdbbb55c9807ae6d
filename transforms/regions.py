"""Classify the region codes a provider sends against the region catalog and its scope.

Every row of a provider file is kept or left out with a reason; nothing is dropped silently (the parsers count the
reasons into the batch's `dropped`, ops.batch_outcomes). A code inside the scope that the catalog does not know is
an error for the caller: the catalog is out of date, and a guess would lose or misplace figures.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from catalog import PUBLISHED_LEVELS, Catalog

# Codes a provider may send that are not comparison regions, and why they are left out.
BERLIN_DISTRICT = r"^11[0-9]{6}$"  # the 12 Berlin Bezirke, 8 digits inside GENESIS KREISE
PART_OF_KREIS = r"^[0-9]{8}$"  # a Gemeinde inside its Kreis (03241001 Hannover, 05334002 Aachen, 10041100 Saarbrücken)
AGS_LIKE = r"^(DG|[0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{8})$"
REASONS = {
    "out_of_scope": "a region of a state outside the scope (regions.yaml scope:) that the request did not name",
    "berlin_district": "a Berlin Bezirk (8 digits): part of the Kreis 11000, never summed into it",
    "part_of_kreis": "a Gemeinde inside its Kreis (8 digits: Hannover, Aachen, Saarbrücken): never summed into it",
    "statistical_region": "a 3-digit code of a state without Regierungsbezirke (a statistical region or a former "
                          "Regierungsbezirk): not a level of the catalog",
    "dissolved": "a former Kreis marked '-' for a period after its dissolution (territorial_changes.yaml)",
}


def kept_codes(catalog: Catalog, requested: Iterable[str] = ()) -> list[str]:
    """The provider-published regions whose rows are kept: those of the scope (with Germany), and any a request names
    (catalog codes or GENESIS `regionalkey` patterns such as ``0812*``)."""
    patterns = [p for p in requested if p]
    return [code for code, r in catalog.regions.items()
            if (r.level in PUBLISHED_LEVELS or r.level == "former_kreis")
            and (catalog.in_scope(code) or any(fnmatch.fnmatch(code, p) for p in patterns))]


def classify(codes: pa.Array, catalog: Catalog, requested: Iterable[str] = ()) -> tuple[pa.Array, pa.Array]:
    """Return (keep, reason): keep the codes `kept_codes` gives; a reason of REASONS for every other row, or
    ``unknown_region`` for a code inside the scope that the catalog does not know (or no AGS at all): an error for
    the caller. NULL when kept."""
    known = pc.is_in(codes, value_set=pa.array(list(catalog.regions), pa.string()))
    keep = pc.is_in(codes, value_set=pa.array(kept_codes(catalog, requested), pa.string()))
    in_scope = pa.array([False] * len(codes), pa.bool_())
    for prefix in catalog.region_scope():
        in_scope = pc.or_(in_scope, pc.starts_with(codes, prefix))
    with_regbez = sorted({r.code[:2] for r in catalog.regions.values() if r.level == "regbez"})
    statistical = pc.and_(pc.equal(pc.utf8_length(codes), 3),
                          pc.invert(pc.is_in(pc.utf8_slice_codeunits(codes, 0, 2), value_set=pa.array(with_regbez, pa.string()))))
    outside = pc.and_(pc.match_substring_regex(codes, AGS_LIKE), pc.invert(in_scope))
    none = pa.scalar(None, pa.string())
    reason = pc.case_when(
        pc.make_struct(keep, pc.match_substring_regex(codes, BERLIN_DISTRICT), pc.match_substring_regex(codes, PART_OF_KREIS),
                       pc.or_(known, outside), statistical),
        none, "berlin_district", "part_of_kreis", "out_of_scope", "statistical_region", "unknown_region",
    )
    return pc.fill_null(keep, False), reason


def dissolved(codes: pa.Array, period_ends: pa.Array, markers: pa.Array, catalog: Catalog) -> pa.Array:
    """True for the rows of a former Kreis marked '-' for a period that ends on or after the day it was dissolved:
    the provider's sign that it no longer exists, not a figure."""
    since = {link.predecessor: link.since for link in catalog.territory() if catalog.regions[link.predecessor].level == "former_kreis"}
    if not since:
        return pa.array([False] * len(codes), pa.bool_())
    ended = pc.take(pa.array(list(since.values()), pa.date32()),
                    pc.index_in(codes, value_set=pa.array(list(since), pa.string())))
    return pc.fill_null(pc.and_(pc.equal(markers, "-"), pc.greater_equal(period_ends, ended)), False)


# The reasons whose codes a batch's message names (the codes a user may look for: never summed into their Kreis).
NAMED_CODES = {"dissolved": "former Kreise after their dissolution", "berlin_district": "Berlin Bezirke",
               "part_of_kreis": "Gemeinden inside their Kreis"}


def left_out_codes(codes_by_reason: dict[str, pa.Array], shown: int = 4) -> list[str]:
    """One note naming the codes left out for the reasons of NAMED_CODES (how many, the first few), or none."""
    parts = []
    for why, what in NAMED_CODES.items():
        codes = sorted(set(codes_by_reason[why].to_pylist())) if why in codes_by_reason else []
        if codes:
            parts.append(f"{len(codes)} {what} ({', '.join(codes[:shown])}{', …' if len(codes) > shown else ''})")
    return [f"left out, never summed: {'; '.join(parts)}"] if parts else []


def period_end(periods: pa.Array) -> pa.Array:
    """The last day a GENESIS period covers: a reference date as it is (``2024-12-31``), a year its 31 December."""
    as_date = pc.if_else(pc.equal(pc.utf8_length(periods), 4), pc.binary_join_element_wise(periods, "-12-31", ""), periods)
    return pc.cast(pc.strptime(as_date, format="%Y-%m-%d", unit="s"), pa.date32())

