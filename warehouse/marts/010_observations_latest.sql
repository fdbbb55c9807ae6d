-- A view (always current, nothing to rebuild): the current provider figure of every indicator × region × period (× release, where the provider gives one), with labels, unit, status and credit line.
CREATE OR REPLACE VIEW marts.observations_latest AS
SELECT
    o.indicator_id,
    i.label_de        AS indicator_label_de,
    i.label_en        AS indicator_label_en,
    i.topic,
    o.region_code,
    r.name_de         AS region_name_de,
    r.name_en         AS region_name_en,
    r.level           AS region_level,
    o.period,
    o.freq,
    o.value,
    o.unit,
    o.status,
    o.marker,
    s.suppressed      AS value_suppressed,
    o.source_id,
    o.table_id,
    src.citation,
    src.licence,
    o.release,
    o.valid_from      AS published_since,
    o.batch_id
FROM core.observations o
JOIN core.indicators i USING (indicator_id)
JOIN core.regions r USING (region_code)
JOIN core.sources src ON src.source_id = o.source_id
LEFT JOIN core.statuses s ON s.marker = o.marker AND s.provider = src.provider
WHERE o.valid_to IS NULL;

COMMENT ON VIEW marts.observations_latest IS 'Current provider figure of every indicator, region and period, and release where the provider gives one (as loaded, with batch and marker) with German and English labels, unit, status flags and the source''s credit line.';
COMMENT ON COLUMN marts.observations_latest.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.observations_latest.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.observations_latest.indicator_label_en IS 'Indicator label, English.';
COMMENT ON COLUMN marts.observations_latest.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.observations_latest.region_code IS 'AGS of the region, DG for Germany.';
COMMENT ON COLUMN marts.observations_latest.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.observations_latest.region_name_en IS 'Region name, English.';
COMMENT ON COLUMN marts.observations_latest.region_level IS 'country, state, regbez or kreis.';
COMMENT ON COLUMN marts.observations_latest.period IS 'Year (2024) or reference date (2024-12-31).';
COMMENT ON COLUMN marts.observations_latest.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN marts.observations_latest.value IS 'The figure; NULL when suppressed by the provider (see status), never 0 in its place.';
COMMENT ON COLUMN marts.observations_latest.unit IS 'Unit of the value.';
COMMENT ON COLUMN marts.observations_latest.status IS 'Provider marker as a word (core.statuses); NULL for a plain value.';
COMMENT ON COLUMN marts.observations_latest.marker IS 'The marker as the provider wrote it.';
COMMENT ON COLUMN marts.observations_latest.value_suppressed IS 'True when the provider withheld the value.';
COMMENT ON COLUMN marts.observations_latest.source_id IS 'Source of the figure.';
COMMENT ON COLUMN marts.observations_latest.table_id IS 'Provider table of the figure.';
COMMENT ON COLUMN marts.observations_latest.citation IS 'Credit line to show with the figure.';
COMMENT ON COLUMN marts.observations_latest.licence IS 'Licence of the figure.';
COMMENT ON COLUMN marts.observations_latest.release IS 'The provider''s release date of the figure (partner files: Stand); NULL where the provider gives none.';
COMMENT ON COLUMN marts.observations_latest.published_since IS 'When this vintage was first loaded.';
COMMENT ON COLUMN marts.observations_latest.batch_id IS 'Batch that delivered it (raw.batches).';
