-- A network's own region beside the regions its YAML file names to compare with (core.regions.compare_with), per
-- indicator and period: both figures, the index (peer = 100) and the difference. Its state and Germany are in
-- marts.region_comparison.
CREATE OR REPLACE VIEW marts.peer_comparison AS
WITH v AS (
    SELECT indicator_id, region_code, period, freq, value, unit, status FROM core.region_values WHERE valid_to IS NULL
), peers AS (
    SELECT region_code, unnest(compare_with) AS peer_code FROM core.regions WHERE len(compare_with) > 0
)
SELECT p.region_code, r.name_de AS region_name_de, p.peer_code, pr.name_de AS peer_name_de,
       v.indicator_id, i.label_de AS indicator_label_de, i.topic, v.period, v.freq, v.value, v.unit, v.status,
       pv.value AS peer_value, pv.status AS peer_status,
       v.value / nullif(pv.value, 0) * 100 AS index_peer_100,
       v.value - pv.value AS difference
FROM peers p
JOIN v ON v.region_code = p.region_code
JOIN core.regions r ON r.region_code = p.region_code
JOIN core.regions pr ON pr.region_code = p.peer_code
JOIN core.indicators i ON i.indicator_id = v.indicator_id
LEFT JOIN v pv ON pv.region_code = p.peer_code AND pv.indicator_id = v.indicator_id AND pv.period = v.period;

COMMENT ON VIEW marts.peer_comparison IS 'A region (a network''s own region) beside each region it is compared with (networks/*.yaml compare_with), per indicator and period.';
COMMENT ON COLUMN marts.peer_comparison.region_code IS 'The region (core.regions).';
COMMENT ON COLUMN marts.peer_comparison.region_name_de IS 'Its name, German.';
COMMENT ON COLUMN marts.peer_comparison.peer_code IS 'A region it is compared with.';
COMMENT ON COLUMN marts.peer_comparison.peer_name_de IS 'That region''s name, German.';
COMMENT ON COLUMN marts.peer_comparison.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.peer_comparison.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.peer_comparison.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.peer_comparison.period IS 'Reference period.';
COMMENT ON COLUMN marts.peer_comparison.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN marts.peer_comparison.value IS 'The region''s figure (NULL when withheld or incomplete, see status).';
COMMENT ON COLUMN marts.peer_comparison.unit IS 'Unit of both figures.';
COMMENT ON COLUMN marts.peer_comparison.status IS 'Status of the region''s figure.';
COMMENT ON COLUMN marts.peer_comparison.peer_value IS 'The compared region''s figure of the same indicator and period (NULL when it has none).';
COMMENT ON COLUMN marts.peer_comparison.peer_status IS 'Status of the compared region''s figure.';
COMMENT ON COLUMN marts.peer_comparison.index_peer_100 IS 'value / peer value × 100.';
COMMENT ON COLUMN marts.peer_comparison.difference IS 'value − peer value (percentage points for rates).';
