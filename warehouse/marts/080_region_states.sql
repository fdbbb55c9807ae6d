-- What the charts compare a region with, and how a figure is read. A region's state is the state itself, its
-- ancestor of level state (Kreis -> Regierungsbezirk -> state), or for an aggregate of Kreise (partner region,
-- Agentur district, Regionalverband) the one state all its members lie in; Germany has none.
CREATE OR REPLACE VIEW marts.region_states AS
WITH RECURSIVE ancestors(region_code, ancestor) AS (
    SELECT region_code, parent FROM core.regions WHERE parent IS NOT NULL
    UNION ALL
    SELECT a.region_code, r.parent FROM ancestors a JOIN core.regions r ON r.region_code = a.ancestor WHERE r.parent IS NOT NULL
), by_line AS (
    SELECT region_code, region_code AS state_code FROM core.regions WHERE level = 'state'
    UNION ALL
    SELECT a.region_code, a.ancestor FROM ancestors a JOIN core.regions s ON s.region_code = a.ancestor AND s.level = 'state'
), by_members AS (
    SELECT g.region_code, min(b.state_code) AS state_code
    FROM (SELECT region_code, unnest(members) AS member FROM core.regions WHERE parent IS NULL AND level <> 'country') g
    JOIN by_line b ON b.region_code = g.member
    GROUP BY g.region_code HAVING count(DISTINCT b.state_code) = 1
)
SELECT r.region_code, coalesce(l.state_code, m.state_code) AS state_code,
       (SELECT min(region_code) FROM core.regions WHERE level = 'country') AS country_code
FROM core.regions r
LEFT JOIN by_line l USING (region_code)
LEFT JOIN by_members m USING (region_code)
WHERE r.level <> 'country';

COMMENT ON VIEW marts.region_states IS 'The state and the country each region is compared with in the report: the state itself, the state above a Kreis or Regierungsbezirk, or the one state of an aggregate''s member Kreise.';
COMMENT ON COLUMN marts.region_states.region_code IS 'Region (core.regions); Germany is not listed.';
COMMENT ON COLUMN marts.region_states.state_code IS 'Its state (for a state: itself); NULL when its members lie in several states.';
COMMENT ON COLUMN marts.region_states.country_code IS 'The country (DG).';

-- How a figure is read, from the catalog's one rule (core.indicators.change_in, catalog/models.py): 'relative' for
-- rates, shares and figures per inhabitant (changes in points): compared as they are, against the state's level;
-- 'count' for everything else (changes in %): drawn as an index.
CREATE OR REPLACE MACRO marts.measure_of(change_in) AS
    CASE change_in WHEN 'points' THEN 'relative' ELSE 'count' END;
