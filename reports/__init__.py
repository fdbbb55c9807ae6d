"""The regional report: a static site (and one PDF per partner region) built from the published warehouse.

It reads the marts of the published DuckDB file read-only and computes no statistics of its own: indices,
ranks, changes and the data status come from marts (warehouse/marts/*.sql). It never imports `sources/` or
`pipelines/`; the flows call it after publishing. `charts` is the one chart module (the goals review reuses it).
"""
