"""One chart from data: spec, SVG, alt text, data table and sources, all from the same rows.

Legend labels come from a survey's options or a dimension's values, in their order; time-axis
labels are the observation dates. A chart may override them by hand (`legend_labels`,
`axis_labels`); then the chart shows the override, and `nenpo check` compares it with the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import altair as alt

from ..japan import numbers
from ..japan.periods import Period
from ..lookups.data import Data, Point
from ..model.workspace import Chart, Source
from .memo import MEMO
from .svg import to_svg

PALETTE = ["#0017C1", "#3460FB", "#7096F8", "#C5D7FB", "#00118F", "#9DB7F9", "#264AF4", "#5A7BF9"]
ILLUSTRATIVE = {"ja": "例示値", "en": "illustrative"}
ACTUAL = {"ja": "実績", "en": "actual"}
WIDTH = 560


@dataclass
class DataTable:
    """The chart's data as an accessible table and as CSV rows."""

    columns: list[str]
    rows: list[list[str]]
    csv: list[list[Any]]


@dataclass
class ChartOut:
    """Everything a page shows for one chart."""

    id: str
    kind: str
    title: str
    svg: str
    spec: dict[str, Any]
    alt: str
    table: DataTable
    sources: list[Source]
    illustrative: bool
    legend_labels: list[str] = field(default_factory=list)
    axis_labels: list[str] = field(default_factory=list)
    note: str | None = None
    illustrative_all: bool = False  # every value is illustrative, not only some

    @property
    def csv_name(self) -> str:
        return f"{self.id}.csv"


def _ms(p: Period) -> int:
    return int(datetime(p.start.year, p.start.month, p.start.day, tzinfo=UTC).timestamp() * 1000)


def _override(labels: list[str], override: list[str] | None) -> list[str]:
    """Hand-set labels replace generated ones position by position (the check compares them)."""
    if not override:
        return labels
    return [override[i] if i < len(override) else lab for i, lab in enumerate(labels)]


def make_chart(
    chart: Chart,
    data: Data,
    lang: str = "ja",
    font: str = "Noto Sans CJK JP",
    ident: str | None = None,
) -> ChartOut:
    """Build a chart of any kind from the workspace's data (kept by what it was made from:
    charts.memo)."""
    key = (chart.model_dump_json(), lang, font, ident)
    return MEMO.get_or_make(key, data, lambda seen: _make(chart, seen, lang, font, ident))


def _make(chart: Chart, data: Data, lang: str, font: str, ident: str | None) -> ChartOut:
    maker = {
        "survey": _survey,
        "timeseries": _timeseries,
        "by_dimension": _by_dimension,
        "composition": _composition,
    }[chart.kind]
    out = maker(chart, data, lang)
    if ident:
        out.id = ident
    out.svg = to_svg(out.spec, font)
    if chart.alt:
        out.alt = chart.alt.get(lang)
    if chart.note:
        out.note = chart.note.get(lang)
    return out


def _title(chart: Chart, fallback: str, lang: str) -> str:
    return chart.title.get(lang) if chart.title else fallback


