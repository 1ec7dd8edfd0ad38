"""The dashboard's data as pages carry it: a series' values, the full table printed for readers
without JavaScript, and the compact payload the page's script reads (report/dashboard.py
decides what they hold)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..charts.interactive import tick
from ..japan import numbers
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


class Cell(NamedTuple):
    """A cell of the full table: the value as printed (the indicator's one format) and, when
    the printed text does not read back as the value exactly (9,760万, 12.3 for 12.345), the
    value itself, for the page's script (`data-v`)."""

    text: str
    raw: str | None = None


def _cell(text: str, value: float) -> Cell:
    try:
        same = float(text.replace(",", "")) == value
    except ValueError:
        same = False
    return Cell(
        text, None if same else json.dumps(int(value) if float(value).is_integer() else value)
    )


@dataclass
class TableOut:
    """The full table as the page prints it: `long` (one series: a row per date) or `wide`
    (a row per series, a column per date). It is the page's one copy of the data: the script
    reads the values it charts, maps and sorts from it (static/dashboard.js)."""

    layout: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]
    series_keys: list[str] = field(default_factory=list)  # wide: each row's dimension values


def full_table(
    ind: Indicator, series: list[SeriesOut], periods: list[Period], provenance: str, lang: str
) -> TableOut:
    """The full table: every value of every series, formatted as the report prints them."""
    unit = ind.unit_in(lang)
    mark = provenance == "mixed"  # all illustrative: the table's note says so once
    ill = "例示値" if lang == "ja" else "illustrative"

    marked = {id(s): set(s.illustrative) for s in series}

    def cell(s: SeriesOut, i: int) -> Cell:
        v = s.values[i]
        if v is None:
            return Cell("")
        c = _cell(ind.display.number(v, lang), v)
        return c._replace(text=f"{c.text} ({ill})") if mark and i in marked[id(s)] else c

    if len(series) == 1:
        s = series[0]
        cols = ["時点", f"値（{unit}）", "注記"]
        if lang == "en":
            cols = ["Date", f"Value ({unit})", "Note"]
        rows = [
            (p.label("dot", lang), [cell(s, i), Cell(ill if i in marked[id(s)] else "")])
            for i, p in enumerate(periods)
            if s.values[i] is not None
        ]
        return TableOut("long", cols, rows)
    first = "区分" if lang == "ja" else "Series"
    cols = [first, *(p.label("dot", lang) for p in periods)]
    rows = [(s.label, [cell(s, i) for i in range(len(periods))]) for s in series]
    keys = [";".join(f"{k}={v}" for k, v in s.dims.items()) for s in series]
    return TableOut("wide", cols, rows, keys)


def payload(ind: IndicatorOut, lang: str, values: bool = False) -> dict[str, Any]:
    """What the page's script needs, compact: periods, dimensions, series keys and which values
    are illustrative, the Vega spec. An indicator page's values are in its full table, which
    the script reads (the page carries them once); with `values` (an embed, which has no
    table) each series carries its values and their printed texts."""
    dim_ids = [d.id for d in ind.dims if not d.derived]
    display = ind.ind.display
    # A page's only dimension (1,741 municipalities) is named in its table's row headers: the
    # script takes the names from there (values: null), so the page does not carry them twice.
    named_by_rows = not values and ind.table.layout == "wide" and len(dim_ids) == 1
    # All values illustrative: the script marks every value so (null), not a list per series.
    every = ind.provenance == "illustrative"

    def texts(s: SeriesOut) -> list[str]:
        return ["" if v is None else display.number(v, lang) for v in s.values]

    return {
        "id": ind.id,
        "lang": lang,
        "unit": ind.unit,
        # How a value's text takes its unit (9,760万件, 97.6 million applications).
        "unit_text": numbers.with_unit("{v}", ind.unit, lang),
        "periods": [p.key for p in ind.periods],
        "labels": [p.label("dot", lang) for p in ind.periods],
        "long": [p.label("long", lang) for p in ind.periods],
        "ticks": [tick(p) for p in ind.periods],
        "dates": [p.start.isoformat() for p in ind.periods],
        "dims": [
            {
                "id": d.id,
                "name": d.name,
                "values": None if named_by_rows and not d.derived else d.values,
                "derived": d.derived,
            }
            for d in ind.dims
        ],
        "series": [
            [
                [s.dims.get(d) for d in dim_ids],
                s.values if values else None,
                None if every else s.illustrative,
            ]
            + ([texts(s)] if values else [])
            for s in ind.series
        ],
        "default": ind.default,
        "provenance": ind.provenance,
        "spec": ind.vega,
        "title": ind.chart.title if ind.chart else ind.name,
    }
