"""Rules on the data: survey shares, staleness, targets, sources and licences."""

from __future__ import annotations

from collections.abc import Iterable

from ..japan.periods import Period
from .entry import source
from .findings import Finding
from .run import Context

STALE_DAYS = 366


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def shares_sum(ctx: Context) -> Iterable[Finding]:
    """Each question's shares in a wave sum to 100, give or take each share's rounding."""
    for sv in ctx.ws.surveys:
        for i, r in enumerate(sv.results):
            shares = list(r.shares.values())
            if not shares:
                continue
            decimals = max(_decimals(v) for v in shares)
            # Each share is rounded to `decimals`, so each may be off by half a unit.
            tolerance = len(shares) * 0.5 * 10**-decimals + 1e-9
            total = sum(shares)
            if abs(total - 100) > tolerance:
                yield ctx.at(
                    "shares-sum",
                    "surveys",
                    sv.id,
                    ("results", i, "shares"),
                    f"the shares of {r.question!r} in wave {r.wave!r} sum to "
                    f"{total:.{decimals}f}, not 100 (±{tolerance:.2f} for rounding)",
                    "check each option's share against the source",
                )


def _used_indicators(ctx: Context) -> dict[str, str]:
    """Indicators shown in the report (charted, referenced or linked to a project) → why."""
    from ..report import references as refs

    used: dict[str, str] = {}
    for chart in ctx.ws.charts:
        if chart.indicator:
            used.setdefault(chart.indicator, f"chart {chart.id}")
    for project, _ in ctx.ws.all_projects():
        for ind in project.indicators:
            used.setdefault(ind, f"project {project.id}")
    for path, text in ctx.ws.texts.items():
        for _s, _e, inner in refs.find(text):
            try:
                ref = refs.parse(inner)
            except refs.ReferenceError_:
                continue
            if ref.kind in ("value", "change", "first", "last"):
                used.setdefault(ref.target, path)
    return used


def stale_data(ctx: Context) -> Iterable[Finding]:
    """Data shown in the report should reach into the report period, or say why not."""
    end = ctx.ws.report.period_end
    for ind_id, why in sorted(_used_indicators(ctx).items()):
        ind = ctx.data.indicators.get(ind_id)
        if ind is None or (ind.latest_checked is not None and ind.latest_checked >= end):
            continue  # someone looked for a newer figure after the period, and found none
        latest = _latest(ctx, ind_id)
        if latest is None:
            continue
        age = (end - latest.end).days
        if age > STALE_DAYS:
            yield ctx.at(
                "stale-data",
                "indicators",
                ind_id,
                (),
                f"{ind_id!r} (shown by {why}) ends {latest.key}, {age} days before the "
                f"end of the report period ({end.isoformat()})",
                "add newer observations; if none is published, say so in the text and record "
                "the day you looked (latest_checked: in indicators.yaml)",
            )


def _latest(ctx: Context, ind_id: str) -> Period | None:
    return ctx.data.latest(ind_id)


def target_direction(ctx: Context) -> Iterable[Finding]:
    """A target must improve on the value before it, in the indicator's direction."""
    for ind in ctx.ws.indicators:
        if ind.direction == "neutral":
            continue
        series = ctx.data.series(ind.id)
        for i, tg in enumerate(ind.targets):
            due = Period.parse(tg.date)
            before = [p for p in series if p.period.start <= due.start]
            if not before:
                continue
            base = before[-1]
            worse = tg.value < base.value if ind.direction == "higher" else tg.value > base.value
            if worse:
                side = "below" if ind.direction == "higher" else "above"
                yield ctx.at(
                    "target-direction",
                    "indicators",
                    ind.id,
                    ("targets", i, "value"),
                    f"target {tg.value:g} for {tg.date} is {side} the value "
                    f"{base.value:g} at {base.period.key}, though {ind.direction} is "
                    "better",
                    f"check the target's value, or the indicator's direction ({ind.direction})",
                )


TARGET_LAG_DAYS = 92  # a quarter: how long after a target's date its first measurement may come


def target_date(ctx: Context) -> Iterable[Finding]:
    """A target due well before the indicator's first observation: nothing measures it, so
    its date is most likely mistyped (2016 for 2026, 2023-03 for 2025-03). A first figure
    published within a quarter after the date (a KPI for FY2022 counted in April 2023) is the
    target's measurement, not a mistake."""
    for ind in ctx.ws.indicators:
        # Only indicators with targets: a store's series are read (or asked for) only then.
        first = ctx.data.first(ind.id) if ind.targets else None
        if first is None:
            continue
        for i, tg in enumerate(ind.targets):
            due = Period.parse(tg.date)
            if (first.start - due.end).days > TARGET_LAG_DAYS:
                yield ctx.at(
                    "target-date",
                    "indicators",
                    ind.id,
                    ("targets", i, "date"),
                    f"target {tg.value:g} is due {tg.date}, before the first observation of "
                    f"{ind.id!r} ({first.key})",
                    "check the target's date (a year or month mistyped?)",
                )


def sources(ctx: Context) -> Iterable[Finding]:
    """Every source the report shows names a licence; real figures can be looked up."""
    used: dict[str, str] = {}
    for ind in ctx.ws.indicators:
        used.setdefault(ind.source, ind.provenance)
    for sv in ctx.ws.surveys:
        used.setdefault(sv.source, sv.provenance)
    for src_id, provenance in source(ctx).sources().items():
        used.setdefault(src_id, provenance)
    for src in ctx.ws.sources:
        if src.id not in used:
            continue
        if not src.licence and used[src.id] == "real":
            yield ctx.at(
                "missing-licence",
                "sources",
                src.id,
                (),
                f"source {src.id!r} has no licence, so readers cannot tell how they "
                "may reuse its figures",
                "add licence: (e.g. CC BY 4.0, 政府標準利用規約 第2.0版)",
            )
        if used[src.id] == "real" and not src.url and not src.publisher:
            yield ctx.at(
                "missing-source",
                "sources",
                src.id,
                (),
                f"source {src.id!r} gives neither an address nor a publisher",
                "add url: or publisher: so a reader can find the figure",
            )


CHECKS = [shares_sum, stale_data, target_direction, target_date, sources]
