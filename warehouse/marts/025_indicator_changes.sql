-- A view (always current, nothing to rebuild): the change of every indicator × region × period over
-- 1, 5 and 10 years against the same period of the year, and the average annual growth over 5 and 10
-- years. It joins marts.region_comparison on (indicator_id, region_code, period) and
-- marts.region_profile on (region_code, period_key = period). The base of a change is found by its
-- period, never by position: the same period n years back (2019 -> 2014, 2023-12-31 -> 2018-12-31,
-- monthly 2026-10 -> 2025-10, 2021-10, 2016-10: 12, 60 and 120 months), so a year the warehouse
-- lacks gives NULL (no_base_period), not the next older row. Counts and amounts change in % of the
-- base; rates, shares and figures per inhabitant in points, value − base value in their unit
-- (core.indicators.change_in, from the catalog unit: percent, per … or … per …). A NULL
-- change says why in its *_status column (core.statuses, computed); a computed one carries the first
-- `carried` status of its two ends (provisional, estimated, ...). Both ends are figures of
-- core.region_values, so an aggregate's rate is the one recomputed from summed numerator and
-- denominator, never an average.
-- {{carried_statuses}} is filled in from catalog/statuses.yaml by warehouse/marts.py.

CREATE OR REPLACE MACRO marts.carried_status(status, base_status) AS
    CASE WHEN status IS NOT NULL OR base_status IS NOT NULL  -- (most figures have no status: skip the list)
         THEN list_filter({{carried_statuses}}, lambda s: s = status OR s = base_status)[1] END;

-- `base_found`: the warehouse has a row for the base period (its value may still be NULL).
CREATE OR REPLACE MACRO marts.change_status(change_in, value, status, base_found, base_value, base_status) AS
    CASE WHEN value IS NULL THEN CASE WHEN status = 'incomplete' THEN 'incomplete' ELSE 'withheld' END
         WHEN NOT base_found THEN 'no_base_period'
         WHEN base_value IS NULL THEN CASE base_status WHEN 'incomplete' THEN 'base_incomplete'
                                                      WHEN 'other_release' THEN 'other_release' ELSE 'base_withheld' END
         WHEN change_in = 'percent' AND base_value = 0 THEN 'base_zero'
         WHEN change_in = 'percent' AND base_value < 0 THEN 'base_negative'
         ELSE marts.carried_status(status, base_status) END;

CREATE OR REPLACE MACRO marts.change(change_in, value, base_value) AS
    CASE WHEN change_in = 'points' THEN value - base_value
         WHEN base_value > 0 THEN (value / base_value - 1) * 100 END;

CREATE OR REPLACE MACRO marts.growth_status(change_in, value, status, base_found, base_value, base_status) AS
    CASE WHEN change_in = 'points' THEN 'not_a_count'
         WHEN value IS NULL OR base_value IS NULL THEN marts.change_status(change_in, value, status, base_found, base_value, base_status)
         WHEN value <= 0 OR base_value <= 0 THEN 'not_positive'
         ELSE marts.carried_status(status, base_status) END;

CREATE OR REPLACE MACRO marts.growth_pct(change_in, value, base_value, years) AS
    CASE WHEN change_in = 'percent' AND value > 0 AND base_value > 0 THEN (power(value / base_value, 1.0 / years) - 1) * 100 END;

-- `base` when the base figure comes from the same release as the figure (or neither has one), else `otherwise`:
-- the IHK's series joins releases of different years, and a forecast of 2012 is no base for a figure of 2020.
CREATE OR REPLACE MACRO marts.same_release(release, base_release, base, otherwise := NULL) AS
    CASE WHEN release IS NOT DISTINCT FROM base_release THEN base ELSE otherwise END;