def _survey(chart: Chart, data: Data, lang: str) -> ChartOut:
    assert chart.survey and chart.question
    sv, q = data.question(chart.survey, chart.question)
    labels = _override([o.label.get(lang) for o in q.options], chart.legend_labels)
    title = _title(chart, q.text.get(lang), lang)
    rows, table_rows, csv_rows = [], [], []
    wave_labels = []
    for wave, shares in data.shares(sv.id, q.id):
        p = Period.parse(wave.date)
        wl = (
            f"{p.label('long', lang)}（n={wave.respondents:,}）"
            if lang == "ja"
            else f"{p.label('long', lang)} (n={wave.respondents:,})"
        )
        wave_labels.append(wl)
        for i, (opt, label) in enumerate(zip(q.options, labels, strict=True)):
            rows.append({"wave": wl, "option": label, "share": shares[opt.id], "order": i})
        table_rows.append([wl, *(numbers.number(shares[o.id], 1) for o in q.options)])
        csv_rows.append([wave.date, wave.respondents, *(shares[o.id] for o in q.options)])
    colors = PALETTE[: len(labels)] if len(labels) <= 3 else PALETTE
    if len(labels) == 3:
        colors = ["#0017C1", "#7096F8", "#C5D7FB"]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("wave:N", sort=wave_labels, title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("share:Q", stack="zero", title="%", scale=alt.Scale(domain=[0, 100])),
        order=alt.Order("order:Q"),
    )
    bars = base.mark_bar().encode(color=_stack_colour("option:N", labels, colors))
    text = base.mark_text(dx=-4, align="right", baseline="middle").encode(
        text=alt.Text("share:Q", format=".1f"),
        color=alt.condition(alt.datum.order == 0, alt.value("white"), alt.value("black")),
    )
    spec = (
        alt.layer(bars, text)
        .properties(width=WIDTH, height=36 * len(wave_labels))
        .to_dict(validate=False)
    )
    sep, colon, stop = ("、", "：", "。") if lang == "ja" else (", ", ": ", ". ")
    parts = [
        wl + colon + sep.join(f"{lab} {v}%" for lab, v in zip(labels, trow[1:], strict=True))
        for wl, trow in zip(wave_labels, table_rows, strict=True)
    ]
    head = f"{title}（帯グラフ）。" if lang == "ja" else f"{title} (stacked bar chart). "
    alt_text = (head + stop.join(parts) + stop).strip()
    wave_col = "調査時期" if lang == "ja" else "Wave"
    return _out(
        chart,
        title,
        spec,
        alt_text,
        table=DataTable(
            [wave_col, *(f"{lab}（%）" for lab in labels)],
            table_rows,
            [["wave", "respondents", *(o.id for o in q.options)], *csv_rows],
        ),
        sources=[s for s in [data.source_of(sv.source)] if s],
        illustrative=sv.provenance == "illustrative",
        illustrative_all=sv.provenance == "illustrative",
        legend_labels=labels,
    )


def _stack_colour(field: str, labels: list[str], colors: list[str]) -> alt.Color:
    """The colour of a stacked bar's parts: the legend lists `labels` in their own order."""
    return alt.Color(
        field,
        title=None,
        sort=labels,
        scale=alt.Scale(domain=labels, range=colors),
        legend=alt.Legend(orient="bottom", direction="horizontal"),
    )


def _out(chart: Chart, title: str, spec: dict[str, Any], alt_text: str, **rest: Any) -> ChartOut:
    """A chart's output before its SVG is drawn (make_chart draws it)."""
    return ChartOut(
        id=chart.id, kind=chart.kind, title=title, svg="", spec=spec, alt=alt_text, **rest
    )


def _value_label(v: float, unit: str, decimals: int, lang: str) -> str:
    return numbers.with_unit(numbers.number(v, decimals), unit, lang)


def _sources(data: Data, points: list[Point]) -> list[Source]:
    seen: list[Source] = []
    for p in points:
        s = data.source_of(p.source)
        if s and s not in seen:
            seen.append(s)
    return seen


