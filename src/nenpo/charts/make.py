"""One chart from data: spec, SVG, alt text, data table and sources, all from the same rows.

Legend labels come from a survey's options or a dimension's values, in their order; time-axis
labels are the observation dates. A chart may override them by hand (`legend_labels`,
`axis_labels`); then the chart shows the override, and `nenpo check` compares it with the data.
"""

from __future__ import annotations

import json
from typing import Any

from ..japan import numbers
from ..japan.periods import Period
from ..lookups.data import Data
from ..model.workspace import Chart
from . import vl
from .common import (
    ACTUAL,
    ILLUSTRATIVE,
    LABEL_SIZE,
    PALETTE,
    WIDTH,
    ChartOut,
    DataTable,
    chart_out,
    override,
    provenance,
    sized,
    sources_of,
    stack_colour,
    title_lines,
    title_of,
    value_label,
    with_unit,
)
from .layout import Layout, text_width
from .memo import MEMO
from .svg import draw
from .timeseries import timeseries

__all__ = ["ACTUAL", "ILLUSTRATIVE", "WIDTH", "ChartOut", "DataTable", "make_chart"]


def make_chart(
    chart: Chart,
    data: Data,
    lang: str = "ja",
    font: str = "Noto Sans CJK JP",
    ident: str | None = None,
    narrow: bool = True,
) -> ChartOut:
    """Build a chart of any kind from the workspace's data; `narrow`: also draw it for a phone
    (the site shows it on narrow screens; print and the deck need only the wide drawing).

    A chart is kept by what it was made from (charts.memo): asked again for data that answers
    alike, it is not made again."""
    key = (chart.model_dump_json(), lang, font, ident, narrow)
    return MEMO.get_or_make(key, data, lambda seen: _make(chart, seen, lang, font, ident, narrow))


def _make(
    chart: Chart, data: Data, lang: str, font: str, ident: str | None, narrow: bool
) -> ChartOut:
    maker = {
        "survey": _survey,
        "timeseries": timeseries,
        "by_dimension": _by_dimension,
        "composition": _composition,
    }[chart.kind]
    out = maker(chart, data, lang)
    if ident:
        out.id = ident
    out.drawing = draw(out.spec, font)
    if narrow and out.narrow_spec:  # read by the pages only: drawn after the wide ones
        out.narrow_drawing = draw(out.narrow_spec, font, later=True)
    else:  # drawn for print only: no phone drawing, and no spec of one
        out.narrow_spec = {}
    if chart.alt:
        out.alt = chart.alt.get(lang)
    if chart.note:
        out.note = chart.note.get(lang)
    return out


