"""Time-series charts: a line through the observations, illustrative points marked, dates from
the data; on a phone, level date labels thinned to what fits (charts/layout.py)."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

from ..japan import numbers
from ..lookups.data import Data, Point
from ..model.workspace import Chart
from . import vl
from .common import (
    ACTUAL,
    ILLUSTRATIVE,
    PALETTE,
    WIDTH,
    ChartOut,
    DataTable,
    chart_out,
    ms,
    override,
    sized,
    sources_of,
    title_lines,
    title_of,
    value_label,
)
from .layout import Layout, thin_dates


def timeseries(chart: Chart, data: Data, lang: str) -> ChartOut:
    assert chart.indicator
    ind = data.indicator(chart.indicator)
    pts = data.series(ind.id, chart.where)
    title = title_of(chart, ind.name.get(lang), lang)
    labels = override([p.period.label("dot", lang) for p in pts], chart.axis_labels)
    ill = ILLUSTRATIVE[lang]
    rows = [
        {
            "date": p.period.start.isoformat(),
            "value": p.value,
            "label": lab,
            "kind": ill if p.illustrative else ACTUAL[lang],
        }
        for p, lab in zip(pts, labels, strict=True)
    ]
    ticks = [ms(p.period) for p in pts]
    label_map = json.dumps(
        {str(t): lab for t, lab in zip(ticks, labels, strict=True)}, ensure_ascii=False
    )
    many = len(pts) > 12
    # Dates close together on a long axis (three in spring 2023, the last in 2025) would be
    # written over each other: their labels stand upright, as on a crowded axis.
    span = ticks[-1] - ticks[0] if len(ticks) > 1 else 0
    crowded = span > 0 and min(b - a for a, b in pairwise(ticks)) / span * WIDTH < 64
    y_title = f"{ind.name.get(lang)}（{ind.unit_in(lang)}）" if lang == "ja" else ind.name.get(lang)
    if lang == "en" and ind.unit_in(lang):
        y_title += f" ({ind.unit_in(lang)})"
    actual = ACTUAL[lang]
    illustrative = any(p.illustrative for p in pts)
    # Illustrative points are red and hollow; the legend appears only when there are some,
    # and names only the kinds the chart has (all illustrative: no 実績 in it).
    kinds = [
        k for k, on in ((actual, not all(p.illustrative for p in pts)), (ill, illustrative)) if on
    ]
    colours = {actual: PALETTE[0], ill: "#D81B1B"}
    kind_scale = vl.props(domain=kinds, range=[colours[k] for k in kinds])
    legend = vl.props(orient="bottom") if illustrative else None

    def x_axis(lay: Layout) -> vl.Spec:
        if lay.narrow:
            # On a phone: level labels, as many observation dates as fit side by side (the
            # first, the last, each year's first), none drawn over another.
            shown = thin_dates([p.period.start for p in pts], labels, lay.width - 80)
            return vl.props(
                values=[ticks[i] for i in shown],
                labelExpr=f"{label_map}[+datum.value]",
                labelAngle=0,
                labelFlush=True,
                labelOverlap="greedy",
                grid=False,
            )
        return vl.props(
            values=ticks,
            labelExpr=f"{label_map}[+datum.value]",
            labelAngle=-90 if many or crowded else 0,
            # Every tick is an observation date; where dates crowd, some labels are left out
            # rather than drawn over each other (the data table lists every date).
            labelOverlap="greedy" if many else False,
            labelFontSize=10 if many else 11,
            grid=False,
        )

    def spec(lay: Layout) -> dict[str, Any]:
        x = vl.channel("date:T", title=None, scale=vl.props(type="utc"), axis=x_axis(lay))
        axis = _value_axis(pts, ind.display, lang)
        scale: dict[str, Any] = {}
        if ind.unit == "位" and pts:
            # A rank is drawn with the better place at the top, so that rising means improving,
            # over the ranks around the data: from 1st, 14th and 13th would lie flat along the
            # bottom of an empty chart. Whole ranks only.
            lo, hi = min(p.value for p in pts), max(p.value for p in pts)
            pad = max(1, -(-(hi - lo) // 2))
            scale = {
                "scale": vl.props(
                    reverse=True, zero=False, nice=False, domain=[max(1, lo - pad), hi + pad]
                )
            }
            axis["tickMinStep"] = 1
            axis["format"] = "d"
        y_lines = title_lines(y_title, lay)
        if isinstance(y_lines, list):  # a title in lines grows upwards, away from the plot
            axis["titleY"] = -8 - (len(y_lines) - 1) * 15
        y = vl.channel(
            "value:Q",
            title=y_lines if ind.unit_in(lang) else None,
            axis=vl.props(**axis),
            **scale,
        )
        line = vl.unit(vl.mark("line", color=PALETTE[0]), rows, encoding=vl.encoding(x=x, y=y))
        points = vl.unit(
            vl.mark("point", size=60, strokeWidth=2),
            rows,
            encoding=vl.encoding(
                x=x,
                y=y,
                shape=vl.channel(
                    "kind:N",
                    title=None,
                    legend=legend,
                    scale=vl.props(
                        domain=kinds,
                        range=[{actual: "circle", ill: "diamond"}[k] for k in kinds],
                    ),
                ),
                color=vl.channel("kind:N", title=None, scale=kind_scale, legend=legend),
                fill=vl.condition(f"(datum.kind === {vl.string(ill)})", "white", PALETTE[0]),
            ),
        )
        return sized(vl.layer(line, points), lay, 200 if lay.narrow else 240)

    unit = ind.unit_in(lang)
    alt_text = _timeseries_alt(title, pts, labels, unit, ind.decimals, lang)
    date_col, val_col = ("時点", f"値（{unit}）") if lang == "ja" else ("Date", f"Value ({unit})")
    table_rows = [
        [lab, ind.display.number(p.value, lang), ill if p.illustrative else ""]
        for p, lab in zip(pts, labels, strict=True)
    ]
    return chart_out(
        chart,
        title,
        spec,
        alt_text,
        table=DataTable(
            [date_col, val_col, "注記" if lang == "ja" else "Note"],
            table_rows,
            [
                ["date", "value", "provenance"],
                *(
                    [p.period.key, p.value, "illustrative" if p.illustrative else "real"]
                    for p in pts
                ),
            ],
        ),
        sources=sources_of(data, pts),
        illustrative=illustrative,
        illustrative_all=all(p.illustrative for p in pts),
        axis_labels=labels,
    )


def _value_axis(pts: list[Point], display: numbers.Display, lang: str) -> dict[str, Any]:
    """The value axis of a line chart.

    Its title (the indicator and its unit) stands level above the axis, as Japanese statistical
    charts set it: rotated along the axis, a long English name made the drawing taller than
    its plot, and a slide then shrank the whole chart to fit. Large counts are labelled by the
    indicator's own format (japan.numbers.Display): 0, 8,000万, 1億, 1.2億 (ja); 0, 80 million,
    1.2 billion (en) — never 10,000万 or 0万: each tick Vega may choose is looked up in labels
    written here, so the axis has no second number format.
    """
    level: dict[str, Any] = {
        "titleAngle": 0,
        "titleAlign": "left",
        "titleAnchor": "start",
        "titleBaseline": "bottom",
        "titleX": -40,
        "titleY": -8,
    }
    top = max((abs(p.value) for p in pts), default=0)
    if top < numbers.LARGE_FROM:
        return level
    labels = {str(t): display.number(t, lang) for t in _candidate_ticks(top)}
    expr = f"{json.dumps(labels, ensure_ascii=False)}[+datum.value] || ''"
    return {"labelExpr": expr, **level}


def _candidate_ticks(top: float) -> list[int]:
    """Every tick value Vega's nice scale may choose on an axis from 0 to `top`: the multiples
    of 1, 2 and 5 × 10^k up to a step above `top`."""
    out: set[int] = {0}
    k = 0
    while 10 ** (k - 1) <= top:
        for m in (1, 2, 5):
            step = m * 10**k
            if top / step <= 40:
                out.update(i * step for i in range(int(top // step) + 3))
        k += 1
    return sorted(out)


def _timeseries_alt(
    title: str, pts: list[Point], labels: list[str], unit: str, decimals: int, lang: str
) -> str:
    """Alt text of a line chart: span, first and last values, the peak, what is illustrative."""
    if not pts:
        return f"{title}（データなし）。" if lang == "ja" else f"{title} (no data)."
    hi = max(range(len(pts)), key=lambda i: pts[i].value)
    first = value_label(pts[0].value, unit, decimals, lang)
    last = value_label(pts[-1].value, unit, decimals, lang)
    peak = value_label(pts[hi].value, unit, decimals, lang)
    n_ill = sum(p.illustrative for p in pts)
    if lang == "en":
        text = (
            f"{title} (line chart), {len(pts)} dates from {labels[0]} to {labels[-1]}: "
            f"{first} at {labels[0]}, {last} at {labels[-1]}; highest {peak} at {labels[hi]}."
        )
        if n_ill:
            text += (
                " All values are illustrative."
                if n_ill == len(pts)
                else f" {n_ill} of {len(pts)} values are illustrative."
            )
        return text
    text = (
        f"{title}（折れ線グラフ）。{labels[0]}から{labels[-1]}までの{len(pts)}時点。"
        f"{labels[0]}は{first}、{labels[-1]}は{last}（最大は{labels[hi]}の{peak}）。"
    )
    if n_ill:
        text += (
            "すべて例示値。" if n_ill == len(pts) else f"{len(pts)}時点のうち{n_ill}時点は例示値。"
        )
    return text
