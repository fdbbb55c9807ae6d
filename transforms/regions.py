"""Classify the region codes a provider sends against the region catalog."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from catalog import Catalog

# Codes a provider may send that are outside the catalog's comparison levels, and why they are left out.
BERLIN_DISTRICT = r"^11[0-9]{6}$"  # 8-digit Berlin Bezirke inside GENESIS KREISE
AGS_LIKE = r"^(DG|[0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{8})$"


def classify(codes: pa.Array, catalog: Catalog) -> tuple[pa.Array, pa.Array]:
    """Return (keep, reason): keep the codes the catalog knows; give a reason for every other row.

    reasons: ``berlin_district`` (not a Kreis), ``out_of_scope`` (a valid code outside the states the
    catalog covers), ``unknown_region`` (inside the covered states but not in the catalog, or not an
    AGS at all: an error for the caller), NULL when kept.
    """
    known = pc.is_in(codes, value_set=pa.array(list(catalog.regions), pa.string()))
    berlin = pc.match_substring_regex(codes, BERLIN_DISTRICT)
    ags_like = pc.match_substring_regex(codes, AGS_LIKE)
    in_scope = pa.array([False] * len(codes), pa.bool_())
    for prefix in catalog.region_scope():
        in_scope = pc.or_(in_scope, pc.starts_with(codes, prefix))
    none = pa.scalar(None, pa.string())
    reason = pc.if_else(
        known,
        none,
        pc.if_else(
            berlin,
            "berlin_district",
            pc.if_else(pc.and_(ags_like, pc.invert(in_scope)), "out_of_scope", "unknown_region"),
        ),
    )
    return known, reason