def _timeseries(chart: Chart, data: Data, lang: str) -> ChartOut:
    assert chart.indicator
    ind = data.indicator(chart.indicator)
    pts = data.series(ind.id, chart.where)
    title = _title(chart, ind.name.get(lang), lang)
    labels = _override([p.period.label("dot", lang) for p in pts], chart.axis_labels)
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
    ticks = [_ms(p.period) for p in pts]
    label_map = json.dumps(
        {str(t): lab for t, lab in zip(ticks, labels, strict=True)}, ensure_ascii=False
    )
    many = len(pts) > 12
    # Dates close together on a long axis (three in spring 2023, the last in 2025) would be
    # written over each other: their labels stand upright, as on a crowded axis.
    span = ticks[-1] - ticks[0] if len(ticks) > 1 else 0
    crowded = span > 0 and min(b - a for a, b in pairwise(ticks)) / span * WIDTH < 64
    x = alt.X(
        "date:T",
        title=None,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(
            values=ticks,
            labelExpr=f"{label_map}[+datum.value]",
            labelAngle=-90 if many or crowded else 0,
            # Every tick is an observation date; where dates crowd, some labels are left out
            # rather than drawn over each other (the data table lists every date).
            labelOverlap="greedy" if many else False,
            labelFontSize=10 if many else 11,
            grid=False,
        ),
    )
    y_title = f"{ind.name.get(lang)}（{ind.unit_in(lang)}）" if lang == "ja" else ind.name.get(lang)
    if lang == "en" and ind.unit_in(lang):
        y_title += f" ({ind.unit_in(lang)})"
    axis = _value_axis(pts, lang)
    scale: Any = alt.Undefined
    if ind.unit == "位" and pts:
        # A rank is drawn with the better place at the top, so that rising means improving,
        # over the ranks around the data: from 1st, 14th and 13th would lie flat along the
        # bottom of an empty chart. Whole ranks only.
        lo, hi = min(p.value for p in pts), max(p.value for p in pts)
        pad = max(1, -(-(hi - lo) // 2))
        scale = alt.Scale(reverse=True, zero=False, nice=False, domain=[max(1, lo - pad), hi + pad])
        axis.tickMinStep = 1
        axis.format = "d"
    y = alt.Y(
        "value:Q",
        title=y_title if ind.unit_in(lang) else None,
        axis=axis,
        scale=scale,
    )
    line = alt.Chart(alt.Data(values=rows)).mark_line(color=PALETTE[0]).encode(x=x, y=y)
    actual = ACTUAL[lang]
    illustrative = any(p.illustrative for p in pts)
    # Illustrative points are red and hollow; the legend appears only when there are some,
    # and names only the kinds the chart has (all illustrative: no 実績 in it).
    kinds = [
        k for k, on in ((actual, not all(p.illustrative for p in pts)), (ill, illustrative)) if on
    ]
    colours = {actual: PALETTE[0], ill: "#D81B1B"}
    kind_scale = alt.Scale(domain=kinds, range=[colours[k] for k in kinds])
    legend = alt.Legend(orient="bottom") if illustrative else None
    points = (
        alt.Chart(alt.Data(values=rows))
        .mark_point(size=60, strokeWidth=2)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "kind:N",
                title=None,
                legend=legend,
                scale=alt.Scale(
                    domain=kinds,
                    range=[{actual: "circle", ill: "diamond"}[k] for k in kinds],
                ),
            ),
            color=alt.Color("kind:N", title=None, scale=kind_scale, legend=legend),
            fill=alt.condition(alt.datum.kind == ill, alt.value("white"), alt.value(PALETTE[0])),
        )
    )
    spec = alt.layer(line, points).properties(width=WIDTH, height=240).to_dict(validate=False)
    unit = ind.unit_in(lang)
    alt_text = _timeseries_alt(title, pts, labels, unit, ind.decimals, lang)
    date_col, val_col = ("時点", f"値（{unit}）") if lang == "ja" else ("Date", f"Value ({unit})")
    table_rows = [
        [lab, numbers.number(p.value, ind.decimals), ill if p.illustrative else ""]
        for p, lab in zip(pts, labels, strict=True)
    ]
    return _out(
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
        sources=_sources(data, pts),
        illustrative=illustrative,
        illustrative_all=all(p.illustrative for p in pts),
        axis_labels=labels,
    )


