-- Every region (Kreise, aggregates, state, Germany) × indicator × period, with labels, unit, status,
-- source and licence. The macro answers for any moment: the figures as the published warehouse
-- showed them then (core.region_values keeps every vintage); NULL = now.
-- Whether a vintage [valid_from, valid_to) was the one shown at `as_of` (NULL = now): every as-of macro reads so.
CREATE OR REPLACE MACRO marts.shown_at(valid_from, valid_to, as_of) AS
    CASE WHEN as_of IS NULL THEN valid_to IS NULL
         ELSE valid_from <= CAST(as_of AS TIMESTAMPTZ) AND coalesce(valid_to > CAST(as_of AS TIMESTAMPTZ), true) END;

CREATE OR REPLACE MACRO marts.region_values_as_of(as_of) AS TABLE
SELECT * FROM core.region_values WHERE marts.shown_at(valid_from, valid_to, as_of);

CREATE OR REPLACE MACRO marts.indicator_values_as_of(as_of) AS TABLE
WITH v AS (
    SELECT * FROM marts.region_values_as_of(as_of)
), credits AS (
    SELECT l.sources,
           string_agg(s.citation, ' | ' ORDER BY s.source_id) AS citation,
           string_agg(s.licence, ' | ' ORDER BY s.source_id) AS licence
    FROM (SELECT DISTINCT sources FROM v) l JOIN core.sources s ON list_contains(l.sources, s.source_id)
    GROUP BY l.sources
)
SELECT v.indicator_id,
       i.label_de   AS indicator_label_de,
       i.label_en   AS indicator_label_en,
       i.topic,
       v.region_code,
       r.name_de    AS region_name_de,
       r.name_en    AS region_name_en,
       r.level      AS region_level,
       v.period,
       v.period_key,
       v.period_index,
       v.freq,
       v.value,
       v.unit,
       v.status,
       v.origin,
       v.missing,
       c.citation,
       c.licence,
       v.valid_from AS shown_since
FROM v
JOIN core.indicators i USING (indicator_id)
JOIN core.regions r USING (region_code)
LEFT JOIN credits c ON c.sources = v.sources;

CREATE OR REPLACE VIEW marts.indicator_values AS
SELECT * FROM marts.indicator_values_as_of(NULL);

COMMENT ON VIEW marts.indicator_values IS 'Every region (Kreise, partner regions, Regierungsbezirke, state, Germany) × indicator × period, latest figures, with labels, unit, status, source and licence. As published at another time: marts.indicator_values_as_of(TIMESTAMP ''2026-01-31'').';
COMMENT ON COLUMN marts.indicator_values.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.indicator_values.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.indicator_values.indicator_label_en IS 'Indicator label, English.';
COMMENT ON COLUMN marts.indicator_values.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.indicator_values.region_code IS 'AGS, DG, or the id of an aggregate region (core.regions).';
COMMENT ON COLUMN marts.indicator_values.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.indicator_values.region_name_en IS 'Region name, English.';
COMMENT ON COLUMN marts.indicator_values.region_level IS 'country, state, regbez, kreis, partner, aa_district or regionalverband.';
COMMENT ON COLUMN marts.indicator_values.period IS 'Reference period (year or reference date).';
COMMENT ON COLUMN marts.indicator_values.period_key IS 'The year for annual figures, else the period.';
COMMENT ON COLUMN marts.indicator_values.period_index IS 'Consecutive integer per period (for changes over n periods).';
COMMENT ON COLUMN marts.indicator_values.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN marts.indicator_values.value IS 'The figure; NULL when withheld or incomplete (see status), never 0 in its place.';
COMMENT ON COLUMN marts.indicator_values.unit IS 'Unit of the value.';
COMMENT ON COLUMN marts.indicator_values.status IS 'Provider status, incomplete, or a status carried over from an input; NULL for a plain figure.';
COMMENT ON COLUMN marts.indicator_values.origin IS 'provider, aggregate (from Kreise) or derived (catalog formula).';
COMMENT ON COLUMN marts.indicator_values.missing IS 'For an incomplete figure: the Kreise or inputs that are missing or withheld.';
COMMENT ON COLUMN marts.indicator_values.citation IS 'Credit line(s) of the sources of the figure and its inputs.';
COMMENT ON COLUMN marts.indicator_values.licence IS 'Licence(s) of those sources.';
COMMENT ON COLUMN marts.indicator_values.shown_since IS 'Mart build from which the warehouse shows this figure.';
