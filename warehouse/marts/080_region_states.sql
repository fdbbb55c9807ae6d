-- What the charts compare a region with, and how a figure is read. A region's state is core.regions.state_code: the
-- state itself, its ancestor of level state (Kreis -> Regierungsbezirk -> state), an aggregate's declared state (a
-- network's YAML `state`) or else the one state all its member Kreise lie in; Germany has none.
CREATE OR REPLACE VIEW marts.region_states AS
SELECT region_code, state_code, (SELECT min(region_code) FROM core.regions WHERE level = 'country') AS country_code
FROM core.regions
WHERE level <> 'country';

COMMENT ON VIEW marts.region_states IS 'The state and the country each region is compared with in the report: the state itself, the state above a Kreis or Regierungsbezirk, an aggregate''s declared state, or the one state of its member Kreise.';
COMMENT ON COLUMN marts.region_states.region_code IS 'Region (core.regions); Germany is not listed.';
COMMENT ON COLUMN marts.region_states.state_code IS 'Its state (for a state: itself); NULL when its members lie in several states and it declares none.';
COMMENT ON COLUMN marts.region_states.country_code IS 'The country (DG).';

-- How a figure is read, from the catalog's one rule (core.indicators.change_in, catalog/models.py): 'relative' for
-- rates, shares and figures per inhabitant (changes in points): compared as they are, against the state's level;
-- 'count' for everything else (changes in %): drawn as an index.
CREATE OR REPLACE MACRO marts.measure_of(change_in) AS
    CASE change_in WHEN 'points' THEN 'relative' ELSE 'count' END;
