"""Rules on charts: hand-set legends, axis labels, titles and alt text against the data."""

from __future__ import annotations

from collections.abc import Iterable

from ..japan.periods import Period
from ..model.workspace import Chart
from .findings import Finding
from .run import Context


def _expected_legend(ctx: Context, chart: Chart) -> list[str] | None:
    if chart.kind == "survey" and chart.survey and chart.question:
        _sv, q = ctx.data.question(chart.survey, chart.question)
        return [o.label.ja for o in q.options]
    if chart.kind == "composition" and chart.indicator and chart.dimension:
        period = None if chart.date in (None, "latest") else Period.parse(chart.date or "")
        rows = ctx.data.breakdown(chart.indicator, chart.dimension, period, chart.where)
        return [ctx.data.dimension_label(chart.dimension, code) for code, _ in rows]
    return None


def legend_labels(ctx: Context) -> Iterable[Finding]:
    """Hand-set legend labels must be the options (or dimension values), in order."""
    for chart in ctx.ws.charts:
        if not chart.legend_labels:
            continue
        expected = _expected_legend(ctx, chart)
        if expected is None:
            yield ctx.at(
                "legend-labels",
                "charts",
                chart.id,
                ("legend_labels",),
                f"a {chart.kind} chart has no legend to label",
                "remove legend_labels",
            )
            continue
        given = chart.legend_labels
        for i, label in enumerate(given):
            if i >= len(expected):
                yield ctx.at(
                    "legend-labels",
                    "charts",
                    chart.id,
                    ("legend_labels", i),
                    f"legend label {label!r} has no option at position {i + 1}",
                    f"the legend has {len(expected)} entries: {'、'.join(expected)}",
                )
            elif label != expected[i]:
                where = "position" if label not in expected else "order"
                yield ctx.at(
                    "legend-labels",
                    "charts",
                    chart.id,
                    ("legend_labels", i),
                    f"legend label {label!r} differs from the data's {expected[i]!r} "
                    f"({where} {i + 1})",
                    f"remove legend_labels to use the data's labels: {'、'.join(expected)}",
                )
        if len(given) < len(expected):
            yield ctx.at(
                "legend-labels",
                "charts",
                chart.id,
                ("legend_labels",),
                f"{len(given)} legend labels for {len(expected)} options",
                f"the options are: {'、'.join(expected)}",
            )


def axis_labels(ctx: Context) -> Iterable[Finding]:
    """Hand-set time-axis labels must be the observation dates."""
    for chart in ctx.ws.charts:
        if not chart.axis_labels:
            continue
        if chart.kind != "timeseries" or not chart.indicator:
            yield ctx.at(
                "axis-labels",
                "charts",
                chart.id,
                ("axis_labels",),
                f"a {chart.kind} chart has no time axis",
                "remove axis_labels",
            )
            continue
        dates = [p.period.label("dot") for p in ctx.data.series(chart.indicator, chart.where)]
        for i, label in enumerate(chart.axis_labels):
            if i >= len(dates) or label != dates[i]:
                want = dates[i] if i < len(dates) else "(no observation)"
                yield ctx.at(
                    "axis-labels",
                    "charts",
                    chart.id,
                    ("axis_labels", i),
                    f"axis label {label!r} differs from the observation date {want!r}",
                    f"remove axis_labels to use the dates: {'、'.join(dates)}",
                )
        if len(chart.axis_labels) < len(dates):
            yield ctx.at(
                "axis-labels",
                "charts",
                chart.id,
                ("axis_labels",),
                f"{len(chart.axis_labels)} axis labels for {len(dates)} observations",
                f"the dates are: {'、'.join(dates)}",
            )


def chart_title(ctx: Context) -> Iterable[Finding]:
    """A hand-set title must name what is drawn (the indicator's or the question's name)."""
    for chart in ctx.ws.charts:
        if chart.title is None:
            continue
        if chart.kind == "survey" and chart.survey and chart.question:
            _sv, q = ctx.data.question(chart.survey, chart.question)
            name = q.text.ja
        elif chart.indicator and chart.indicator in ctx.data.indicators:
            name = ctx.data.indicators[chart.indicator].name.ja
        else:
            continue
        if not _names(chart.title.ja, name):
            yield ctx.at(
                "chart-title",
                "charts",
                chart.id,
                ("title",),
                f"title {chart.title.ja!r} does not name what the chart shows ({name!r})",
                f"use a title that contains {name!r}, or remove the title",
            )


def _names(title: str, name: str) -> bool:
    """True when the title contains the name, its part before a bracket (「…（利用者ベース）」) or
    its stem without a counter suffix (職員数 → 職員, as in 職員構成)."""
    core = name.split("（")[0].split("(")[0].strip()
    stem = core[:-1] if core[-1:] in "数率額量" else core
    return any(len(part) >= 2 and part in title for part in (name, core, stem))


def missing_alt(ctx: Context) -> Iterable[Finding]:
    """A hand-set alt text must describe the chart (the generated one always does)."""
    for chart in ctx.ws.charts:
        if chart.alt is not None and len(chart.alt.ja.strip()) < 10:
            yield ctx.at(
                "missing-alt",
                "charts",
                chart.id,
                ("alt",),
                f"alt text {chart.alt.ja!r} is too short to describe the chart",
                "remove alt to use the text generated from the data",
            )


CHECKS = [legend_labels, axis_labels, chart_title, missing_alt]