def _value_axis(pts: list[Point], lang: str) -> alt.Axis:
    """The value axis of a line chart.

    Its title (the indicator and its unit) stands level above the axis, as Japanese statistical
    charts set it: rotated along the axis, a long English name made the drawing taller than
    its plot, and a slide then shrank the whole chart to fit. Large counts are labelled as
    readers write them: 0, 8,000万, 1億, 1.2億 (ja); 0, 80M, 1.2B (en) — never 10,000万 or 0万.
    """
    level: dict[str, Any] = {
        "titleAngle": 0,
        "titleAlign": "left",
        "titleAnchor": "start",
        "titleBaseline": "bottom",
        "titleX": -40,
        "titleY": -8,
    }
    if not pts or max(abs(p.value) for p in pts) < 1_000_000:
        return alt.Axis(**level)
    big, small = (("1e8", "億"), ("1e4", "万")) if lang == "ja" else (("1e9", "B"), ("1e6", "M"))
    expr = (
        f"datum.value == 0 ? '0' : abs(datum.value) >= {big[0]} "
        f"? format(datum.value / {big[0]}, ',') + '{big[1]}' "
        f": format(datum.value / {small[0]}, ',') + '{small[1]}'"
    )
    return alt.Axis(labelExpr=expr, **level)


def _timeseries_alt(
    title: str, pts: list[Point], labels: list[str], unit: str, decimals: int, lang: str
) -> str:
    """Alt text of a line chart: span, first and last values, the peak, what is illustrative."""
    if not pts:
        return f"{title}（データなし）。" if lang == "ja" else f"{title} (no data)."
    hi = max(range(len(pts)), key=lambda i: pts[i].value)
    first = _value_label(pts[0].value, unit, decimals, lang)
    last = _value_label(pts[-1].value, unit, decimals, lang)
    peak = _value_label(pts[hi].value, unit, decimals, lang)
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


def _at(chart: Chart) -> Period | None:
    return None if chart.date in (None, "latest") else Period.parse(chart.date)


def _by_dimension(chart: Chart, data: Data, lang: str) -> ChartOut:
    assert chart.indicator and chart.dimension
    ind = data.indicator(chart.indicator)
    rows_ = data.breakdown(ind.id, chart.dimension, _at(chart), chart.where)
    when = rows_[0][1].period.label("long", lang) if rows_ else ""
    dim_name = data.dimensions[chart.dimension].name.get(lang)
    title = _title(
        chart,
        f"{dim_name}別 {ind.name.get(lang)}（{when}）"
        if lang == "ja"
        else f"{ind.name.get(lang)} by {dim_name.lower()} ({when})",
        lang,
    )
    cats = [data.dimension_label(chart.dimension, c, lang) for c, _ in rows_]
    rows: list[dict[str, Any]] = [
        {"category": cat, "value": p.value} for cat, (_, p) in zip(cats, rows_, strict=True)
    ]
    spec = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=PALETTE[1])
        .encode(
            y=alt.Y("category:N", sort=cats, title=None),
            x=alt.X("value:Q", title=f"{ind.name.get(lang)}（{ind.unit_in(lang)}）"),
        )
        .properties(width=WIDTH - 80, height=max(60, 14 * len(rows)))
        .to_dict(validate=False)
    )
    pts = [p for _, p in rows_]
    if pts:
        hi = max(rows, key=lambda r: r["value"])
        lo = min(rows, key=lambda r: r["value"])
        hv = _value_label(hi["value"], ind.unit_in(lang), ind.decimals, lang)
        lv = _value_label(lo["value"], ind.unit_in(lang), ind.decimals, lang)
        if lang == "en":
            alt_text = (
                f"{title} (bar chart), {len(rows)} categories: highest {hi['category']} "
                f"{hv}, lowest {lo['category']} {lv}."
            )
        else:
            alt_text = (
                f"{title}（棒グラフ）。{len(rows)}区分。最大は{hi['category']}の{hv}、"
                f"最小は{lo['category']}の{lv}。"
            )
        if any(p.illustrative for p in pts):
            alt_text += " Illustrative values." if lang == "en" else "例示値を含む。"
    else:
        alt_text = f"{title}（データなし）。" if lang == "ja" else f"{title} (no data)."
    table_rows = [[r["category"], numbers.number(r["value"], ind.decimals)] for r in rows]
    return _out(
        chart,
        title,
        spec,
        alt_text,
        table=DataTable(
            [
                dim_name,
                f"値（{ind.unit_in(lang)}）" if lang == "ja" else f"Value ({ind.unit_in(lang)})",
            ],
            table_rows,
            [
                [chart.dimension, "label", "date", "value"],
                *([c, cat, p.period.key, p.value] for cat, (c, p) in zip(cats, rows_, strict=True)),
            ],
        ),
        sources=_sources(data, pts),
        illustrative=any(p.illustrative for p in pts),
        illustrative_all=all(p.illustrative for p in pts),
    )