def _survey(chart: Chart, data: Data, lang: str) -> ChartOut:
    assert chart.survey and chart.question
    sv, q = data.question(chart.survey, chart.question)
    labels = override([o.label.get(lang) for o in q.options], chart.legend_labels)
    title = title_of(chart, q.text.get(lang), lang)
    rows, table_rows, csv_rows = [], [], []
    wave_labels = []
    for wave, shares in data.shares(sv.id, q.id):
        p = Period.parse(wave.date)
        wl = (
            f"{p.label('long', lang)}（n={numbers.number(wave.respondents)}）"
            if lang == "ja"
            else f"{p.label('long', lang)} (n={numbers.number(wave.respondents)})"
        )
        wave_labels.append(wl)
        for i, (opt, label) in enumerate(zip(q.options, labels, strict=True)):
            rows.append({"wave": wl, "option": label, "share": shares[opt.id], "order": i})
        table_rows.append([wl, *(numbers.number(shares[o.id], 1) for o in q.options)])
        csv_rows.append(
            [
                wave.date,
                wave.respondents,
                *(shares[o.id] for o in q.options),
                provenance(sv.provenance),
            ]
        )
    colors = PALETTE[: len(labels)] if len(labels) <= 3 else PALETTE
    if len(labels) == 3:
        colors = ["#0017C1", "#7096F8", "#C5D7FB"]

    def spec(lay: Layout) -> dict[str, Any]:
        axis = vl.props(labelLimit=240)
        if lay.narrow:  # the wave's date above its number of respondents
            lines = {wl: _wave_lines(wl) for wl in wave_labels}
            axis = vl.props(
                labelLimit=0, labelExpr=f"{json.dumps(lines, ensure_ascii=False)}[datum.label]"
            )
        base = {
            "y": vl.channel("wave:N", sort=wave_labels, title=None, axis=axis),
            "x": vl.channel("share:Q", stack="zero", title="%", scale=vl.props(domain=[0, 100])),
            "order": vl.channel("order:Q"),
        }
        axis_width = (
            max(text_width(line, LABEL_SIZE) for wl in wave_labels for line in _wave_lines(wl)) + 12
        )
        bars = vl.unit(
            vl.mark("bar"),
            encoding=vl.encoding(
                **base, color=stack_colour("option:N", labels, colors, lay, axis_width)
            ),
        )
        marked: dict[str, Any] = {}
        if lay.narrow:
            # A share is written inside its part of the bar only where it fits there (the
            # table below the chart lists every share).
            plot = lay.width - axis_width - 10
            marked = {"transform": [{"filter": f"(((datum.share / 100) * {plot!r}) >= 34)"}]}
        text = vl.unit(
            vl.mark("text", dx=-4, align="right", baseline="middle"),
            encoding=vl.encoding(
                **base,
                text=vl.channel("share:Q", format=".1f"),
                color=vl.condition("(datum.order === 0)", "white", "black"),
            ),
            **marked,
        )
        return sized(vl.layer(bars, text, data=rows), lay, 36 * len(wave_labels))

    sep, colon, stop = ("、", "：", "。") if lang == "ja" else (", ", ": ", ". ")
    parts = [
        wl + colon + sep.join(f"{lab} {v}%" for lab, v in zip(labels, trow[1:], strict=True))
        for wl, trow in zip(wave_labels, table_rows, strict=True)
    ]
    head = f"{title}（帯グラフ）。" if lang == "ja" else f"{title} (stacked bar chart). "
    alt_text = (head + stop.join(parts) + stop).strip()
    wave_col = "調査時期" if lang == "ja" else "Wave"
    return chart_out(
        chart,
        title,
        spec,
        alt_text,
        table=DataTable(
            [wave_col, *(f"{lab}（%）" for lab in labels)],
            table_rows,
            [["wave", "respondents", *(o.id for o in q.options), "provenance"], *csv_rows],
        ),
        sources=[s for s in [data.source_of(sv.source)] if s],
        illustrative=sv.provenance == "illustrative",
        illustrative_all=sv.provenance == "illustrative",
        legend_labels=labels,
    )


def _wave_lines(label: str) -> list[str]:
    """A wave's label in two lines on a phone: 2023年7月 / （n=5,600）."""
    for bracket in ("（", " ("):
        head, sep, tail = label.partition(bracket)
        if sep:
            return [head, sep.strip() + tail]
    return [label]


def _at(chart: Chart) -> Period | None:
    return None if chart.date in (None, "latest") else Period.parse(chart.date)


