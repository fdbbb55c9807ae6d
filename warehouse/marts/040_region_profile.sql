-- One row per region × period (the year for annual figures) with one column per indicator, for
-- spreadsheet users. {{indicator_ids}} is filled in from the catalog by warehouse/marts.py
-- (a PIVOT inside a macro needs its columns named).
CREATE OR REPLACE MACRO marts.region_profile_as_of(as_of) AS TABLE
PIVOT (
    SELECT v.region_code, r.name_de AS region_name_de, r.level AS region_level, v.period_key AS period, v.indicator_id, v.value
    FROM marts.region_values_as_of(as_of) v JOIN core.regions r USING (region_code)
)
ON indicator_id IN ({{indicator_ids}})
USING first(value)
GROUP BY region_code, region_name_de, region_level, period;

CREATE OR REPLACE TABLE marts.region_profile AS
SELECT * FROM marts.region_profile_as_of(NULL);

COMMENT ON TABLE marts.region_profile IS 'One row per region and period (year for annual figures), one column per indicator (see core.indicators for labels and units). Another time: marts.region_profile_as_of(TIMESTAMP ''2026-01-31'').';
COMMENT ON COLUMN marts.region_profile.region_code IS 'Region (core.regions).';
COMMENT ON COLUMN marts.region_profile.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.region_profile.region_level IS 'Level of the region.';
COMMENT ON COLUMN marts.region_profile.period IS 'The year for annual figures, else the period.';
