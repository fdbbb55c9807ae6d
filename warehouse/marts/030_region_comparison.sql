-- Each region against a reference region: value, reference value, index (reference = 100),
-- difference, rank among the regions of its level (for a Kreis: among all of today's Kreise of Germany, on today's
-- territory) and among those of its state, change against the previous period and five periods back.
-- reference NULL = against its own state and against Germany (one row each). Changes over 1, 5 and 10 years against
-- the same period of the year: marts.indicator_changes, joined on (indicator_id, region_code, period).
CREATE OR REPLACE MACRO marts.region_comparison_as_of(as_of, reference := NULL) AS TABLE
WITH f AS (  -- the figures, narrow: labels are joined last (the window below sorts every column it carries)
    SELECT v.indicator_id, v.region_code, r.level AS region_level, r.state_code, v.period, v.period_index, v.freq, v.value,
           v.unit, v.status
    FROM marts.region_values_as_of(as_of) v JOIN core.regions r USING (region_code)
), w AS (
    SELECT *,
           -- NULLs sort last, so they do not shift the ranks of the figures; they get no rank themselves
           CASE WHEN value IS NOT NULL THEN rank() OVER level_ranking END AS rank_in_level,
           count(value) OVER (PARTITION BY indicator_id, period, region_level) AS regions_in_level,
           CASE WHEN value IS NOT NULL AND state_code IS NOT NULL THEN rank() OVER state_ranking END AS rank_in_state,
           CASE WHEN state_code IS NOT NULL THEN count(value) OVER (PARTITION BY indicator_id, period, region_level, state_code) END
               AS regions_in_state,
           -- the five figures before in the series (a period index is unique in it): the k-th is k or more periods back.
           -- Windows, not self-joins on the period index: the joins held two more copies of every figure in memory.
           lag(period_index, 1) OVER series AS index_1, lag(period, 1) OVER series AS period_1, lag(value, 1) OVER series AS value_1,
           lag(period_index, 2) OVER series AS index_2, lag(period, 2) OVER series AS period_2, lag(value, 2) OVER series AS value_2,
           lag(period_index, 3) OVER series AS index_3, lag(period, 3) OVER series AS period_3, lag(value, 3) OVER series AS value_3,
           lag(period_index, 4) OVER series AS index_4, lag(period, 4) OVER series AS period_4, lag(value, 4) OVER series AS value_4,
           lag(period_index, 5) OVER series AS index_5, lag(period, 5) OVER series AS period_5, lag(value, 5) OVER series AS value_5
    FROM f
    WINDOW level_ranking AS (PARTITION BY indicator_id, period, region_level ORDER BY value DESC NULLS LAST),
           state_ranking AS (PARTITION BY indicator_id, period, region_level, state_code ORDER BY value DESC NULLS LAST),
           series AS (PARTITION BY indicator_id, region_code, freq ORDER BY period_index)
), v AS (  -- exactly one and five periods back: a gap in the series gives NULL, not an older period
    SELECT * EXCLUDE (index_1, period_1, value_1, index_2, period_2, value_2, index_3, period_3, value_3,
                      index_4, period_4, value_4, index_5, period_5, value_5),
           CASE period_index - 1 WHEN index_1 THEN period_1 END AS previous_period,
           CASE period_index - 1 WHEN index_1 THEN value_1 END AS previous_value,
           CASE period_index - 5 WHEN index_5 THEN period_5 WHEN index_4 THEN period_4 WHEN index_3 THEN period_3
                                 WHEN index_2 THEN period_2 WHEN index_1 THEN period_1 END AS period_5_back,
           CASE period_index - 5 WHEN index_5 THEN value_5 WHEN index_4 THEN value_4 WHEN index_3 THEN value_3
                                 WHEN index_2 THEN value_2 WHEN index_1 THEN value_1 END AS value_5_back
    FROM w
), ref AS (
    SELECT indicator_id, period, region_code, region_level, value, status FROM f
    WHERE CASE WHEN reference IS NULL THEN region_level IN ('state', 'country') ELSE region_code = reference END
)
SELECT v.indicator_id, i.label_de AS indicator_label_de, i.label_en AS indicator_label_en, i.topic,
       v.region_code, r.name_de AS region_name_de, r.name_en AS region_name_en, v.region_level,
       v.period, v.freq, v.value, v.unit, v.status,
       ref.region_code                                   AS reference_code,
       rr.name_de                                        AS reference_name_de,
       ref.value                                         AS reference_value,
       ref.status                                        AS reference_status,
       v.value / nullif(ref.value, 0) * 100              AS index_reference_100,
       v.value - ref.value                               AS difference,
       v.rank_in_level,
       v.regions_in_level,
       v.rank_in_state,
       v.regions_in_state,
       v.previous_period,
       v.value - v.previous_value                        AS change_previous,
       (v.value / nullif(v.previous_value, 0) - 1) * 100 AS change_previous_pct,
       v.period_5_back,
       v.value - v.value_5_back                          AS change_5_periods,
       (v.value / nullif(v.value_5_back, 0) - 1) * 100   AS change_5_periods_pct
