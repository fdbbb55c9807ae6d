-- The warehouse schema: raw (what came in), core (facts with vintages, reference data), ops (runs).
-- Idempotent: run on every build. Marts live in warehouse/marts/*.sql.

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS marts;

CREATE TABLE IF NOT EXISTS raw.batches (
    batch_id          VARCHAR PRIMARY KEY,
    source_id         VARCHAR NOT NULL,
    table_id          VARCHAR NOT NULL,
    request           JSON NOT NULL,
    url               VARCHAR NOT NULL,
    fetched_at        TIMESTAMPTZ NOT NULL,
    loaded_at         TIMESTAMPTZ NOT NULL,
    etag              VARCHAR,
    last_modified     VARCHAR,
    provider_updated  VARCHAR,
    sha256            VARCHAR NOT NULL,
    size_bytes        BIGINT NOT NULL,
    payload_path      VARCHAR NOT NULL,
    rows_read         BIGINT NOT NULL,
    rows_loaded       BIGINT NOT NULL
);
-- Added after the first release: warehouses built before get the column here (NULL: re-parsed once).
ALTER TABLE raw.batches ADD COLUMN IF NOT EXISTS parse_fingerprint VARCHAR;
COMMENT ON TABLE raw.batches IS 'One row per loaded batch: one provider table for one request, with the request (never credentials), HTTP validators and the hash of its data.';
COMMENT ON COLUMN raw.batches.batch_id IS 'Identifier of the batch: the table code and a random suffix.';
COMMENT ON COLUMN raw.batches.source_id IS 'Source id from catalog/sources.yaml.';
COMMENT ON COLUMN raw.batches.table_id IS 'Provider table code (e.g. GENESIS 12411-01-01-4).';
COMMENT ON COLUMN raw.batches.request IS 'Request parameters as sent, without credentials.';
COMMENT ON COLUMN raw.batches.url IS 'Endpoint the payload came from.';
COMMENT ON COLUMN raw.batches.fetched_at IS 'When the payload was received.';
COMMENT ON COLUMN raw.batches.loaded_at IS 'When the batch was committed to core.';
COMMENT ON COLUMN raw.batches.etag IS 'HTTP ETag of the response, if any.';
COMMENT ON COLUMN raw.batches.last_modified IS 'HTTP Last-Modified of the response, if any.';
COMMENT ON COLUMN raw.batches.provider_updated IS 'The provider''s own update stamp of the table (GENESIS metadata "Updated").';
COMMENT ON COLUMN raw.batches.sha256 IS 'SHA-256 of the data file (the unzipped CSV): an unchanged hash is skipped without parsing.';
COMMENT ON COLUMN raw.batches.size_bytes IS 'Size of the response body as served, in bytes.';
COMMENT ON COLUMN raw.batches.payload_path IS 'Path of the stored body, relative to the data directory (content-addressed).';
COMMENT ON COLUMN raw.batches.rows_read IS 'Data rows in the file.';
COMMENT ON COLUMN raw.batches.parse_fingerprint IS 'Hash of the catalog entries that shaped the parse (the table, its indicators, the regions and the scope): a payload with the same data is skipped only while this is unchanged too.';
COMMENT ON COLUMN raw.batches.rows_loaded IS 'Observations the batch delivered to core (new, revised or unchanged).';

CREATE TABLE IF NOT EXISTS core.observations (
    indicator_id  VARCHAR NOT NULL,
    region_code   VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    freq          VARCHAR NOT NULL,
    value         DOUBLE,
    unit          VARCHAR NOT NULL,
    status        VARCHAR,
    marker        VARCHAR,
    source_id     VARCHAR NOT NULL,
    table_id      VARCHAR NOT NULL,
    batch_id      VARCHAR NOT NULL,
    source_row    BIGINT NOT NULL,
    valid_from    TIMESTAMPTZ NOT NULL,
    valid_to      TIMESTAMPTZ,
    release       VARCHAR
);
-- Warehouses built before releases were kept get the column (rows are written by name, so its place does not matter).
ALTER TABLE core.observations ADD COLUMN IF NOT EXISTS release VARCHAR;
COMMENT ON TABLE core.observations IS 'One row, one fact, with vintages: a revised figure closes the old row (valid_to) and opens a new one. valid_to IS NULL is the current figure.';
COMMENT ON COLUMN core.observations.indicator_id IS 'Indicator id from catalog/indicators.yaml.';
COMMENT ON COLUMN core.observations.region_code IS 'AGS of the region (5-digit Kreis, 3-digit Regierungsbezirk, 2-digit state) or DG for Germany.';
COMMENT ON COLUMN core.observations.period IS 'Reference period as the provider gives it: a year (2024) or a reference date (2024-12-31).';
COMMENT ON COLUMN core.observations.freq IS 'Frequency: A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN core.observations.value IS 'The figure; NULL when the provider suppressed it (see status), never 0 in its place.';
COMMENT ON COLUMN core.observations.unit IS 'Unit of the value (catalog unit, e.g. persons, percent).';
COMMENT ON COLUMN core.observations.status IS 'Provider marker as a word (core.statuses): nil, secret, later, unreliable, not_applicable, limited_reliability, provisional, revised, estimated, final; NULL for a plain value.';
COMMENT ON COLUMN core.observations.marker IS 'The marker exactly as the provider wrote it ("-", ".", "p", "()", ...).';
COMMENT ON COLUMN core.observations.source_id IS 'Source the figure came from.';
COMMENT ON COLUMN core.observations.table_id IS 'Provider table the figure came from.';
COMMENT ON COLUMN core.observations.batch_id IS 'Batch that delivered this vintage (raw.batches).';
COMMENT ON COLUMN core.observations.source_row IS 'Line of the figure in the provider file (header = line 1).';
COMMENT ON COLUMN core.observations.valid_from IS 'When this vintage was first loaded.';
COMMENT ON COLUMN core.observations.valid_to IS 'When a revision replaced this vintage; NULL while current.';
COMMENT ON COLUMN core.observations.release IS 'The provider''s release date of the figure where its file gives one (IHK-Fachkräftemonitor: Stand, e.g. 2022-06); part of the key: a forecast of another release is another figure. NULL for providers without releases.';

CREATE TABLE IF NOT EXISTS core.region_values (
    indicator_id  VARCHAR NOT NULL,
    region_code   VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    period_key    VARCHAR NOT NULL,
    period_index  BIGINT,
    freq          VARCHAR NOT NULL,
    value         DOUBLE,
    unit          VARCHAR NOT NULL,
    status        VARCHAR,
    origin        VARCHAR NOT NULL,
    sources       VARCHAR[],
    missing       VARCHAR[],
    valid_from    TIMESTAMPTZ NOT NULL,
    valid_to      TIMESTAMPTZ
);
COMMENT ON TABLE core.region_values IS 'Every indicator for every region and period as the published warehouse showed it, with vintages: provider figures, derived indicators and aggregates of Kreise (transforms/derive.py), merged on every mart build. The marts and their as-of macros read it.';
COMMENT ON COLUMN core.region_values.indicator_id IS 'Indicator id (core.indicators: provider or derived).';
COMMENT ON COLUMN core.region_values.region_code IS 'Region (core.regions): AGS, DG, or the id of an aggregate region.';
COMMENT ON COLUMN core.region_values.period IS 'Reference period (the first operand''s period for a derived figure).';
COMMENT ON COLUMN core.region_values.period_key IS 'The year for annual figures, else the period: what figures of different indicators are matched on.';
COMMENT ON COLUMN core.region_values.period_index IS 'Consecutive integer per period (years, quarters or months), for changes over n periods.';
COMMENT ON COLUMN core.region_values.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN core.region_values.value IS 'The figure; NULL when withheld or incomplete (see status), never 0 in its place.';
COMMENT ON COLUMN core.region_values.unit IS 'Unit of the value.';
COMMENT ON COLUMN core.region_values.status IS 'Provider status, or incomplete (a member Kreis or an input is missing or withheld), or a status carried over from an input (provisional, estimated, limited_reliability).';
COMMENT ON COLUMN core.region_values.origin IS 'provider (published by the source), aggregate (summed from Kreise or recomputed from summed numerator and denominator) or derived (catalog formula).';
COMMENT ON COLUMN core.region_values.sources IS 'Sources of the figure and of every input it was computed from.';
COMMENT ON COLUMN core.region_values.missing IS 'For an incomplete figure: the member Kreise or inputs that are missing or withheld.';
COMMENT ON COLUMN core.region_values.valid_from IS 'Mart build from which this vintage was shown.';
COMMENT ON COLUMN core.region_values.valid_to IS 'Mart build that replaced or withdrew it; NULL while current.';

-- The alliances' registers of goals, measures and results (sources/register/; catalog/registers.yaml): not
-- observations but intentions and reports of the partners, each workbook loaded whole in one transaction, with vintages
-- (warehouse/register.py): a changed row closes its vintage and opens a new one, a row the workbook no longer holds is
-- closed (the workbook is the whole register of its alliance).
CREATE TABLE IF NOT EXISTS core.goals (
    alliance       VARCHAR NOT NULL,
    goal_id        VARCHAR NOT NULL,
    title          VARCHAR NOT NULL,
    region_code    VARCHAR NOT NULL,
    indicator_id   VARCHAR NOT NULL,
    baseline_year  INTEGER NOT NULL,
    target_kind    VARCHAR NOT NULL,
    target_value   DOUBLE,
    target_year    INTEGER NOT NULL,
    direction      VARCHAR NOT NULL,
    partners       VARCHAR[] NOT NULL,
    note           VARCHAR,
    example        BOOLEAN NOT NULL,
    batch_id       VARCHAR NOT NULL,
    source_row     BIGINT NOT NULL,
    valid_from     TIMESTAMPTZ NOT NULL,
    valid_to       TIMESTAMPTZ
);
COMMENT ON TABLE core.goals IS 'The goals of each alliance''s register (sheet Ziele), with vintages: a changed target closes the old row (valid_to) and opens a new one. Intentions of the partners, not statistics.';
COMMENT ON COLUMN core.goals.alliance IS 'Region whose alliance keeps the register (catalog/registers.yaml).';
COMMENT ON COLUMN core.goals.goal_id IS 'The goal''s id in the register (Ziel-ID).';
COMMENT ON COLUMN core.goals.title IS 'The goal in words (Ziel).';
COMMENT ON COLUMN core.goals.region_code IS 'The region the goal is for (core.regions).';
COMMENT ON COLUMN core.goals.indicator_id IS 'The indicator its progress is read from (core.indicators; annual).';
COMMENT ON COLUMN core.goals.baseline_year IS 'Year of the baseline value (Basisjahr).';
COMMENT ON COLUMN core.goals.target_kind IS 'value (the indicator''s value at the target year), change_pct (a change against the baseline in %, counts), change_points (in points, rates and shares) or close_gap_to_state (the region''s gap to its state closed by the target year).';
COMMENT ON COLUMN core.goals.target_value IS 'The target as entered (Zielwert): the value, or the change in % or points; NULL for close_gap_to_state.';
COMMENT ON COLUMN core.goals.target_year IS 'Year by which the target is to be met (Zieljahr), after the baseline year.';
COMMENT ON COLUMN core.goals.direction IS 'higher or lower: which way is better.';
COMMENT ON COLUMN core.goals.partners IS 'The responsible partners (Verantwortlich).';
COMMENT ON COLUMN core.goals.note IS 'Note of the register (Anmerkung).';
COMMENT ON COLUMN core.goals.example IS 'True when the register is a made-up example (Beispiel): every output marks it so.';
COMMENT ON COLUMN core.goals.batch_id IS 'Batch (workbook) that delivered this vintage (raw.batches).';
COMMENT ON COLUMN core.goals.source_row IS 'Row of the goal on sheet Ziele.';
COMMENT ON COLUMN core.goals.valid_from IS 'When this vintage was first loaded.';
COMMENT ON COLUMN core.goals.valid_to IS 'When a changed register replaced or removed it; NULL while current.';

CREATE TABLE IF NOT EXISTS core.measures (
    alliance    VARCHAR NOT NULL,
    measure_id  VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    partners    VARCHAR[] NOT NULL,
    start_year  INTEGER NOT NULL,
    end_year    INTEGER,
    goal_ids    VARCHAR[] NOT NULL,
    note        VARCHAR,
    example     BOOLEAN NOT NULL,
    batch_id    VARCHAR NOT NULL,
    source_row  BIGINT NOT NULL,
    valid_from  TIMESTAMPTZ NOT NULL,
    valid_to    TIMESTAMPTZ
);
COMMENT ON TABLE core.measures IS 'The measures of each alliance''s register (sheet Maßnahmen), with vintages.';
COMMENT ON COLUMN core.measures.alliance IS 'Region whose alliance keeps the register.';
COMMENT ON COLUMN core.measures.measure_id IS 'The measure''s id in the register (Maßnahmen-ID).';
COMMENT ON COLUMN core.measures.title IS 'The measure in words (Maßnahme).';
COMMENT ON COLUMN core.measures.partners IS 'The responsible partners (Verantwortlich).';
COMMENT ON COLUMN core.measures.start_year IS 'Year the measure starts (Beginn).';
COMMENT ON COLUMN core.measures.end_year IS 'Year it ends (Ende); NULL while it runs on.';
COMMENT ON COLUMN core.measures.goal_ids IS 'The goals it serves (core.goals.goal_id of the same alliance).';
COMMENT ON COLUMN core.measures.note IS 'Note of the register (Anmerkung).';
COMMENT ON COLUMN core.measures.example IS 'True when the register is a made-up example (Beispiel).';
COMMENT ON COLUMN core.measures.batch_id IS 'Batch (workbook) that delivered this vintage.';
COMMENT ON COLUMN core.measures.source_row IS 'Row of the measure on sheet Maßnahmen.';
COMMENT ON COLUMN core.measures.valid_from IS 'When this vintage was first loaded.';
COMMENT ON COLUMN core.measures.valid_to IS 'When a changed register replaced or removed it; NULL while current.';

CREATE TABLE IF NOT EXISTS core.measure_outputs (
    alliance    VARCHAR NOT NULL,
    measure_id  VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    output      VARCHAR NOT NULL,
    value       DOUBLE NOT NULL,
    unit        VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    batch_id    VARCHAR NOT NULL,
    source_row  BIGINT NOT NULL,
    valid_from  TIMESTAMPTZ NOT NULL,
    valid_to    TIMESTAMPTZ
);
COMMENT ON TABLE core.measure_outputs IS 'The yearly reported outputs of the measures (sheet Ergebnisse: participants, placements, events ...), with vintages.';
COMMENT ON COLUMN core.measure_outputs.alliance IS 'Region whose alliance keeps the register.';
COMMENT ON COLUMN core.measure_outputs.measure_id IS 'The measure (core.measures).';
COMMENT ON COLUMN core.measure_outputs.year IS 'Reporting year.';
COMMENT ON COLUMN core.measure_outputs.output IS 'What is counted (Ergebnis).';
COMMENT ON COLUMN core.measure_outputs.value IS 'The reported figure.';
COMMENT ON COLUMN core.measure_outputs.unit IS 'Its unit (Einheit).';
COMMENT ON COLUMN core.measure_outputs.source IS 'Where the figure is published or reported (Quelle).';
COMMENT ON COLUMN core.measure_outputs.batch_id IS 'Batch (workbook) that delivered this vintage.';
COMMENT ON COLUMN core.measure_outputs.source_row IS 'Row of the output on sheet Ergebnisse.';
COMMENT ON COLUMN core.measure_outputs.valid_from IS 'When this vintage was first loaded.';
COMMENT ON COLUMN core.measure_outputs.valid_to IS 'When a changed register replaced or removed it; NULL while current.';

CREATE TABLE IF NOT EXISTS ops.runs (
    run_id       VARCHAR PRIMARY KEY,
    flow         VARCHAR NOT NULL,
    mode         VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    state        VARCHAR NOT NULL,
    summary      JSON
);
COMMENT ON TABLE ops.runs IS 'One row per pipeline run.';
COMMENT ON COLUMN ops.runs.run_id IS 'Run identifier (the Prefect flow run id when run under Prefect).';
COMMENT ON COLUMN ops.runs.flow IS 'Which flow ran (nightly, ingest).';
COMMENT ON COLUMN ops.runs.mode IS 'replay (recorded responses), live (the providers'' APIs) or file (a table downloaded by hand, ingest --file).';
COMMENT ON COLUMN ops.runs.started_at IS 'Start of the run.';
COMMENT ON COLUMN ops.runs.finished_at IS 'End of the run.';
COMMENT ON COLUMN ops.runs.state IS 'completed, or failed when any batch failed.';
COMMENT ON COLUMN ops.runs.summary IS 'Run summary as JSON: batches by outcome, rows new / revised / unchanged.';

CREATE TABLE IF NOT EXISTS ops.batch_outcomes (
    run_id          VARCHAR NOT NULL,
    source_id       VARCHAR NOT NULL,
    table_id        VARCHAR NOT NULL,
    batch_id        VARCHAR,
    outcome         VARCHAR NOT NULL,
    rows_new        BIGINT NOT NULL DEFAULT 0,
    rows_revised    BIGINT NOT NULL DEFAULT 0,
    rows_unchanged  BIGINT NOT NULL DEFAULT 0,
    dropped         JSON,
    message         VARCHAR,
    recorded_at     TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE ops.batch_outcomes IS 'What happened to each batch of each run.';
COMMENT ON COLUMN ops.batch_outcomes.run_id IS 'The run (ops.runs).';
COMMENT ON COLUMN ops.batch_outcomes.source_id IS 'Source of the batch.';
COMMENT ON COLUMN ops.batch_outcomes.table_id IS 'Provider table of the batch.';
COMMENT ON COLUMN ops.batch_outcomes.batch_id IS 'The batch (raw.batches): the one loaded or quarantined, for unchanged the earlier batch with the same data; NULL when nothing was received.';
COMMENT ON COLUMN ops.batch_outcomes.outcome IS 'loaded, unchanged (downloaded, same data hash: not parsed), skipped (not downloaded: the provider says nothing changed, see ops.requests), quarantined or failed.';
COMMENT ON COLUMN ops.batch_outcomes.rows_new IS 'Observations (of a register: goals, measures and outputs) seen for the first time.';
COMMENT ON COLUMN ops.batch_outcomes.rows_revised IS 'Observations whose value or status changed (of a register: rows that changed): a new vintage each.';
COMMENT ON COLUMN ops.batch_outcomes.rows_unchanged IS 'Observations (register rows) identical to the current vintage.';
COMMENT ON COLUMN ops.batch_outcomes.dropped IS 'Rows of the file left out, by reason: out_of_scope (a state outside the scope), berlin_district and part_of_kreis (8-digit codes inside a Kreis, never summed into it), statistical_region (a 3-digit code of a state without Regierungsbezirke), dissolved (a former Kreis marked - after its dissolution), not_in_catalog, not_yet_published (transforms/regions.py).';
COMMENT ON COLUMN ops.batch_outcomes.message IS 'Error or note, naming source, table and row.';
COMMENT ON COLUMN ops.batch_outcomes.recorded_at IS 'When the outcome was recorded.';

ALTER TABLE ops.batch_outcomes ADD COLUMN IF NOT EXISTS reparsed VARCHAR;
COMMENT ON COLUMN ops.batch_outcomes.reparsed IS 'Why a payload with the same data as last loaded was parsed again (the catalog entries that shape its parse changed); NULL otherwise.';

CREATE TABLE IF NOT EXISTS ops.mart_builds (
    built_at  TIMESTAMPTZ NOT NULL,
    inputs    VARCHAR NOT NULL
);
COMMENT ON TABLE ops.mart_builds IS 'One row per build of the marts. A run that loaded no batch leaves the marts as they are while its catalog and mart files are those of the last build (inputs).';
COMMENT ON COLUMN ops.mart_builds.built_at IS 'When the marts were built.';
COMMENT ON COLUMN ops.mart_builds.inputs IS 'Fingerprint of what the marts are built from besides the figures: the catalog''s reference tables and the mart files as rendered (warehouse/marts.py).';

CREATE TABLE IF NOT EXISTS ops.requests (
    run_id             VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    table_id           VARCHAR NOT NULL,
    first_year         INTEGER NOT NULL,
    last_year          INTEGER NOT NULL,
    regions            JSON NOT NULL,
    outcome            VARCHAR NOT NULL,
    downloaded         BOOLEAN NOT NULL,
    forced             BOOLEAN NOT NULL,
    reason             VARCHAR NOT NULL,
    provider_updated   VARCHAR,
    validators         JSON NOT NULL,
    parse_fingerprint  VARCHAR,
    batches            JSON NOT NULL,
    recorded_at        TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE ops.requests IS 'One row per request per run: whether it was downloaded, skipped (the provider says nothing changed) or parsed again from its stored payload, and why. The newest row of a request decides whether the next run downloads it.';
COMMENT ON COLUMN ops.requests.run_id IS 'The run (ops.runs).';
COMMENT ON COLUMN ops.requests.source_id IS 'Source of the request.';
COMMENT ON COLUMN ops.requests.table_id IS 'Provider table asked for.';
COMMENT ON COLUMN ops.requests.first_year IS 'First year asked for.';
COMMENT ON COLUMN ops.requests.last_year IS 'Last year asked for.';
COMMENT ON COLUMN ops.requests.regions IS 'The regional selection as provider parameters (e.g. regionalvariable, regionalkey); {} for every region.';
COMMENT ON COLUMN ops.requests.outcome IS 'What the request came to: loaded, unchanged (downloaded, same data as last loaded), skipped (not downloaded: same update stamp, or HTTP 304), quarantined or failed (the worst of its batches). Only after loaded, unchanged or skipped may the next run skip it.';
COMMENT ON COLUMN ops.requests.downloaded IS 'Whether the data was downloaded in this run (false: skipped, or parsed again from the stored payload).';
COMMENT ON COLUMN ops.requests.forced IS 'A forced run (--force): downloaded whatever the provider''s stamps said.';
COMMENT ON COLUMN ops.requests.reason IS 'Why it was downloaded, skipped or parsed again.';
COMMENT ON COLUMN ops.requests.provider_updated IS 'The provider''s update stamp of the data the warehouse holds for the request (GENESIS metadata "Updated"); NULL when the provider gives none (then it is always downloaded).';
COMMENT ON COLUMN ops.requests.validators IS 'HTTP validators of the answers the warehouse holds, [url, etag, last_modified] each: sent as If-None-Match / If-Modified-Since by the next run.';
COMMENT ON COLUMN ops.requests.parse_fingerprint IS 'Fingerprint of the catalog entries that shaped the parse (raw.batches.parse_fingerprint); a changed one parses the stored payload again.';
COMMENT ON COLUMN ops.requests.batches IS 'The raw.batches whose stored payloads hold the request''s data (parsed again after a catalog change).';
COMMENT ON COLUMN ops.requests.recorded_at IS 'When the request''s outcome was recorded.';

CREATE TABLE IF NOT EXISTS ops.quarantine (
    run_id          VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    source_id       VARCHAR NOT NULL,
    table_id        VARCHAR NOT NULL,
    request         JSON NOT NULL,
    reason          VARCHAR NOT NULL,
    gx_result       JSON,
    failing_rows    JSON,
    payload_path    VARCHAR,
    quarantined_at  TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE ops.quarantine IS 'Batches that failed a critical check: nothing of them reached core or the marts.';
COMMENT ON COLUMN ops.quarantine.run_id IS 'The run (ops.runs).';
COMMENT ON COLUMN ops.quarantine.batch_id IS 'Identifier the batch would have had.';
COMMENT ON COLUMN ops.quarantine.source_id IS 'Source of the batch.';
COMMENT ON COLUMN ops.quarantine.table_id IS 'Provider table of the batch.';
COMMENT ON COLUMN ops.quarantine.request IS 'Request parameters, without credentials.';
COMMENT ON COLUMN ops.quarantine.reason IS 'Why, naming source, table and the failing check or row.';
COMMENT ON COLUMN ops.quarantine.gx_result IS 'The Great Expectations validation result (JSON); NULL when the file could not even be parsed.';
COMMENT ON COLUMN ops.quarantine.failing_rows IS 'A sample of the failing rows with their keys (and file line where known).';
COMMENT ON COLUMN ops.quarantine.payload_path IS 'The stored body, for inspection (relative to the data directory).';
COMMENT ON COLUMN ops.quarantine.quarantined_at IS 'When the batch was quarantined.';

CREATE TABLE IF NOT EXISTS ops.territory_adjustments (
    kreis                  VARCHAR NOT NULL,
    predecessors           VARCHAR[] NOT NULL,
    since                  DATE NOT NULL,
    derivable              BOOLEAN NOT NULL,
    figures_adjusted       BIGINT NOT NULL,
    figures_incomplete     BIGINT NOT NULL,
    figures_not_derivable  BIGINT NOT NULL,
    first_period           VARCHAR,
    last_period            VARCHAR,
    how                    VARCHAR NOT NULL,
    built_at               TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE ops.territory_adjustments IS 'Per Kreis of today with predecessors (catalog/territorial_changes.yaml), as of the last mart build: the figures of the periods before the change derived on today''s territory from its predecessors (transforms/territory.py), left incomplete, or not derivable because a predecessor was split. The predecessors'' own figures stay in core.observations under their codes (level former_kreis).';
COMMENT ON COLUMN ops.territory_adjustments.kreis IS 'Today''s Kreis (AGS).';
COMMENT ON COLUMN ops.territory_adjustments.predecessors IS 'The Kreise it was formed of (itself too where it kept its code).';
COMMENT ON COLUMN ops.territory_adjustments.since IS 'The day the change took effect: figures of periods that ended before it are of the old territory.';
COMMENT ON COLUMN ops.territory_adjustments.derivable IS 'True when every predecessor was merged or renamed whole; false when one was split.';
COMMENT ON COLUMN ops.territory_adjustments.figures_adjusted IS 'Figures of the Kreis before the change on today''s territory (status territory_adjusted).';
COMMENT ON COLUMN ops.territory_adjustments.figures_incomplete IS 'Figures before the change left NULL because a predecessor''s figure is missing or withheld (status incomplete, missing names it).';
COMMENT ON COLUMN ops.territory_adjustments.figures_not_derivable IS 'Figures before the change left NULL because a predecessor was split (status territory_split).';
COMMENT ON COLUMN ops.territory_adjustments.first_period IS 'First period of those figures.';
COMMENT ON COLUMN ops.territory_adjustments.last_period IS 'Last period of those figures.';
COMMENT ON COLUMN ops.territory_adjustments.how IS 'How the figures were derived, or why not.';
COMMENT ON COLUMN ops.territory_adjustments.built_at IS 'The mart build that wrote the row.';
