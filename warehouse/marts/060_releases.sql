-- A view (always current): every figure of a provider that dates its releases (the IHK-Fachkräftemonitor's
-- Stand), one row per release, so that a forecast can be drawn as one line per release and a revision between
-- releases shows. The other marts compare the newest release of each figure (warehouse/marts.py).
CREATE OR REPLACE VIEW marts.releases AS
SELECT
    o.indicator_id,
    i.label_de        AS indicator_label_de,
    i.label_en        AS indicator_label_en,
    i.topic,
    o.region_code,
    r.name_de         AS region_name_de,
    o.release,
    o.period,
    o.value,
    o.unit,
    o.status,
    try_cast(left(o.period, 4) AS INTEGER) > try_cast(left(o.release, 4) AS INTEGER) AS forecast,
    src.citation,
    src.licence,
    o.source_id,
    o.valid_from      AS published_since
FROM core.observations o
JOIN core.indicators i USING (indicator_id)
JOIN core.regions r USING (region_code)
JOIN core.sources src ON src.source_id = o.source_id
WHERE o.valid_to IS NULL AND o.release IS NOT NULL;

COMMENT ON VIEW marts.releases IS 'Figures of providers that date their releases (partner files: Stand), one row per indicator, region, release and period: a forecast for 2035 of July 2021 and one of June 2022 side by side. The other marts show the newest release.';
COMMENT ON COLUMN marts.releases.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.releases.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.releases.indicator_label_en IS 'Indicator label, English.';
COMMENT ON COLUMN marts.releases.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.releases.region_code IS 'Region of the figure (core.regions).';
COMMENT ON COLUMN marts.releases.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.releases.release IS 'Release date of the figure as the provider gives it (YYYY, YYYY-MM or YYYY-MM-DD).';
COMMENT ON COLUMN marts.releases.period IS 'Reference period of the figure (a year after the release''s year is a forecast).';
COMMENT ON COLUMN marts.releases.value IS 'The figure; NULL when withheld (see status), never 0 in its place.';
COMMENT ON COLUMN marts.releases.unit IS 'Unit of the value.';
COMMENT ON COLUMN marts.releases.status IS 'Provider status; NULL for a plain figure.';
COMMENT ON COLUMN marts.releases.forecast IS 'True when the period''s year lies after the release''s year: a forecast of that release.';
COMMENT ON COLUMN marts.releases.citation IS 'Credit line to show with the figure.';
COMMENT ON COLUMN marts.releases.licence IS 'Licence of the figure.';
COMMENT ON COLUMN marts.releases.source_id IS 'Source of the figure.';
COMMENT ON COLUMN marts.releases.published_since IS 'When this vintage of the figure was first loaded.';
