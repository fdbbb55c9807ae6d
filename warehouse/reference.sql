-- Documentation of the reference tables written from the catalog on every build (warehouse/reference.py).
COMMENT ON TABLE core.regions IS 'Regions from catalog/regions.yaml: Germany, the state, Regierungsbezirke, Kreise and aggregates of Kreise (partner regions, Agentur-für-Arbeit districts, Regionalverbände).';
COMMENT ON COLUMN core.regions.region_code IS 'AGS (Kreis 5 digits, Regierungsbezirk 3, state 2), DG for Germany, or a slug for an aggregate region.';
COMMENT ON COLUMN core.regions.name_de IS 'German name (Regionaldatenbank label for Kreise).';
COMMENT ON COLUMN core.regions.name_en IS 'English name.';
COMMENT ON COLUMN core.regions.level IS 'country, state, regbez, kreis, partner, aa_district or regionalverband.';
COMMENT ON COLUMN core.regions.nuts IS 'NUTS 2021 code (= NUTS 2024 for Baden-Württemberg), where one exists.';
COMMENT ON COLUMN core.regions.parent IS 'Region one level up (Kreis -> Regierungsbezirk -> state -> Germany).';
COMMENT ON COLUMN core.regions.members IS 'Kreise whose figures add up to the region (aggregates, Regierungsbezirke, the state); empty for Kreise and Germany.';

COMMENT ON TABLE core.indicators IS 'Indicators from catalog/indicators.yaml: provider indicators (labels, definition, unit, topic, provider table, aggregation rule) and derived indicators (their formula).';
COMMENT ON COLUMN core.indicators.indicator_id IS 'Indicator id.';
COMMENT ON COLUMN core.indicators.label_de IS 'German label.';
COMMENT ON COLUMN core.indicators.label_en IS 'English label.';
COMMENT ON COLUMN core.indicators.definition IS 'Definition (German).';
COMMENT ON COLUMN core.indicators.unit IS 'Unit of the values.';
COMMENT ON COLUMN core.indicators.change_in IS 'How a change over time is expressed (marts.indicator_changes): points (value − base value, in the unit) for rates, shares and figures per inhabitant, whose unit is percent, per … or … per … (per 1000 inhabitants, EUR per inhabitant); percent (of the base value) for counts and amounts (persons, thousand EUR).';
COMMENT ON COLUMN core.indicators.topic IS 'demography, economy, social, labour_market or skilled_labour.';
COMMENT ON COLUMN core.indicators.kind IS 'provider (drawn from a provider table) or derived (computed by formula).';
COMMENT ON COLUMN core.indicators.table_id IS 'Provider table the indicator is drawn from (provider indicators).';
COMMENT ON COLUMN core.indicators.formula IS 'Formula of a derived indicator, in indicator ids.';
COMMENT ON COLUMN core.indicators.source_id IS 'Source of that table.';
COMMENT ON COLUMN core.indicators.aggregation IS 'How Kreis figures combine into regions: sum, ratio (recomputed from summed numerator and denominator), formula (derived: the formula on the region''s aggregated inputs) or none.';
COMMENT ON COLUMN core.indicators.numerator IS 'Numerator indicator of a ratio aggregation.';
COMMENT ON COLUMN core.indicators.denominator IS 'Denominator indicator of a ratio aggregation.';
COMMENT ON COLUMN core.indicators.scale IS 'Scale of a ratio (100 for percent, 1000 per thousand).';
COMMENT ON COLUMN core.indicators.verified IS 'True when the table structure was confirmed from a recorded provider response.';

COMMENT ON TABLE core.units IS 'Units of the indicators (catalog/indicators.yaml units:) and the precision their figures are published at.';
COMMENT ON COLUMN core.units.unit IS 'Unit (core.indicators.unit).';
COMMENT ON COLUMN core.units.decimals IS 'Decimals the providers publish figures of this unit with: goals are compared with their targets at this precision.';

COMMENT ON TABLE core.sources IS 'Providers from catalog/sources.yaml with licence and citation.';
COMMENT ON COLUMN core.sources.source_id IS 'Source id.';
COMMENT ON COLUMN core.sources.provider IS 'Provider family whose value markers the source writes (core.statuses.provider).';
COMMENT ON COLUMN core.sources.name IS 'Name of the provider and its API.';
COMMENT ON COLUMN core.sources.base_url IS 'Base URL of the API.';
COMMENT ON COLUMN core.sources.licence IS 'Licence of the data.';
COMMENT ON COLUMN core.sources.licence_url IS 'Text of the licence.';
COMMENT ON COLUMN core.sources.citation IS 'Credit line to show with the figures.';

COMMENT ON TABLE core.statuses IS 'Value markers of the providers (catalog/statuses.yaml) and what they mean.';
COMMENT ON COLUMN core.statuses.provider IS 'Whose sign it is (genesis: the statistical offices; eurostat; labour-monitor for computed figures): one sign can mean different things (e: final at GENESIS, estimated at Eurostat).';
COMMENT ON COLUMN core.statuses.marker IS 'The sign as the provider writes it; NULL for statuses the warehouse gives to computed figures (incomplete).';
COMMENT ON COLUMN core.statuses.status IS 'The warehouse word for it (core.observations.status).';
COMMENT ON COLUMN core.statuses.suppressed IS 'True when the value is withheld: stored as NULL, never 0.';
COMMENT ON COLUMN core.statuses.label_de IS 'Official meaning (German).';
COMMENT ON COLUMN core.statuses.label_en IS 'Meaning in English.';
