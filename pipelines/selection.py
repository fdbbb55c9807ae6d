"""The `regions` parameter of a run, turned into the regional selections a provider's requests carry.

A run names catalog regions: Kreise, Regierungsbezirke, the state, Germany, or an aggregate (partner
region, Agentur-für-Arbeit district, Regionalverband), which stands for its member Kreise. GENESIS
takes one regional variable per request, so the codes are grouped by level, one request per level.
"""

from __future__ import annotations

from catalog import Catalog

# GENESIS regional variable per catalog level; the country (DINSG) takes no key.
GENESIS_VARIABLES = {"kreis": "KREISE", "regbez": "REGBEZ", "state": "DLAND", "country": "DINSG"}

Selection = tuple[tuple[str, str], ...]


def regional_selections(catalog: Catalog, source_id: str, codes: list[str]) -> list[Selection]:
    """One selection per regional level, in the order Kreise, Regierungsbezirke, state, Germany."""
    provider = catalog.sources[source_id].provider
    if provider != "genesis":
        raise ValueError(f"source {source_id}: no regional selection for provider {provider!r}")
    unknown = sorted(set(codes) - set(catalog.regions))
    if unknown:
        raise ValueError(f"unknown regions {unknown}: use codes of catalog/regions.yaml (e.g. 08125, 081, 08, DG, heilbronn-franken)")
    by_level: dict[str, set[str]] = {}
    for code in codes:
        for member in catalog.regions[code].members or (code,):
            by_level.setdefault(catalog.regions[member].level, set()).add(member)
    selections: list[Selection] = []
    for level, variable in GENESIS_VARIABLES.items():
        if level in by_level:
            key = () if level == "country" else (("regionalkey", ",".join(sorted(by_level[level]))),)
            selections.append((("regionalvariable", variable),) + key)
    return selections
