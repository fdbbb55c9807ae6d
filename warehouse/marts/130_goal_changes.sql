-- Every version of each goal of the alliances' registers (core.goals keeps them as vintages): when a target was set
-- and when and how it was changed, so that the review can say so. As the warehouse knew it at `as_of` (NULL = now):
-- the versions loaded by then, a later change not yet known.
CREATE OR REPLACE MACRO marts.goal_changes_as_of(as_of) AS TABLE
WITH versions AS (
    SELECT *, CASE WHEN as_of IS NULL OR valid_to <= CAST(as_of AS TIMESTAMPTZ) THEN valid_to END AS until
    FROM core.goals WHERE as_of IS NULL OR valid_from <= CAST(as_of AS TIMESTAMPTZ)
), ordered AS (
    SELECT *, lag(struct_pack(title, region_code, indicator_id, baseline_year, target_kind, target_value, target_year, direction))
                  OVER (PARTITION BY alliance, goal_id ORDER BY valid_from) AS before
    FROM versions
)
SELECT alliance, goal_id, title AS goal_title, example, valid_from AS since, until,
       region_code, indicator_id, baseline_year, target_kind, target_value, target_year, direction,
       before.target_kind AS previous_target_kind, before.target_value AS previous_target_value,
       before.target_year AS previous_target_year, before.baseline_year AS previous_baseline_year,
       CASE WHEN before IS NULL THEN ['set'] ELSE list_filter([
           CASE WHEN before.title IS DISTINCT FROM title THEN 'title' END,
           CASE WHEN before.region_code IS DISTINCT FROM region_code THEN 'region' END,
           CASE WHEN before.indicator_id IS DISTINCT FROM indicator_id THEN 'indicator' END,
           CASE WHEN before.baseline_year IS DISTINCT FROM baseline_year THEN 'baseline_year' END,
           CASE WHEN before.target_kind IS DISTINCT FROM target_kind THEN 'target_kind' END,
           CASE WHEN before.target_value IS DISTINCT FROM target_value THEN 'target_value' END,
           CASE WHEN before.target_year IS DISTINCT FROM target_year THEN 'target_year' END,
           CASE WHEN before.direction IS DISTINCT FROM direction THEN 'direction' END], lambda x: x IS NOT NULL) END AS changed
FROM ordered;

CREATE OR REPLACE VIEW marts.goal_changes AS
SELECT * FROM marts.goal_changes_as_of(NULL);

COMMENT ON VIEW marts.goal_changes IS 'Every version of each goal of the alliances'' registers: since when it applied, until when, and what changed against the version before (a changed target is a new version). As known at another time: marts.goal_changes_as_of(TIMESTAMP ''2026-03-01'').';
COMMENT ON COLUMN marts.goal_changes.alliance IS 'Region whose alliance keeps the register.';
COMMENT ON COLUMN marts.goal_changes.goal_id IS 'The goal''s id in the register.';
COMMENT ON COLUMN marts.goal_changes.goal_title IS 'The goal in words, in this version.';
COMMENT ON COLUMN marts.goal_changes.example IS 'True for a made-up example register (Beispiel).';
COMMENT ON COLUMN marts.goal_changes.since IS 'When this version was loaded.';
COMMENT ON COLUMN marts.goal_changes.until IS 'When a changed register replaced or removed it; NULL while it applies.';
COMMENT ON COLUMN marts.goal_changes.region_code IS 'Region of the goal in this version.';
COMMENT ON COLUMN marts.goal_changes.indicator_id IS 'Indicator of the goal in this version.';
COMMENT ON COLUMN marts.goal_changes.baseline_year IS 'Baseline year in this version.';
COMMENT ON COLUMN marts.goal_changes.target_kind IS 'Target kind in this version (value, change_pct, change_points, close_gap_to_state).';
COMMENT ON COLUMN marts.goal_changes.target_value IS 'Target as entered, in this version.';
COMMENT ON COLUMN marts.goal_changes.target_year IS 'Target year in this version.';
COMMENT ON COLUMN marts.goal_changes.direction IS 'higher or lower is better, in this version.';
COMMENT ON COLUMN marts.goal_changes.previous_target_kind IS 'Target kind of the version before (NULL for the first).';
COMMENT ON COLUMN marts.goal_changes.previous_target_value IS 'Target of the version before.';
COMMENT ON COLUMN marts.goal_changes.previous_target_year IS 'Target year of the version before.';
COMMENT ON COLUMN marts.goal_changes.previous_baseline_year IS 'Baseline year of the version before.';
COMMENT ON COLUMN marts.goal_changes.changed IS 'What changed against the version before: title, region, indicator, baseline_year, target_kind, target_value, target_year, direction; [set] for the first version (a change of partners or note only gives an empty list).';
