-- A view: each region's newest figure per indicator (a forecast, a period after its release's year, is not a
-- newest figure), with its changes and its index against the region's state (the state: against Germany). The
-- headline tiles of the report and the figures of its index page. A change is given only between figures of
-- one release: an actual figure against an old release's forecast is no change.
CREATE OR REPLACE VIEW marts.headline_figures AS
WITH releases AS (
    SELECT indicator_id, region_code, period, max(release) AS release
    FROM core.observations WHERE valid_to IS NULL AND release IS NOT NULL GROUP BY ALL
), c AS (
    SELECT c.* REPLACE (
               CASE WHEN rel.release IS NOT DISTINCT FROM r1.release THEN c.change_previous END AS change_previous,
               CASE WHEN rel.release IS NOT DISTINCT FROM r1.release THEN c.change_previous_pct END AS change_previous_pct,
               CASE WHEN rel.release IS NOT DISTINCT FROM r5.release THEN c.change_5_periods END AS change_5_periods,
               CASE WHEN rel.release IS NOT DISTINCT FROM r5.release THEN c.change_5_periods_pct END AS change_5_periods_pct),
           rel.release,
           -- the comparison wanted: against the region's state (the state's own: against Germany)
           c.reference_code IS NOT DISTINCT FROM coalesce(nullif(s.state_code, c.region_code), s.country_code) AS wanted
    FROM marts.region_comparison c
    LEFT JOIN marts.region_states s ON s.region_code = c.region_code
    LEFT JOIN releases rel ON rel.indicator_id = c.indicator_id AND rel.region_code = c.region_code AND rel.period = c.period
    LEFT JOIN releases r1 ON r1.indicator_id = c.indicator_id AND r1.region_code = c.region_code AND r1.period = c.previous_period
    LEFT JOIN releases r5 ON r5.indicator_id = c.indicator_id AND r5.region_code = c.region_code AND r5.period = c.period_5_back
    WHERE NOT coalesce(try_cast(left(c.period, 4) AS INTEGER) > try_cast(left(rel.release, 4) AS INTEGER), false)
)
SELECT indicator_id, indicator_label_de, topic, region_code, region_name_de, region_level, period, freq, value, unit,
       marts.measure_of((SELECT i.change_in FROM core.indicators i WHERE i.indicator_id = c.indicator_id)) AS measure,
       status, release, previous_period, change_previous, change_previous_pct,
       period_5_back, change_5_periods, change_5_periods_pct,
       CASE WHEN wanted THEN reference_code END AS reference_code,
       CASE WHEN wanted THEN reference_name_de END AS reference_name_de,
       CASE WHEN wanted THEN reference_value END AS reference_value,
       CASE WHEN wanted THEN index_reference_100 END AS index_reference_100
FROM c
QUALIFY row_number() OVER (PARTITION BY region_code, indicator_id ORDER BY value IS NULL, period DESC, wanted DESC) = 1;

COMMENT ON VIEW marts.headline_figures IS 'The newest figure of each region and indicator (forecasts left out) with its change to the previous period and to five periods back, and its index against the region''s state (for the state: Germany). Headline tiles and the report''s index page.';
COMMENT ON COLUMN marts.headline_figures.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.headline_figures.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.headline_figures.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.headline_figures.region_code IS 'Region (core.regions).';
COMMENT ON COLUMN marts.headline_figures.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.headline_figures.region_level IS 'Level of the region.';
COMMENT ON COLUMN marts.headline_figures.period IS 'The newest period with a figure (the newest period at all when none has one).';
COMMENT ON COLUMN marts.headline_figures.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN marts.headline_figures.value IS 'The figure (NULL when withheld or incomplete, see status).';
COMMENT ON COLUMN marts.headline_figures.unit IS 'Unit of the value.';
COMMENT ON COLUMN marts.headline_figures.measure IS 'relative (changes in points) or count (changes in %) (marts.measure_of).';
COMMENT ON COLUMN marts.headline_figures.status IS 'Status: provisional, estimated, incomplete, … (core.statuses); NULL for a plain figure.';
COMMENT ON COLUMN marts.headline_figures.release IS 'Release of the figure where the provider dates them.';
COMMENT ON COLUMN marts.headline_figures.previous_period IS 'The period before.';
COMMENT ON COLUMN marts.headline_figures.change_previous IS 'value − value of the previous period (NULL when the two are figures of different releases).';
COMMENT ON COLUMN marts.headline_figures.change_previous_pct IS 'That change in %.';
COMMENT ON COLUMN marts.headline_figures.period_5_back IS 'The period five periods before.';
COMMENT ON COLUMN marts.headline_figures.change_5_periods IS 'value − value five periods before.';
COMMENT ON COLUMN marts.headline_figures.change_5_periods_pct IS 'That change in %.';
COMMENT ON COLUMN marts.headline_figures.reference_code IS 'The region''s state (for the state: Germany); NULL when it has no figure.';
COMMENT ON COLUMN marts.headline_figures.reference_name_de IS 'Its name, German.';
COMMENT ON COLUMN marts.headline_figures.reference_value IS 'Its figure for the same indicator and period.';
COMMENT ON COLUMN marts.headline_figures.index_reference_100 IS 'value / reference value × 100.';
