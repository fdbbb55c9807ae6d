-- The measures of the alliances' registers with their yearly reported outputs and the goals they serve: one row per
-- measure and output (a measure without any reported output: one row with the output columns NULL). As the warehouse
-- showed the register at `as_of` (NULL = now).
CREATE OR REPLACE MACRO marts.measure_outputs_as_of(as_of) AS TABLE
WITH m AS (
    SELECT * FROM core.measures WHERE marts.shown_at(valid_from, valid_to, as_of)
), o AS (
    SELECT * FROM core.measure_outputs WHERE marts.shown_at(valid_from, valid_to, as_of)
), served AS (
    SELECT m.alliance, m.measure_id, list(g.title ORDER BY g.goal_id) AS goal_titles
    FROM m JOIN marts.goals_as_of(as_of) g ON g.alliance = m.alliance AND list_contains(m.goal_ids, g.goal_id)
    GROUP BY ALL
)
SELECT m.alliance, m.measure_id, m.title AS measure_title, m.partners, m.start_year, m.end_year, m.goal_ids,
       coalesce(s.goal_titles, []) AS goal_titles, m.note, m.example,
       o.year, o.output, o.value, o.unit, o.source
FROM m
LEFT JOIN served s ON s.alliance = m.alliance AND s.measure_id = m.measure_id
LEFT JOIN o ON o.alliance = m.alliance AND o.measure_id = m.measure_id;

CREATE OR REPLACE VIEW marts.measure_outputs AS
SELECT * FROM marts.measure_outputs_as_of(NULL);

COMMENT ON VIEW marts.measure_outputs IS 'The measures of the alliances'' registers with their yearly reported outputs (participants, placements, events ...) and the goals they serve; a measure without outputs has one row with the output columns NULL. As the warehouse showed it at another time: marts.measure_outputs_as_of(TIMESTAMP ''2026-03-01'').';
COMMENT ON COLUMN marts.measure_outputs.alliance IS 'Region whose alliance keeps the register.';
COMMENT ON COLUMN marts.measure_outputs.measure_id IS 'The measure''s id in the register.';
COMMENT ON COLUMN marts.measure_outputs.measure_title IS 'The measure in words.';
COMMENT ON COLUMN marts.measure_outputs.partners IS 'The responsible partners.';
COMMENT ON COLUMN marts.measure_outputs.start_year IS 'Year the measure starts.';
COMMENT ON COLUMN marts.measure_outputs.end_year IS 'Year it ends; NULL while it runs on.';
COMMENT ON COLUMN marts.measure_outputs.goal_ids IS 'The goals it serves (marts.goal_progress.goal_id).';
COMMENT ON COLUMN marts.measure_outputs.goal_titles IS 'Their titles, in the order of their ids.';
COMMENT ON COLUMN marts.measure_outputs.note IS 'Note of the register.';
COMMENT ON COLUMN marts.measure_outputs.example IS 'True for a made-up example register (Beispiel).';
COMMENT ON COLUMN marts.measure_outputs.year IS 'Reporting year of the output (NULL: no output reported).';
COMMENT ON COLUMN marts.measure_outputs.output IS 'What is counted.';
COMMENT ON COLUMN marts.measure_outputs.value IS 'The reported figure, as the partner reported it (not an official statistic).';
COMMENT ON COLUMN marts.measure_outputs.unit IS 'Its unit.';
COMMENT ON COLUMN marts.measure_outputs.source IS 'Where the figure is published or reported.';
