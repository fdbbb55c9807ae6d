-- The alliances' goals (core.goals, from their registers) against the figures of the warehouse: per goal and year from
-- its baseline to its target year, the region's figure, the target path, the gap to it, a status, and beside them the
-- same change for the region's state, so that a regional success can be told from a tide that lifted everyone.
-- The arithmetic is here, in SQL; the review (reports/review.py) only shows it. The figures are those of
-- core.region_values (aggregates recomputed from their Kreise, never averaged; NULL with status `incomplete` where a
-- Kreis is missing); the macros answer as the published warehouse showed goals and figures at `as_of` (NULL = now).

-- A figure at its published precision (core.units.decimals), as the integer count of its last decimal: figures equal
-- at that precision compare equal, never by float equality (2.8 and 2.8000000001 both 28 at one decimal).
CREATE OR REPLACE MACRO marts.at_precision(x, decimals) AS CAST(round(x * pow(10, decimals)) AS HUGEINT);

-- Whether `x` is at least as good as `reference` in the goal's direction (higher or lower is better), at that precision.
CREATE OR REPLACE MACRO marts.meets(x, reference, direction, decimals) AS
    CASE direction WHEN 'higher' THEN marts.at_precision(x, decimals) >= marts.at_precision(reference, decimals)
                   ELSE marts.at_precision(x, decimals) <= marts.at_precision(reference, decimals) END;

-- Changes are read through marts.change (025_indicator_changes.sql): points for rates and shares, % for counts.

CREATE OR REPLACE MACRO marts.goals_as_of(as_of) AS TABLE
SELECT * FROM core.goals WHERE marts.shown_at(valid_from, valid_to, as_of);

CREATE OR REPLACE MACRO marts.goal_progress_as_of(as_of) AS TABLE
WITH g AS (
    SELECT g.*, r.name_de AS region_name_de, s.state_code, sr.name_de AS state_name_de,
           i.label_de AS indicator_label_de, i.unit, i.change_in AS changes_in, u.decimals
    FROM marts.goals_as_of(as_of) g
    JOIN core.regions r ON r.region_code = g.region_code
    JOIN core.indicators i ON i.indicator_id = g.indicator_id
    JOIN core.units u ON u.unit = i.unit
    LEFT JOIN marts.region_states s ON s.region_code = g.region_code
    LEFT JOIN core.regions sr ON sr.region_code = s.state_code
), v AS (  -- the annual figures, by year
    SELECT indicator_id, region_code, period_index AS year, period, value, status, missing
    FROM marts.region_values_as_of(as_of) WHERE freq = 'A'
), years AS (
    SELECT g.*, unnest(generate_series(g.baseline_year, g.target_year)) AS year FROM g
), p AS (  -- each year with the figures of the region and of its state, at the baseline and in that year
    SELECT y.*,
           b.value AS baseline_value, a.period AS actual_period, a.value AS actual_value, a.status AS actual_status,
           a.missing, sb.value AS state_baseline_value, sa.value AS state_value,
           (y.year - y.baseline_year) / (y.target_year - y.baseline_year) AS share_of_time
    FROM years y
    LEFT JOIN v b ON b.indicator_id = y.indicator_id AND b.region_code = y.region_code AND b.year = y.baseline_year
    LEFT JOIN v a ON a.indicator_id = y.indicator_id AND a.region_code = y.region_code AND a.year = y.year
    LEFT JOIN v sb ON sb.indicator_id = y.indicator_id AND sb.region_code = y.state_code AND sb.year = y.baseline_year
    LEFT JOIN v sa ON sa.indicator_id = y.indicator_id AND sa.region_code = y.state_code AND sa.year = y.year
), t AS (  -- the target as a figure of the indicator, and the path from the baseline to it
    SELECT *,
           CASE target_kind WHEN 'value' THEN target_value
                            WHEN 'change_pct' THEN baseline_value * (1 + target_value / 100)
                            WHEN 'change_points' THEN baseline_value + target_value
                            WHEN 'close_gap_to_state' THEN state_value END AS target_level
    FROM p
), path AS (
    SELECT *,
           CASE WHEN target_kind = 'close_gap_to_state'
                THEN state_value + (baseline_value - state_baseline_value) * (1 - share_of_time)
                ELSE baseline_value + (target_level - baseline_value) * share_of_time END AS target_path,
           year > baseline_year AND actual_value IS NOT NULL AND target_level IS NOT NULL
               AND marts.meets(actual_value, target_level, direction, decimals) AS meets_target
    FROM t
), reached AS (
    SELECT *, min(CASE WHEN meets_target THEN year END) OVER (PARTITION BY alliance, goal_id) AS reached_in FROM path
)
SELECT alliance, goal_id, title AS goal_title, example, region_code, region_name_de, indicator_id, indicator_label_de, unit,
       decimals, changes_in,
       direction, target_kind, target_value, baseline_year, target_year, partners, note, valid_from AS target_set_at,
       year, actual_period, baseline_value, actual_value, actual_status, missing,
       target_level, target_path,
       marts.change(changes_in, actual_value, target_path) AS gap_to_path,
       marts.change(changes_in, actual_value, baseline_value) AS change_since_baseline,
       state_code, state_name_de, state_baseline_value, state_value,
       marts.change(changes_in, state_value, state_baseline_value) AS state_change_since_baseline,
       CASE WHEN changes_in = 'points' THEN actual_value - state_value END AS gap_to_state,
       actual_value / nullif(baseline_value, 0) * 100 AS actual_index,
       target_path / nullif(baseline_value, 0) * 100 AS target_path_index,
       state_value / nullif(state_baseline_value, 0) * 100 AS state_index,
       reached_in,
       CASE WHEN reached_in <= year THEN 'reached'
            WHEN actual_value IS NULL AND actual_status = 'incomplete' THEN 'incomplete'
            WHEN actual_value IS NULL OR target_path IS NULL THEN 'no_data_yet'
            WHEN marts.meets(actual_value, target_path, direction, decimals) THEN 'on_track'
            ELSE 'behind' END AS status
