-- A view: the member Kreise of every aggregate region (partner region, Agentur district, Regionalverband,
-- Regierungsbezirk, state) per indicator and period, ranked within the region, beside the region's state figure
-- (the reference line of the report's bar charts for rates, shares and per-inhabitant figures).
CREATE OR REPLACE VIEW marts.member_ranking AS
WITH v AS (
    SELECT indicator_id, region_code, period, period_index, freq, value, unit, status
    FROM core.region_values WHERE valid_to IS NULL
), members AS (
    SELECT region_code, unnest(members) AS member_code FROM core.regions WHERE len(members) > 0
), ranked AS (
    SELECT m.region_code, v.indicator_id, v.period, v.period_index, v.freq, m.member_code, v.value, v.unit, v.status,
           CASE WHEN v.value IS NOT NULL THEN rank() OVER w END AS rank_in_region,
           count(v.value) OVER (PARTITION BY m.region_code, v.indicator_id, v.period) AS members_with_value,
           count(*) OVER (PARTITION BY m.region_code, v.indicator_id, v.period) AS members_listed
    FROM members m JOIN v ON v.region_code = m.member_code
    WINDOW w AS (PARTITION BY m.region_code, v.indicator_id, v.period ORDER BY v.value DESC NULLS LAST)
)
SELECT k.region_code, r.name_de AS region_name_de, k.indicator_id, i.label_de AS indicator_label_de, i.topic,
       k.unit, marts.measure_of(i.change_in) AS measure, k.period, k.period_index, k.freq,
       k.period_index = max(k.period_index) FILTER (WHERE k.value IS NOT NULL) OVER (PARTITION BY k.region_code, k.indicator_id) AS newest,
       k.member_code, mr.name_de AS member_name_de, k.value, k.status, k.rank_in_region, k.members_with_value,
       len(r.members) AS members, s.state_code AS reference_code, sr.name_de AS reference_name_de,
       ref.value AS reference_value, ref.status AS reference_status
FROM ranked k
JOIN core.regions r ON r.region_code = k.region_code
JOIN core.regions mr ON mr.region_code = k.member_code
JOIN core.indicators i ON i.indicator_id = k.indicator_id
LEFT JOIN marts.region_states s ON s.region_code = k.region_code
LEFT JOIN core.regions sr ON sr.region_code = s.state_code
LEFT JOIN v ref ON ref.region_code = s.state_code AND ref.indicator_id = k.indicator_id AND ref.period = k.period;

COMMENT ON VIEW marts.member_ranking IS 'The member Kreise of each aggregate region per indicator and period, ranked within the region (highest = 1), with the state''s figure as reference. The ranked bar charts of the report.';
COMMENT ON COLUMN marts.member_ranking.region_code IS 'The aggregate region (core.regions).';
COMMENT ON COLUMN marts.member_ranking.region_name_de IS 'Its name, German.';
COMMENT ON COLUMN marts.member_ranking.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.member_ranking.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.member_ranking.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.member_ranking.unit IS 'Unit of value and reference value.';
COMMENT ON COLUMN marts.member_ranking.measure IS 'relative (rate, share, per inhabitant: the state''s figure is the reference line) or count (marts.measure_of).';
COMMENT ON COLUMN marts.member_ranking.period IS 'Reference period.';
COMMENT ON COLUMN marts.member_ranking.period_index IS 'Consecutive integer per period.';
COMMENT ON COLUMN marts.member_ranking.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN marts.member_ranking.newest IS 'True for the newest period in which a member Kreis has a figure.';
COMMENT ON COLUMN marts.member_ranking.member_code IS 'The member Kreis.';
COMMENT ON COLUMN marts.member_ranking.member_name_de IS 'Its name, German.';
COMMENT ON COLUMN marts.member_ranking.value IS 'The Kreis'' figure (NULL when withheld, see status: never ranked).';
COMMENT ON COLUMN marts.member_ranking.status IS 'Status of the figure.';
COMMENT ON COLUMN marts.member_ranking.rank_in_region IS 'Rank among the region''s Kreise with a figure, highest = 1; ties share a rank.';
COMMENT ON COLUMN marts.member_ranking.members_with_value IS 'Member Kreise with a figure in that period (the rank is out of these).';
COMMENT ON COLUMN marts.member_ranking.members IS 'Member Kreise of the region.';
COMMENT ON COLUMN marts.member_ranking.reference_code IS 'The region''s state (marts.region_states).';
COMMENT ON COLUMN marts.member_ranking.reference_name_de IS 'Its name, German.';
COMMENT ON COLUMN marts.member_ranking.reference_value IS 'The state''s figure for the same indicator and period.';
COMMENT ON COLUMN marts.member_ranking.reference_status IS 'Status of the state''s figure.';
