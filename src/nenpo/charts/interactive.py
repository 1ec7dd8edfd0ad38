"""The dashboard's interactive chart: the static chart's own Vega-Lite spec, fed by the page.

A time-series chart's spec (`make._timeseries`) carries its rows inline and its time axis as a
list of the observation dates with a label for each. For the dashboard the same spec is kept
and only opened up, so that the page's script can show any series and time range of the
indicator without another spec:

- every inline `data.values` becomes the named data set `series` (the page replaces its rows);
- the time axis's dates become the parameter `ticks` (the page sets the dates it shows), and its
  labels a lookup in the parameter `labels`, which holds the label of every date of the
  indicator, written by the same code as the static axis (2024.7, 2022.12.31, 2023年度);
- the scales of the `kind` field (実績 / 例示値) know both kinds, so that an illustrative value is
  never drawn as a real one in a series the static chart did not show;
- the chart takes its container's width (a phone's 390 px too); its time labels stay level and
  Vega leaves out those that would overlap (the table lists every date).

A test draws the opened spec with the static chart's rows and compares its texts with the
static SVG's.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from ..japan.periods import Period
from .make import ACTUAL, ILLUSTRATIVE, PALETTE

DATA = "series"
ILLUSTRATIVE_COLOUR = "#D81B1B"
FONTS = '"Noto Sans JP", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif'


def row(period: Period, value: float, illustrative: bool, lang: str) -> dict[str, Any]:
    """One row of the `series` data set, as the static chart's rows are written."""
    return {
        "date": period.start.isoformat(),
        "value": value,
        "label": period.label("dot", lang),
        "kind": ILLUSTRATIVE[lang] if illustrative else ACTUAL[lang],
    }


def tick(period: Period) -> int:
    """A date on the time axis (ms since the epoch, UTC), as the static spec writes it and as
    Vega reads the rows' ISO dates."""
    d = period.start
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000)


def open_spec(
    spec: dict[str, Any], periods: list[Period], lang: str, real: bool, illustrative: bool
) -> dict[str, Any]:
    """The interactive spec: `spec` with its data named, its time axis and kinds opened up
    (`real`, `illustrative`: which kinds of value the indicator has in any of its series)."""
    out = copy.deepcopy(spec)
    rows: list[Any] | None = None
    ticks: list[int] = []

    def walk(node: Any) -> None:
        nonlocal rows
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            rows = rows if rows is not None else data["values"]
            node["data"] = {"name": DATA}
        enc = node.get("encoding")
        if isinstance(enc, dict):
            x = enc.get("x")
            if isinstance(x, dict) and x.get("type") == "temporal":
                axis = x.setdefault("axis", {})
                if isinstance(axis, dict):
                    if isinstance(axis.get("values"), list):
                        ticks[:] = ticks or axis["values"]
                    axis["values"] = {"expr": "ticks"}
                    axis["labelExpr"] = "labels[+datum.value] || ''"
                    axis["labelAngle"] = 0
                    axis["labelOverlap"] = "greedy"
                    axis["labelSeparation"] = 6
                    axis["labelFontSize"] = 12  # drawn at its size, never scaled down
            for channel in ("color", "shape"):
                _open_kind(enc.get(channel), channel, lang, real, illustrative)
        for key, value in node.items():
            if key not in ("data", "config"):
                walk(value)

    walk(out)
    out["datasets"] = {DATA: rows or []}
    labels = {str(tick(p)): p.label("dot", lang) for p in periods}
    out["params"] = [
        *out.get("params", []),
        {"name": "ticks", "value": ticks},
        {"name": "labels", "value": labels},
    ]
    out["width"] = "container"
    out["autosize"] = {"type": "fit-x", "contains": "padding"}
    out.setdefault("config", {})["font"] = FONTS
    out.pop("$schema", None)
    return out


def _open_kind(enc: Any, channel: str, lang: str, real: bool, illustrative: bool) -> None:
    """A `kind` scale over the kinds the indicator has in any series, with a legend when some
    are illustrative (as the static chart has one when its series has some)."""
    if not isinstance(enc, dict) or enc.get("field") != "kind":
        return
    ranges = {
        ACTUAL[lang]: {"color": PALETTE[0], "shape": "circle"},
        ILLUSTRATIVE[lang]: {"color": ILLUSTRATIVE_COLOUR, "shape": "diamond"},
    }
    kinds = [k for k, on in ((ACTUAL[lang], real), (ILLUSTRATIVE[lang], illustrative)) if on]
    enc["scale"] = {"domain": kinds, "range": [ranges[k][channel] for k in kinds]}
    enc["legend"] = {"orient": "bottom"} if illustrative else None
