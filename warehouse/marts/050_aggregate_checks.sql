-- Where the provider publishes its own figure for a Regierungsbezirk or the state, the warehouse
-- keeps it and sets the sum of the region's Kreise beside it (computed in transforms/derive.py,
-- registered by warehouse/marts.py as aggregate_checks_in).
CREATE OR REPLACE TABLE marts.aggregate_checks AS
SELECT c.indicator_id, c.region_code, r.name_de AS region_name_de, c.period, c.provider_value, c.kreise_sum,
       c.kreise_sum - c.provider_value                                AS difference,
       (c.kreise_sum - c.provider_value) / nullif(c.provider_value, 0) * 100 AS difference_pct,
       c.kreise
FROM aggregate_checks_in c JOIN core.regions r USING (region_code)
ORDER BY abs(difference_pct) DESC NULLS LAST, c.indicator_id, c.region_code, c.period;

COMMENT ON TABLE marts.aggregate_checks IS 'Provider figures of Regierungsbezirke and the state beside the sum of their Kreise (only complete sums). The provider figure is the one shown in the other marts.';
COMMENT ON COLUMN marts.aggregate_checks.indicator_id IS 'Indicator id (summed indicators only).';
COMMENT ON COLUMN marts.aggregate_checks.region_code IS 'Region the provider publishes a figure for.';
COMMENT ON COLUMN marts.aggregate_checks.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.aggregate_checks.period IS 'Reference period.';
COMMENT ON COLUMN marts.aggregate_checks.provider_value IS 'The provider''s figure for the region.';
COMMENT ON COLUMN marts.aggregate_checks.kreise_sum IS 'Sum of the figures of its member Kreise.';
COMMENT ON COLUMN marts.aggregate_checks.difference IS 'kreise_sum − provider_value.';
COMMENT ON COLUMN marts.aggregate_checks.difference_pct IS 'That difference in % of the provider figure.';
COMMENT ON COLUMN marts.aggregate_checks.kreise IS 'Number of member Kreise summed.';