FROM reached;

CREATE OR REPLACE VIEW marts.goal_progress AS
SELECT * FROM marts.goal_progress_as_of(NULL);

-- The review of one year: per goal the row of its newest year up to `review_year` that has a figure of the region (or
-- a status saying why not), else the latest such year: what the goal stood at in that review. A goal whose baseline
-- lies after the review year has no data yet in it.
CREATE OR REPLACE MACRO marts.goal_review_as_of(as_of, review_year) AS TABLE
SELECT * REPLACE (CASE WHEN year > review_year THEN 'no_data_yet' ELSE status END AS status)
FROM marts.goal_progress_as_of(as_of)
WHERE year <= greatest(least(review_year, target_year), baseline_year)
QUALIFY row_number() OVER (PARTITION BY alliance, goal_id
                           ORDER BY year <= review_year AND (actual_value IS NOT NULL OR actual_status IS NOT NULL) DESC, year DESC) = 1;

COMMENT ON VIEW marts.goal_progress IS 'Per goal of the alliances'' registers (core.goals) and year from its baseline to its target year: the region''s figure, the target path, the gap to it, a status (reached, on_track, behind, no_data_yet, incomplete) and the state''s change over the same years. Goals are intentions of the partners (example: a made-up example), not statistics. As the warehouse showed it at another time: marts.goal_progress_as_of(TIMESTAMP ''2026-03-01''); one row per goal for a yearly review: marts.goal_review_as_of(NULL, 2025).';
COMMENT ON COLUMN marts.goal_progress.alliance IS 'Region whose alliance keeps the register.';
COMMENT ON COLUMN marts.goal_progress.goal_id IS 'The goal''s id in the register.';
COMMENT ON COLUMN marts.goal_progress.goal_title IS 'The goal in words.';
COMMENT ON COLUMN marts.goal_progress.example IS 'True for a made-up example register (Beispiel): never present it as the partners'' goal.';
COMMENT ON COLUMN marts.goal_progress.region_code IS 'Region the goal is for (core.regions).';
COMMENT ON COLUMN marts.goal_progress.region_name_de IS 'Its name, German.';
COMMENT ON COLUMN marts.goal_progress.indicator_id IS 'Indicator the progress is read from (core.indicators).';
COMMENT ON COLUMN marts.goal_progress.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.goal_progress.unit IS 'Unit of the figures, target level and path.';
COMMENT ON COLUMN marts.goal_progress.decimals IS 'Published precision of the unit: figures are compared with the target and the path at it (core.units).';
COMMENT ON COLUMN marts.goal_progress.changes_in IS 'points (a rate or share) or percent (a count) (core.indicators.change_in): the unit of gap_to_path and of the changes since the baseline.';
COMMENT ON COLUMN marts.goal_progress.direction IS 'higher or lower: which way is better.';
COMMENT ON COLUMN marts.goal_progress.target_kind IS 'value, change_pct, change_points or close_gap_to_state (core.goals).';
COMMENT ON COLUMN marts.goal_progress.target_value IS 'The target as entered in the register (a value, or a change in % or points); NULL for close_gap_to_state.';
COMMENT ON COLUMN marts.goal_progress.baseline_year IS 'Year of the baseline.';
COMMENT ON COLUMN marts.goal_progress.target_year IS 'Year by which the target is to be met.';
COMMENT ON COLUMN marts.goal_progress.partners IS 'The responsible partners.';
COMMENT ON COLUMN marts.goal_progress.note IS 'Note of the register.';
COMMENT ON COLUMN marts.goal_progress.target_set_at IS 'When this version of the goal was loaded (marts.goal_changes lists every version).';
COMMENT ON COLUMN marts.goal_progress.year IS 'The year of this row, from the baseline year to the target year.';
COMMENT ON COLUMN marts.goal_progress.actual_period IS 'Period of the region''s figure in that year (NULL when there is none).';
COMMENT ON COLUMN marts.goal_progress.baseline_value IS 'The region''s figure in the baseline year.';
COMMENT ON COLUMN marts.goal_progress.actual_value IS 'The region''s figure in the year (NULL when not yet published, withheld or incomplete: see actual_status).';
COMMENT ON COLUMN marts.goal_progress.actual_status IS 'Status of that figure (core.region_values): incomplete, a provider marker, or NULL.';
COMMENT ON COLUMN marts.goal_progress.missing IS 'For an incomplete figure: the Kreise or inputs missing.';
COMMENT ON COLUMN marts.goal_progress.target_level IS 'The target as a figure of the indicator: the value; the baseline changed by the % or points; for close_gap_to_state the state''s figure in the year.';
COMMENT ON COLUMN marts.goal_progress.target_path IS 'Where the figure should be in the year: baseline + (target level - baseline) × (year - baseline year) / (target year - baseline year); for close_gap_to_state the state''s figure in the year plus the baseline gap shrinking linearly to zero at the target year.';
COMMENT ON COLUMN marts.goal_progress.gap_to_path IS 'The figure against the path, as the figure is read: in points for a rate or share (figure - path), in % for a count ((figure / path - 1) × 100).';
COMMENT ON COLUMN marts.goal_progress.change_since_baseline IS 'The region''s change since the baseline year: points for a rate or share, % for a count.';
COMMENT ON COLUMN marts.goal_progress.state_code IS 'The region''s state (marts.region_states).';
COMMENT ON COLUMN marts.goal_progress.state_name_de IS 'Its name, German.';
COMMENT ON COLUMN marts.goal_progress.state_baseline_value IS 'The state''s figure in the baseline year.';
COMMENT ON COLUMN marts.goal_progress.state_value IS 'The state''s figure in the year.';
COMMENT ON COLUMN marts.goal_progress.state_change_since_baseline IS 'The state''s change over the same years: points for a rate or share, % for a count.';
COMMENT ON COLUMN marts.goal_progress.gap_to_state IS 'For a rate or share: the region''s figure minus the state''s, in points; NULL for a count.';
COMMENT ON COLUMN marts.goal_progress.actual_index IS 'The region''s figure with its baseline = 100 (the review draws counts so).';
COMMENT ON COLUMN marts.goal_progress.target_path_index IS 'The path with the region''s baseline = 100.';
COMMENT ON COLUMN marts.goal_progress.state_index IS 'The state''s figure with its own baseline = 100.';
COMMENT ON COLUMN marts.goal_progress.reached_in IS 'The first year after the baseline, up to the target year, in which the figure met the target level at the published precision; NULL if none.';
COMMENT ON COLUMN marts.goal_progress.status IS 'reached (the target level was met in reached_in or before), incomplete (the region''s figure is NULL because a Kreis is missing), no_data_yet (no figure of the region, or of its state for a gap goal), on_track (the figure meets the path at the published precision) or behind.';
