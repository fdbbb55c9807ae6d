-- A view: every region's series of each indicator it has a figure of, beside the series of its state and of Germany, and
-- for each series an index with the first period all drawn series have a figure = 100 (the report draws counts
-- so; a series that lacks that period gets no index). What a line chart of a region page shows.
CREATE OR REPLACE VIEW marts.comparison_series AS
WITH v AS (
    SELECT indicator_id, region_code, period, period_key, period_index, freq, value, unit, status
    FROM core.region_values WHERE valid_to IS NULL
), has AS (  -- whether a region has any figure of an indicator (a reference without any is not drawn)
    SELECT region_code, indicator_id FROM v WHERE value IS NOT NULL GROUP BY ALL
), base AS (  -- the first period the region and each reference that is drawn have a figure; else the region's first
    SELECT o.region_code, o.indicator_id,
           coalesce(min(o.period_index) FILTER (WHERE (s.value IS NOT NULL OR hs.region_code IS NULL OR rs.state_code = o.region_code)
                                                  AND (c.value IS NOT NULL OR hc.region_code IS NULL)),
                    min(o.period_index)) AS base_index
    FROM v o
    JOIN marts.region_states rs ON rs.region_code = o.region_code
    LEFT JOIN v s ON s.region_code = rs.state_code AND s.indicator_id = o.indicator_id AND s.period_index = o.period_index
    LEFT JOIN has hs ON hs.region_code = rs.state_code AND hs.indicator_id = o.indicator_id
    LEFT JOIN v c ON c.region_code = rs.country_code AND c.indicator_id = o.indicator_id AND c.period_index = o.period_index
    LEFT JOIN has hc ON hc.region_code = rs.country_code AND hc.indicator_id = o.indicator_id
    WHERE o.value IS NOT NULL
    GROUP BY ALL
), series AS (  -- each region with the regions drawn beside it
    SELECT region_code, region_code AS series_code, 'region' AS series_role FROM marts.region_states
    UNION ALL SELECT region_code, state_code, 'state' FROM marts.region_states WHERE state_code <> region_code
    UNION ALL SELECT region_code, country_code, 'country' FROM marts.region_states
)
SELECT b.region_code, r.name_de AS region_name_de, b.indicator_id, i.label_de AS indicator_label_de, i.topic,
       p.unit, marts.measure_of(i.change_in) AS measure,
       s.series_code, sr.name_de AS series_name_de, s.series_role,
       p.period, p.period_key, p.period_index, p.freq, p.value, p.status,
       bp.period AS base_period,
       CASE WHEN p.period_index >= b.base_index AND bv.value > 0 THEN p.value / bv.value * 100 END AS index_base_100
FROM base b
JOIN series s ON s.region_code = b.region_code
JOIN v p ON p.region_code = s.series_code AND p.indicator_id = b.indicator_id
LEFT JOIN v bv ON bv.region_code = s.series_code AND bv.indicator_id = b.indicator_id AND bv.period_index = b.base_index
JOIN v bp ON bp.region_code = b.region_code AND bp.indicator_id = b.indicator_id AND bp.period_index = b.base_index
JOIN core.regions r ON r.region_code = b.region_code
JOIN core.regions sr ON sr.region_code = s.series_code
JOIN core.indicators i ON i.indicator_id = b.indicator_id;

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
