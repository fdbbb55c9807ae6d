-- Views (always current): how fresh the warehouse is. marts.revisions lists every figure a later vintage
-- replaced, and flags those the newest run replaced (since the previous publish); marts.data_status gives per
-- source table the newest period, the last load, the provider's update stamp, those revisions, and what the
-- newest run that asked for the table did with it (quarantined or failed, with the reason).
CREATE OR REPLACE VIEW marts.revisions AS
SELECT
    n.indicator_id,
    i.label_de                 AS indicator_label_de,
    n.region_code,
    r.name_de                  AS region_name_de,
    n.period,
    n.release,
    o.value                    AS previous_value,
    o.status                   AS previous_status,
    n.value,
    n.status,
    n.unit,
    n.source_id,
    n.table_id,
    o.valid_to                 AS revised_at,
    coalesce(o.valid_to >= (SELECT max(started_at) FROM ops.runs), true) AS since_previous_publish
FROM core.observations o
JOIN core.observations n
  ON n.indicator_id = o.indicator_id AND n.region_code = o.region_code AND n.period = o.period
 AND n.release IS NOT DISTINCT FROM o.release AND n.valid_from = o.valid_to
JOIN core.indicators i ON i.indicator_id = n.indicator_id
JOIN core.regions r ON r.region_code = n.region_code;

COMMENT ON VIEW marts.revisions IS 'Every revised figure: the vintage a later load replaced beside the one that replaced it (value, status), and whether the newest run did it (since the previous publish).';
COMMENT ON COLUMN marts.revisions.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.revisions.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.revisions.region_code IS 'Region of the figure (core.regions).';
COMMENT ON COLUMN marts.revisions.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.revisions.period IS 'Reference period of the figure.';
COMMENT ON COLUMN marts.revisions.release IS 'Release of the figure where the provider dates them; NULL elsewhere.';
COMMENT ON COLUMN marts.revisions.previous_value IS 'The value before the revision (NULL when it was withheld).';
COMMENT ON COLUMN marts.revisions.previous_status IS 'The status before the revision.';
COMMENT ON COLUMN marts.revisions.value IS 'The value after the revision.';
COMMENT ON COLUMN marts.revisions.status IS 'The status after the revision.';
COMMENT ON COLUMN marts.revisions.unit IS 'Unit of the value after the revision.';
COMMENT ON COLUMN marts.revisions.source_id IS 'Source of the revised figure.';
COMMENT ON COLUMN marts.revisions.table_id IS 'Provider table of the revised figure.';
COMMENT ON COLUMN marts.revisions.revised_at IS 'When the revision was loaded (the old vintage''s valid_to).';
COMMENT ON COLUMN marts.revisions.since_previous_publish IS 'True when the newest run (ops.runs) loaded the revision: it is new in the published warehouse.';

CREATE OR REPLACE VIEW marts.data_status AS
WITH figures AS (
    SELECT o.source_id, o.table_id,
           count(*)                                                                        AS figures,
           count(*) - count(o.value)                                                       AS figures_withheld,
           max(o.period) FILTER (WHERE NOT coalesce(try_cast(left(o.period, 4) AS INTEGER)
                                                    > try_cast(left(o.release, 4) AS INTEGER), false)) AS newest_period,
           max(o.release)                                                                  AS newest_release
    FROM core.observations o WHERE o.valid_to IS NULL
    GROUP BY ALL
), loads AS (
    SELECT source_id, table_id, max(loaded_at) AS last_loaded_at,
           arg_max(provider_updated, loaded_at) AS provider_updated
    FROM raw.batches GROUP BY ALL
), revised AS (
    SELECT source_id, table_id, count(*) FILTER (WHERE since_previous_publish) AS revised_since_previous_publish
    FROM marts.revisions GROUP BY ALL
), last_run AS (  -- the newest run that asked for each table, and what it did with the table's batches
    SELECT b.source_id, b.table_id, b.run_id, max(b.recorded_at) AS checked_at,
           count(*) FILTER (WHERE b.outcome = 'quarantined')                                   AS batches_quarantined,
           count(*) FILTER (WHERE b.outcome = 'failed')                                        AS batches_failed,
           string_agg(b.message, ' | ') FILTER (WHERE b.outcome IN ('quarantined', 'failed'))  AS problems
    FROM ops.batch_outcomes b
    JOIN (SELECT source_id, table_id, arg_max(run_id, recorded_at) AS run_id FROM ops.batch_outcomes GROUP BY ALL) n
      USING (source_id, table_id, run_id)
    GROUP BY ALL
), tables AS (
    SELECT source_id, table_id FROM figures UNION SELECT source_id, table_id FROM last_run
)
SELECT t.source_id, s.name AS source_name, t.table_id,
       f.newest_period, f.newest_release, coalesce(f.figures, 0) AS figures, coalesce(f.figures_withheld, 0) AS figures_withheld,
       l.last_loaded_at, l.provider_updated, coalesce(rv.revised_since_previous_publish, 0) AS revised_since_previous_publish,
       lr.checked_at AS last_checked_at, coalesce(lr.batches_quarantined, 0) AS batches_quarantined,
       coalesce(lr.batches_failed, 0) AS batches_failed, lr.problems, s.citation, s.licence
FROM tables t
JOIN core.sources s USING (source_id)
LEFT JOIN figures f USING (source_id, table_id)
LEFT JOIN loads l USING (source_id, table_id)
LEFT JOIN revised rv USING (source_id, table_id)
LEFT JOIN last_run lr USING (source_id, table_id);

COMMENT ON VIEW marts.data_status IS 'Per source table: the newest period and release, the figures held, the last load and the provider''s update stamp, the figures revised since the previous publish, and the batches the newest run that asked for the table quarantined or failed, with the reasons.';
COMMENT ON COLUMN marts.data_status.source_id IS 'Source id (core.sources).';
COMMENT ON COLUMN marts.data_status.source_name IS 'Name of the provider and its API.';
COMMENT ON COLUMN marts.data_status.table_id IS 'Provider table.';
COMMENT ON COLUMN marts.data_status.newest_period IS 'Newest reference period with a current figure (forecasts, periods after their release''s year, left out).';
COMMENT ON COLUMN marts.data_status.newest_release IS 'Newest release where the provider dates them (partner files: Stand); NULL elsewhere.';
COMMENT ON COLUMN marts.data_status.figures IS 'Current figures of the table in core.observations.';
COMMENT ON COLUMN marts.data_status.figures_withheld IS 'Of those, figures without a value (withheld by the provider, see their status).';
COMMENT ON COLUMN marts.data_status.last_loaded_at IS 'When a batch of the table was last loaded (raw.batches); NULL when none ever was.';
COMMENT ON COLUMN marts.data_status.provider_updated IS 'The provider''s own update stamp of the table at the last load.';
COMMENT ON COLUMN marts.data_status.revised_since_previous_publish IS 'Figures of the table the newest run revised (marts.revisions).';
COMMENT ON COLUMN marts.data_status.last_checked_at IS 'When the newest run that asked for the table recorded its outcome.';
COMMENT ON COLUMN marts.data_status.batches_quarantined IS 'Batches of the table that run quarantined (nothing of them loaded; ops.quarantine has the details).';
COMMENT ON COLUMN marts.data_status.batches_failed IS 'Batches of the table that run could not fetch or read.';
COMMENT ON COLUMN marts.data_status.problems IS 'Why they were quarantined or failed, naming source, table and the failing check or row.';
COMMENT ON COLUMN marts.data_status.citation IS 'Credit line of the source.';
COMMENT ON COLUMN marts.data_status.licence IS 'Licence of the source.';