def _by_dimension(chart: Chart, data: Data, lang: str) -> ChartOut:
    assert chart.indicator and chart.dimension
    ind = data.indicator(chart.indicator)
    rows_ = data.breakdown(ind.id, chart.dimension, _at(chart), chart.where)
    when = rows_[0][1].period.label("long", lang) if rows_ else ""
    dim_name = data.dimensions[chart.dimension].name.get(lang)
    title = title_of(
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
    x_title = with_unit(ind.name.get(lang), ind.unit_in(lang), lang)

    def spec(lay: Layout) -> dict[str, Any]:
        bars = vl.unit(
            vl.mark("bar", color=PALETTE[1]),
            rows,
            encoding=vl.encoding(
                y=vl.channel("category:N", sort=cats, title=None),
                x=vl.channel("value:Q", title=title_lines(x_title, lay)),
            ),
        )
        if lay.narrow:  # a row a little taller than its 12 px label
            return sized(bars, lay, max(60, 16 * len(rows)))
        return sized(bars, Layout(False, WIDTH - 80), max(60, 14 * len(rows)))

    pts = [p for _, p in rows_]
    if pts:
        hi = max(rows, key=lambda r: r["value"])
        lo = min(rows, key=lambda r: r["value"])
        hv = value_label(hi["value"], ind.unit_in(lang), ind.decimals, lang)
        lv = value_label(lo["value"], ind.unit_in(lang), ind.decimals, lang)
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
    table_rows = [[r["category"], ind.display.number(r["value"], lang)] for r in rows]
    return chart_out(
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
                [chart.dimension, "label", "date", "value", "provenance"],
                *(
                    [c, cat, p.period.key, p.value, provenance(p.illustrative)]
                    for cat, (c, p) in zip(cats, rows_, strict=True)
                ),
            ],
        ),
        sources=sources_of(data, pts),
        illustrative=any(p.illustrative for p in pts),
        illustrative_all=all(p.illustrative for p in pts),
    )


def _composition(chart: Chart, data: Data, lang: str) -> ChartOut:
    assert chart.indicator and chart.dimension
    ind = data.indicator(chart.indicator)
    rows_ = data.breakdown(ind.id, chart.dimension, _at(chart), chart.where)
    labels = override(
        [data.dimension_label(chart.dimension, c, lang) for c, _ in rows_], chart.legend_labels
    )
    when = rows_[0][1].period.label("long", lang) if rows_ else ""
    title = title_of(
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
    x_title = with_unit(ind.name.get(lang), ind.unit_in(lang), lang)

    def spec(lay: Layout) -> dict[str, Any]:
        bars = vl.unit(
            vl.mark("bar"),
            rows,
            encoding=vl.encoding(
                y=vl.channel("bar:N", title=None, axis=None),
                x=vl.channel(
                    "value:Q",
                    stack="zero",
                    title=title_lines(x_title, lay),
                    scale=vl.props(domain=[0, total], nice=False),
                ),
                order=vl.channel("order:Q"),
                color=stack_colour("category:N", labels, PALETTE, lay),
            ),
        )
        return sized(bars, lay, 48)

    pts = [p for _, p in rows_]
    total_text = value_label(total, ind.unit_in(lang), ind.decimals, lang)
    if lang == "en":
        parts = ", ".join(
            f"{r['category']} {value_label(r['value'], ind.unit_in(lang), ind.decimals, lang)}"
            f" ({numbers.number(r['share'], 0)}%)"
            for r in rows
        )
        alt_text = f"{title} (stacked bar chart), total {total_text}: {parts}."
    else:
        parts = "、".join(
            f"{r['category']} {value_label(r['value'], ind.unit_in(lang), ind.decimals, lang)}"
            f"（{numbers.number(r['share'], 0)}%）"
            for r in rows
        )
        alt_text = f"{title}（積み上げ棒グラフ）。合計{total_text}：{parts}。"
    if any(p.illustrative for p in pts):
        alt_text += " Illustrative values." if lang == "en" else "例示値を含む。"
    table_rows = [
        [r["category"], ind.display.number(r["value"], lang), numbers.number(r["share"], 1)]
        for r in rows
    ]
    cols = (
        ["区分", f"値（{ind.unit_in(lang)}）", "構成比（%）"]
        if lang == "ja"
        else ["Category", f"Value ({ind.unit_in(lang)})", "Share (%)"]
    )
    return chart_out(
        chart,
        title,
        spec,
        alt_text,
        table=DataTable(
            cols,
            table_rows,
            [
                [chart.dimension, "label", "date", "value", "provenance"],
                *(
                    [c, lab, p.period.key, p.value, provenance(p.illustrative)]
                    for lab, (c, p) in zip(labels, rows_, strict=True)
                ),
            ],
        ),
        sources=sources_of(data, pts),
        illustrative=any(p.illustrative for p in pts),
        illustrative_all=all(p.illustrative for p in pts),
        legend_labels=labels,
    )
