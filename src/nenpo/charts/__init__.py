"""Charts drawn from data: Vega-Lite specs (Altair), SVG (vl-convert), alt text, data tables."""

from .make import ChartOut, DataTable, make_chart

__all__ = ["ChartOut", "DataTable", "make_chart"]