def _composition(chart: Chart, data: Data, lang: str) -> ChartOut:
    assert chart.indicator and chart.dimension
    ind = data.indicator(chart.indicator)
    rows_ = data.breakdown(ind.id, chart.dimension, _at(chart), chart.where)
    labels = _override(
        [data.dimension_label(chart.dimension, c, lang) for c, _ in rows_], chart.legend_labels
    )
    when = rows_[0][1].period.label("long", lang) if rows_ else ""
    title = _title(
        chart,
        f"{ind.name.get(lang)}の構成（{when}）"
        if lang == "ja"
        else f"{ind.name.get(lang)}: composition ({when})",
        lang,
    )
    total = sum(p.value for _, p in rows_) or 1.0
    rows: list[dict[str, Any]] = [
        {"category": lab, "value": p.value, "share": p.value / total * 100, "order": i, "bar": when}
        for i, (lab, (_, p)) in enumerate(zip(labels, rows_, strict=True))
    ]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("bar:N", title=None, axis=None),
        x=alt.X(
            "value:Q",
            stack="zero",
            title=f"{ind.name.get(lang)}（{ind.unit_in(lang)}）",
            scale=alt.Scale(domain=[0, total], nice=False),
        ),
        order=alt.Order("order:Q"),
    )
    bars = base.mark_bar().encode(color=_stack_colour("category:N", labels, PALETTE))
    spec = bars.properties(width=WIDTH, height=48).to_dict(validate=False)
    pts = [p for _, p in rows_]
    total_text = _value_label(total, ind.unit_in(lang), ind.decimals, lang)
    if lang == "en":
        parts = ", ".join(
            f"{r['category']} {_value_label(r['value'], ind.unit_in(lang), ind.decimals, lang)}"
            f" ({numbers.number(r['share'], 0)}%)"
            for r in rows
        )
        alt_text = f"{title} (stacked bar chart), total {total_text}: {parts}."
    else:
        parts = "、".join(
            f"{r['category']} {_value_label(r['value'], ind.unit_in(lang), ind.decimals, lang)}"
            f"（{numbers.number(r['share'], 0)}%）"
            for r in rows
        )
        alt_text = f"{title}（積み上げ棒グラフ）。合計{total_text}：{parts}。"
    if any(p.illustrative for p in pts):
        alt_text += " Illustrative values." if lang == "en" else "例示値を含む。"
    table_rows = [
        [r["category"], numbers.number(r["value"], ind.decimals), numbers.number(r["share"], 1)]
        for r in rows
    ]
    cols = (
        ["区分", f"値（{ind.unit_in(lang)}）", "構成比（%）"]
        if lang == "ja"
        else ["Category", f"Value ({ind.unit_in(lang)})", "Share (%)"]
    )
    return _out(
        chart,
        title,
        spec,
        alt_text,
        table=DataTable(
            cols,
            table_rows,
            [
                [chart.dimension, "label", "date", "value"],
                *(
                    [c, lab, p.period.key, p.value]
                    for lab, (c, p) in zip(labels, rows_, strict=True)
                ),
            ],
        ),
        sources=_sources(data, pts),
        illustrative=any(p.illustrative for p in pts),
        illustrative_all=all(p.illustrative for p in pts),
        legend_labels=labels,
    )
