"""Pure transforms on Arrow tables and DataFrames: markers, region codes, aggregation."""