-- A period is its year and the rest ('2023' + '-12-31', '2026' + '-10', '2019' + ''): the base of a
-- change over n years is the row of the same series and rest whose year is n smaller.
CREATE OR REPLACE MACRO marts.indicator_changes_as_of(as_of) AS TABLE
WITH releases AS (  -- the release (a partner file's Stand) each shown figure comes from; providers without: NULL
    SELECT indicator_id, region_code, period, max(release) AS release
    FROM core.observations WHERE release IS NOT NULL AND marts.shown_at(valid_from, valid_to, as_of) GROUP BY ALL
), v AS (  -- narrow: labels are joined last (each join below carries the columns it is given)
    SELECT v.indicator_id, v.region_code, v.period, v.period_key, v.freq, v.value, v.unit, v.status, rel.release,
           i.change_in, TRY_CAST(left(v.period, 4) AS INTEGER) AS year, substr(v.period, 5) AS rest
    FROM marts.region_values_as_of(as_of) v JOIN core.indicators i USING (indicator_id)
    LEFT JOIN releases rel USING (indicator_id, region_code, period)
), c AS (  -- a base of another release is no base: its figure is not shown as one, its status says other_release
    SELECT v.*,
           b1.period IS NOT NULL AS found_1y, marts.same_release(v.release, b1.release, b1.value) AS base_value_1y,
           marts.same_release(v.release, b1.release, b1.status, otherwise := 'other_release') AS base_status_1y,
           b5.period IS NOT NULL AS found_5y, marts.same_release(v.release, b5.release, b5.value) AS base_value_5y,
           marts.same_release(v.release, b5.release, b5.status, otherwise := 'other_release') AS base_status_5y,
           b10.period IS NOT NULL AS found_10y, marts.same_release(v.release, b10.release, b10.value) AS base_value_10y,
           marts.same_release(v.release, b10.release, b10.status, otherwise := 'other_release') AS base_status_10y
    FROM v
    LEFT JOIN v b1 ON b1.indicator_id = v.indicator_id AND b1.region_code = v.region_code AND b1.freq = v.freq
                  AND b1.rest = v.rest AND b1.year = v.year - 1
    LEFT JOIN v b5 ON b5.indicator_id = v.indicator_id AND b5.region_code = v.region_code AND b5.freq = v.freq
                  AND b5.rest = v.rest AND b5.year = v.year - 5
    LEFT JOIN v b10 ON b10.indicator_id = v.indicator_id AND b10.region_code = v.region_code AND b10.freq = v.freq
                   AND b10.rest = v.rest AND b10.year = v.year - 10
)
SELECT c.indicator_id, i.label_de AS indicator_label_de, i.label_en AS indicator_label_en, i.topic,
       c.region_code, r.name_de AS region_name_de, r.name_en AS region_name_en, r.level AS region_level,
       c.period, c.period_key, c.freq, c.value, c.unit, c.status,
       CASE WHEN c.change_in = 'percent' THEN '%' WHEN c.unit = 'percent' THEN 'percentage points'
            ELSE c.unit END                                                                                AS change_unit,
       CAST(c.year - 1 AS VARCHAR) || c.rest                                                               AS base_period_1y,
       c.base_value_1y,
       marts.change(c.change_in, c.value, c.base_value_1y)                                                 AS change_1y,
       marts.change_status(c.change_in, c.value, c.status, c.found_1y, c.base_value_1y, c.base_status_1y)  AS change_1y_status,
       CAST(c.year - 5 AS VARCHAR) || c.rest                                                               AS base_period_5y,
       c.base_value_5y,
       marts.change(c.change_in, c.value, c.base_value_5y)                                                 AS change_5y,
       marts.change_status(c.change_in, c.value, c.status, c.found_5y, c.base_value_5y, c.base_status_5y)  AS change_5y_status,
       CAST(c.year - 10 AS VARCHAR) || c.rest                                                              AS base_period_10y,
       c.base_value_10y,
       marts.change(c.change_in, c.value, c.base_value_10y)                                                AS change_10y,
       marts.change_status(c.change_in, c.value, c.status, c.found_10y, c.base_value_10y, c.base_status_10y) AS change_10y_status,
       marts.growth_pct(c.change_in, c.value, c.base_value_5y, 5)                                          AS cagr_5y_pct,
       marts.growth_status(c.change_in, c.value, c.status, c.found_5y, c.base_value_5y, c.base_status_5y)  AS cagr_5y_status,
       marts.growth_pct(c.change_in, c.value, c.base_value_10y, 10)                                        AS cagr_10y_pct,
       marts.growth_status(c.change_in, c.value, c.status, c.found_10y, c.base_value_10y, c.base_status_10y) AS cagr_10y_status
FROM c
JOIN core.indicators i ON i.indicator_id = c.indicator_id
JOIN core.regions r ON r.region_code = c.region_code;

CREATE OR REPLACE VIEW marts.indicator_changes AS
SELECT * FROM marts.indicator_changes_as_of(NULL);

COMMENT ON MACRO marts.carried_status IS 'The first carried status of catalog/statuses.yaml (provisional, estimated, ...) among the two ends of a change; NULL when neither has one.';
COMMENT ON MACRO marts.change_status IS 'Why a change is NULL (withheld, incomplete, no_base_period, base_withheld, base_incomplete, other_release, base_zero, base_negative), else the status it carries.';
COMMENT ON MACRO marts.same_release IS 'The base (figure or status) when it comes from the same release as the figure (or neither is dated by a release), else `otherwise`.';
COMMENT ON MACRO marts.change IS 'value − base value for rates, shares and figures per inhabitant (change_in points), else the change in % of a positive base value.';
COMMENT ON MACRO marts.growth_status IS 'Why an average annual growth rate is NULL (not_a_count, not_positive, or the reasons of a change), else the status it carries.';
COMMENT ON MACRO marts.growth_pct IS 'Average annual growth in % over `years` years, ((value / base value)^(1 / years) − 1) × 100, for counts positive at both ends.';
COMMENT ON MACRO TABLE marts.indicator_changes_as_of IS 'marts.indicator_changes as the published warehouse showed it at as_of (NULL = now), from the vintages of core.region_values.';

COMMENT ON VIEW marts.indicator_changes IS 'Change of every indicator × region × period over 1, 5 and 10 years against the same period of the year (monthly: 12, 60, 120 months), in % for counts and amounts and in points for rates, shares and figures per inhabitant (change_unit), and the average annual growth over 5 and 10 years; a NULL change says why in its _status column (core.statuses). Another time: marts.indicator_changes_as_of(TIMESTAMP ''2026-01-31'').';
COMMENT ON COLUMN marts.indicator_changes.indicator_id IS 'Indicator id (core.indicators).';
COMMENT ON COLUMN marts.indicator_changes.indicator_label_de IS 'Indicator label, German.';
COMMENT ON COLUMN marts.indicator_changes.indicator_label_en IS 'Indicator label, English.';
COMMENT ON COLUMN marts.indicator_changes.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN marts.indicator_changes.region_code IS 'AGS, DG, or the id of an aggregate region (core.regions).';
COMMENT ON COLUMN marts.indicator_changes.region_name_de IS 'Region name, German.';
COMMENT ON COLUMN marts.indicator_changes.region_name_en IS 'Region name, English.';
COMMENT ON COLUMN marts.indicator_changes.region_level IS 'country, state, regbez, kreis, partner, aa_district or regionalverband.';
COMMENT ON COLUMN marts.indicator_changes.period IS 'Reference period (year, reference date or month).';
COMMENT ON COLUMN marts.indicator_changes.period_key IS 'The year for annual figures, else the period (joins marts.region_profile.period).';
COMMENT ON COLUMN marts.indicator_changes.freq IS 'A annual, Q quarterly, M monthly.';
COMMENT ON COLUMN marts.indicator_changes.value IS 'The figure (NULL when withheld or incomplete, see status); an aggregate''s rate is recomputed from its summed numerator and denominator.';
COMMENT ON COLUMN marts.indicator_changes.unit IS 'Unit of value and of the base values.';
COMMENT ON COLUMN marts.indicator_changes.status IS 'Status of the figure.';
COMMENT ON COLUMN marts.indicator_changes.change_unit IS 'Unit of the changes: % of the base value (counts and amounts), percentage points (rates and shares in percent) or the unit itself (per 1000 inhabitants, EUR per inhabitant: value − base value); from core.indicators.change_in.';
COMMENT ON COLUMN marts.indicator_changes.base_period_1y IS 'The same period one year earlier (monthly: 12 months), whether or not the warehouse has it.';
COMMENT ON COLUMN marts.indicator_changes.base_value_1y IS 'The figure of base_period_1y (NULL when missing, withheld, incomplete or of another release).';
COMMENT ON COLUMN marts.indicator_changes.change_1y IS 'Change against base_period_1y in change_unit: in % for counts and amounts, in points for rates, shares and figures per inhabitant; NULL with the reason in change_1y_status.';
COMMENT ON COLUMN marts.indicator_changes.change_1y_status IS 'Why change_1y is NULL (withheld, incomplete, no_base_period, base_withheld, base_incomplete, other_release, base_zero, base_negative), else the carried status of its two ends (provisional, estimated, ...) or NULL.';
COMMENT ON COLUMN marts.indicator_changes.base_period_5y IS 'The same period five years earlier (monthly: 60 months), whether or not the warehouse has it.';
COMMENT ON COLUMN marts.indicator_changes.base_value_5y IS 'The figure of base_period_5y (NULL when missing, withheld, incomplete or of another release).';
COMMENT ON COLUMN marts.indicator_changes.change_5y IS 'Change against base_period_5y in change_unit; NULL with the reason in change_5y_status.';
COMMENT ON COLUMN marts.indicator_changes.change_5y_status IS 'Why change_5y is NULL, else the carried status of its two ends or NULL (as change_1y_status).';
COMMENT ON COLUMN marts.indicator_changes.base_period_10y IS 'The same period ten years earlier (monthly: 120 months), whether or not the warehouse has it.';
COMMENT ON COLUMN marts.indicator_changes.base_value_10y IS 'The figure of base_period_10y (NULL when missing, withheld, incomplete or of another release).';
COMMENT ON COLUMN marts.indicator_changes.change_10y IS 'Change against base_period_10y in change_unit; NULL with the reason in change_10y_status.';
COMMENT ON COLUMN marts.indicator_changes.change_10y_status IS 'Why change_10y is NULL, else the carried status of its two ends or NULL (as change_1y_status).';
COMMENT ON COLUMN marts.indicator_changes.cagr_5y_pct IS 'Average annual growth over five years in %, ((value / base_value_5y)^(1/5) − 1) × 100: counts and amounts positive at both ends only.';
COMMENT ON COLUMN marts.indicator_changes.cagr_5y_status IS 'Why cagr_5y_pct is NULL (not_a_count for rates, shares and figures per inhabitant, not_positive, or the reasons of a change), else the carried status of its two ends or NULL.';
COMMENT ON COLUMN marts.indicator_changes.cagr_10y_pct IS 'Average annual growth over ten years in %, ((value / base_value_10y)^(1/10) − 1) × 100: counts and amounts positive at both ends only.';
COMMENT ON COLUMN marts.indicator_changes.cagr_10y_status IS 'Why cagr_10y_pct is NULL (as cagr_5y_status), else the carried status of its two ends or NULL.';