FROM v
-- a figure no reference region has (e.g. a partner file's) is kept once, with no reference
LEFT JOIN ref ON ref.indicator_id = v.indicator_id AND ref.period = v.period
              AND (reference IS NOT NULL OR ref.region_level = 'country' OR ref.region_code = v.state_code)
JOIN core.indicators i ON i.indicator_id = v.indicator_id
JOIN core.regions r ON r.region_code = v.region_code
LEFT JOIN core.regions rr ON rr.region_code = ref.region_code;

CREATE OR REPLACE TABLE marts.region_comparison AS
SELECT * FROM marts.region_comparison_as_of(NULL);

COMMENT ON TABLE marts.region_comparison IS 'Each region against the state and against Germany (reference_code), per indicator and period: index (reference = 100), difference, rank in its level, changes to the previous period and five periods back (over 1, 5 and 10 years against the same period of the year: join marts.indicator_changes on indicator_id, region_code, period). Other reference or another time: marts.region_comparison_as_of(as_of, reference := ''heilbronn-franken'').';
COMMENT ON COLUMN marts.region_comparison.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.region_comparison.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.region_comparison.indicator_label_en IS 'Indicator label, English.';
COMMENT ON COLUMN marts.region_comparison.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.region_comparison.region_code IS 'The region compared (core.regions).';
COMMENT ON COLUMN marts.region_comparison.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.region_comparison.region_name_en IS 'Region name, English.';
COMMENT ON COLUMN marts.region_comparison.region_level IS 'Level of the region; ranks are within this level.';
COMMENT ON COLUMN marts.region_comparison.period IS 'Reference period.';
COMMENT ON COLUMN marts.region_comparison.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN marts.region_comparison.value IS 'The region''s figure (NULL when withheld or incomplete).';
COMMENT ON COLUMN marts.region_comparison.unit IS 'Unit of value, reference value and difference.';
COMMENT ON COLUMN marts.region_comparison.status IS 'Status of the region''s figure.';
COMMENT ON COLUMN marts.region_comparison.reference_code IS 'Reference region: the region''s own state (core.regions.state_code) or Germany; NULL when neither has a figure of this indicator and period (the region''s row is kept, without comparison).';
COMMENT ON COLUMN marts.region_comparison.reference_name_de IS 'Reference region name, German.';
COMMENT ON COLUMN marts.region_comparison.reference_value IS 'The reference region''s figure for the same indicator and period.';
COMMENT ON COLUMN marts.region_comparison.reference_status IS 'Status of the reference figure.';
COMMENT ON COLUMN marts.region_comparison.index_reference_100 IS 'value / reference value × 100.';
COMMENT ON COLUMN marts.region_comparison.difference IS 'value − reference value (percentage points for rates).';
COMMENT ON COLUMN marts.region_comparison.rank_in_level IS 'Rank by value, highest = 1, among the regions of the same level with a figure; ties share a rank. For a Kreis: among all of today''s Kreise of Germany (former Kreise are another level), on today''s territory.';
COMMENT ON COLUMN marts.region_comparison.regions_in_level IS 'Regions of that level with a figure (the rank is out of these).';
COMMENT ON COLUMN marts.region_comparison.rank_in_state IS 'Rank by value, highest = 1, among the regions of the same level in the same state (core.regions.state_code) with a figure; ties share a rank; NULL for Germany and for an aggregate without one state.';
COMMENT ON COLUMN marts.region_comparison.regions_in_state IS 'Regions of that level in that state with a figure (rank_in_state is out of these).';
COMMENT ON COLUMN marts.region_comparison.previous_period IS 'The period before (NULL when the warehouse has none).';
COMMENT ON COLUMN marts.region_comparison.change_previous IS 'value − value of the previous period (percentage points for rates).';
COMMENT ON COLUMN marts.region_comparison.change_previous_pct IS 'Change against the previous period in %.';
COMMENT ON COLUMN marts.region_comparison.period_5_back IS 'The period five periods before.';
COMMENT ON COLUMN marts.region_comparison.change_5_periods IS 'value − value five periods before.';
COMMENT ON COLUMN marts.region_comparison.change_5_periods_pct IS 'Change against five periods before in %.';
