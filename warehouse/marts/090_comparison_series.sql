-- A view: every region's series of each indicator it has, beside the series of its state and of Germany, and
-- for each series an index with the first period all drawn series have a figure = 100 (the report draws counts
-- so; a series that lacks that period gets no index). What a line chart of a region page shows.
CREATE OR REPLACE VIEW marts.comparison_series AS
WITH v AS (
    SELECT indicator_id, region_code, period, period_key, period_index, freq, value, unit, status
    FROM core.region_values WHERE valid_to IS NULL
), series AS (  -- each region with the regions drawn beside it
    SELECT region_code, region_code AS series_code, 'region' AS series_role FROM core.regions
    UNION ALL SELECT region_code, state_code, 'state' FROM marts.region_states WHERE state_code <> region_code
    UNION ALL SELECT region_code, country_code, 'country' FROM marts.region_states
), points AS (
    SELECT s.region_code, s.series_code, s.series_role, v.* EXCLUDE (region_code)
    FROM series s
    JOIN (SELECT DISTINCT region_code, indicator_id FROM v) own USING (region_code)
    JOIN v ON v.region_code = s.series_code AND v.indicator_id = own.indicator_id
), coverage AS (  -- per period: how many drawn series have a figure, and whether the region has one
    SELECT region_code, indicator_id, period_index, count(value) AS with_value,
           bool_or(series_role = 'region' AND value IS NOT NULL) AS own_value
    FROM points GROUP BY ALL
), drawn AS (
    SELECT region_code, indicator_id, count(DISTINCT series_code) FILTER (WHERE value IS NOT NULL) AS series_drawn
    FROM points GROUP BY ALL
), base AS (  -- the first period every drawn series has a figure; without one, the region's first figure
    SELECT c.region_code, c.indicator_id,
           coalesce(min(c.period_index) FILTER (WHERE c.with_value = d.series_drawn),
                    min(c.period_index) FILTER (WHERE c.own_value)) AS base_index
    FROM coverage c JOIN drawn d USING (region_code, indicator_id)
    GROUP BY ALL
)
SELECT p.region_code, r.name_de AS region_name_de, p.indicator_id, i.label_de AS indicator_label_de, i.topic,
       p.unit, marts.measure_of(p.unit) AS measure,
       p.series_code, sr.name_de AS series_name_de, p.series_role,
       p.period, p.period_key, p.period_index, p.freq, p.value, p.status,
       bp.period AS base_period,
       CASE WHEN p.period_index >= b.base_index AND bv.value > 0 THEN p.value / bv.value * 100 END AS index_base_100
FROM points p
JOIN base b USING (region_code, indicator_id)
LEFT JOIN points bv ON bv.region_code = p.region_code AND bv.indicator_id = p.indicator_id
                   AND bv.series_code = p.series_code AND bv.period_index = b.base_index
LEFT JOIN (SELECT DISTINCT region_code, indicator_id, period_index, period FROM points) bp
       ON bp.region_code = p.region_code AND bp.indicator_id = p.indicator_id AND bp.period_index = b.base_index
JOIN core.regions r ON r.region_code = p.region_code
JOIN core.regions sr ON sr.region_code = p.series_code
JOIN core.indicators i ON i.indicator_id = p.indicator_id;

COMMENT ON VIEW marts.comparison_series IS 'Per region and indicator it has: its series beside those of its state and of Germany (series_role), with an index where the first period all drawn series have a figure = 100 (base_period). The line charts of the report.';
COMMENT ON COLUMN marts.comparison_series.region_code IS 'The region whose page the chart is on (core.regions).';
COMMENT ON COLUMN marts.comparison_series.region_name_de IS 'Its name, German.';
COMMENT ON COLUMN marts.comparison_series.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.comparison_series.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.comparison_series.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.comparison_series.unit IS 'Unit of value.';
COMMENT ON COLUMN marts.comparison_series.measure IS 'relative (rate, share, per inhabitant: drawn as it is) or count (drawn as the index) (marts.measure_of).';
COMMENT ON COLUMN marts.comparison_series.series_code IS 'Region of this series: the region itself, its state or Germany.';
COMMENT ON COLUMN marts.comparison_series.series_name_de IS 'Name of that region, German.';
COMMENT ON COLUMN marts.comparison_series.series_role IS 'region, state or country.';
COMMENT ON COLUMN marts.comparison_series.period IS 'Reference period.';
COMMENT ON COLUMN marts.comparison_series.period_key IS 'The year for annual figures, else the period.';
COMMENT ON COLUMN marts.comparison_series.period_index IS 'Consecutive integer per period.';
COMMENT ON COLUMN marts.comparison_series.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN marts.comparison_series.value IS 'The series'' figure (NULL when withheld or incomplete, see status).';
COMMENT ON COLUMN marts.comparison_series.status IS 'Status of the figure.';
COMMENT ON COLUMN marts.comparison_series.base_period IS 'Period of the index base: the first period every drawn series has a figure (else the region''s first figure).';
COMMENT ON COLUMN marts.comparison_series.index_base_100 IS 'value / the series'' value in base_period × 100, from base_period on; NULL before it, or when the series has no positive figure then.';
