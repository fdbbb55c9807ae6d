"""The DuckDB warehouse: schema, loading with vintages, marts, publishing."""
