"""The dashboard's data as pages carry it: a series' values, the full table printed for readers
without JavaScript, and the compact payload the page's script reads (report/dashboard.py
decides what they hold)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..charts.interactive import tick
from ..japan.periods import Period
from ..model.workspace import Indicator

if TYPE_CHECKING:
    from .dashboard import IndicatorOut


@dataclass
class SeriesOut:
    """One series: its dimension values, label, and a value (or None) per period of the page."""

    dims: dict[str, str]
    label: str
    values: list[float | None]
    illustrative: list[int]  # indices of periods whose value is illustrative (例示値)


@dataclass
class TableOut:
    """The full table as the page prints it: `long` (one series: a row per date) or `wide`
    (a row per series, a column per date)."""

    layout: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    series_keys: list[str] = field(default_factory=list)  # wide: each row's dimension values


def full_table(
    ind: Indicator, series: list[SeriesOut], periods: list[Period], provenance: str, lang: str
) -> TableOut:
    """The full table: every value of every series, formatted as the report prints them."""
    unit = ind.unit_in(lang)
    mark = provenance == "mixed"  # all illustrative: the table's note says so once
    ill = "例示値" if lang == "ja" else "illustrative"

    def cell(s: SeriesOut, i: int) -> str:
        v = s.values[i]
        if v is None:
            return ""
        text = ind.display.number(v, lang)
        return f"{text} ({ill})" if mark and i in s.illustrative else text

    if len(series) == 1:
        s = series[0]
        cols = ["時点", f"値（{unit}）", "注記"]
        if lang == "en":
            cols = ["Date", f"Value ({unit})", "Note"]
        rows = [
            (p.label("dot", lang), [cell(s, i), ill if i in s.illustrative else ""])
            for i, p in enumerate(periods)
            if s.values[i] is not None
        ]
        return TableOut("long", cols, rows)
    first = "区分" if lang == "ja" else "Series"
    cols = [first, *(p.label("dot", lang) for p in periods)]
    rows = [(s.label, [cell(s, i) for i in range(len(periods))]) for s in series]
    keys = [";".join(f"{k}={v}" for k, v in s.dims.items()) for s in series]
    return TableOut("wide", cols, rows, keys)


def payload(ind: IndicatorOut, lang: str) -> dict[str, Any]:
    """What the page's script needs, compact: periods, dimensions, series values, the spec."""
    dim_ids = [d.id for d in ind.dims if not d.derived]
    return {
        "id": ind.id,
        "lang": lang,
        "unit": ind.unit,
        "decimals": ind.ind.decimals,
        "periods": [p.key for p in ind.periods],
        "labels": [p.label("dot", lang) for p in ind.periods],
        "long": [p.label("long", lang) for p in ind.periods],
        "ticks": [tick(p) for p in ind.periods],
        "dates": [p.start.isoformat() for p in ind.periods],
        "dims": [
            {"id": d.id, "name": d.name, "values": d.values, "derived": d.derived} for d in ind.dims
        ],
        "series": [
            [[s.dims.get(d) for d in dim_ids], s.values, s.illustrative] for s in ind.series
        ],
        "default": ind.default,
        "spec": ind.spec,
        "title": ind.chart.title if ind.chart else ind.name,
    }
