"""Lookups over a workspace's data (series, values at a date, survey shares, labels).

A layer of its own, above the model, ingest and store and below everything that reads the data:
the check, the charts, the report models (and the dashboard and API to come) share these, so
that each asks the same question the same way.
"""
