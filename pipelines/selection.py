"""The `regions` parameter of a run, turned into the regional selections a provider's requests carry.

A run names catalog regions: Kreise, Regierungsbezirke, the state, Germany, or an aggregate (partner
region, Agentur-für-Arbeit district, Regionalverband), which stands for its member Kreise. The codes
are grouped by level here; the provider module says how a level is selected (sources/genesis.py,
sources/ba.py).
"""

from __future__ import annotations

from collections.abc import Callable

from catalog import Catalog, SourceTable
from sources import ba, genesis

Selection = tuple[tuple[str, str], ...]
# provider -> (catalog codes by level, the table asked for) -> its selections
SELECTIONS: dict[str, Callable[[dict[str, set[str]], SourceTable | None], list[Selection]]] = {
    "genesis": lambda by_level, table: genesis.regional_selections(by_level),
    "ba": ba.regional_selections,
}


def regional_selections(catalog: Catalog, source_id: str, codes: list[str], table: SourceTable | None = None) -> list[Selection]:
    """GENESIS: one selection per regional level, in the order Kreise, Regierungsbezirke, state, Germany.
    BA: one selection of the regions at the levels `table` has a parameter for (none: no request)."""
    provider = catalog.sources[source_id].provider
    if provider not in SELECTIONS:
        raise ValueError(f"source {source_id}: no regional selection for provider {provider!r}")
    unknown = sorted(set(codes) - set(catalog.regions))
    if unknown:
        raise ValueError(f"unknown regions {unknown}: use codes of catalog/regions.yaml (e.g. 08125, 081, 08, DG, heilbronn-franken)")
    by_level: dict[str, set[str]] = {}
    for code in codes:
        for member in catalog.regions[code].members or (code,):
            by_level.setdefault(catalog.regions[member].level, set()).add(member)
    return SELECTIONS[provider](by_level, table)
