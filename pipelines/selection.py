"""The `regions` parameter of a run, turned into the regional selections a provider's requests carry.

A run names catalog regions: Kreise, Regierungsbezirke, the state, Germany, or an aggregate (partner
region, Agentur-für-Arbeit district, Regionalverband), which stands for its member Kreise. The codes
are grouped by level here; the provider module says how a level is selected (its `PROVIDER.selections`:
sources/genesis/, sources/ba.py).
"""

from __future__ import annotations

from catalog import Catalog, SourceTable
from sources.contract import Selection
from sources.registry import provider


def regional_selections(catalog: Catalog, source_id: str, codes: list[str], table: SourceTable | None = None) -> list[Selection]:
    """GENESIS: one selection per regional level, in the order Kreise, Regierungsbezirke, state, Germany.
    BA: one selection of the regions at the levels `table` has a parameter for (none: no request)."""
    name = catalog.sources[source_id].provider
    selections = provider(name, source_id).selections
    if selections is None:
        raise ValueError(f"source {source_id}: no regional selection for provider {name!r}")
    unknown = sorted(set(codes) - set(catalog.regions))
    if unknown:
        raise ValueError(f"unknown regions {unknown}: use codes of catalog/regions.yaml (e.g. 08125, 081, 08, DG, heilbronn-franken)")
    by_level: dict[str, set[str]] = {}
    for code in codes:
        for member in catalog.regions[code].members or (code,):
            by_level.setdefault(catalog.regions[member].level, set()).add(member)
    return selections(by_level, table)
