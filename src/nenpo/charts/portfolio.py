"""Charts of the portfolio view (staff only): heatmap, staffing by skill, ratings over time.

Like every chart: an SVG, alt text, a data table and the source, all from the same rows.
Ratings are never shown by colour alone: each cell also carries its label.
"""

from __future__ import annotations

from typing import Any

from ..japan import numbers
from ..japan.periods import Period
from ..model.portfolio import RATING_LABELS, RATINGS, SKILL_LABELS
from ..portfolio.view import PortfolioView
from . import vl
from .make import WIDTH, ChartOut, DataTable
from .svg import to_svg

# Red to green in the agency's palette family, dark enough for white or black text on top.
RATING_COLOURS = {
    "red": "#CE0000",
    "amber-red": "#E25100",
    "amber": "#F5B700",
    "amber-green": "#8CC63F",
    "green": "#259D63",
}
RATING_SHORT = {"red": "R", "amber-red": "A/R", "amber": "A", "amber-green": "A/G", "green": "G"}
UNRATED = {"ja": "未評価", "en": "Unrated"}


def _label(rating: str | None, lang: str) -> str:
    return RATING_LABELS[rating].get(lang) if rating else UNRATED[lang]


def _sources(view: PortfolioView) -> list[Any]:
    return [s for s in view.ws.sources if s.id == view.portfolio.source]


def heatmap(view: PortfolioView, lang: str, font: str) -> ChartOut:
    """Focus area × latest rating: how many projects in each cell."""
    cols = [*RATINGS, None]
    areas = view.ws.focus_areas
    title = (
        "注力領域別・リスク評価別のプロジェクト数"
        if lang == "ja"
        else "Projects by focus area and latest rating"
    )
    rows: list[dict[str, Any]] = []
    table_rows, csv_rows = [], []
    for fa in areas:
        counts = [len(view.heatmap.get((fa.id, r), [])) for r in cols]
        for r, n in zip(cols, counts, strict=True):
            rows.append({"area": fa.name.get(lang), "rating": _label(r, lang), "n": n})
        table_rows.append([fa.name.get(lang), *(str(n) for n in counts)])
        csv_rows.append([fa.id, *counts])
    labels = [_label(r, lang) for r in cols]
    base = {
        "x": vl.channel(
            "rating:N", sort=labels, title=None, axis=vl.props(orient="top", labelAngle=0)
        ),
        "y": vl.channel(
            "area:N",
            sort=[fa.name.get(lang) for fa in areas],
            title=None,
            axis=vl.props(labelLimit=260),
        ),
    }
    cells = vl.unit(
        vl.mark("rect", stroke="#FFFFFF"),
        encoding=vl.encoding(
            **base,
            color=vl.channel(
                "n:Q",
                title="件数" if lang == "ja" else "Projects",
                scale=vl.props(range=["#F8F8FB", "#0017C1"]),
            ),
        ),
    )
    text = vl.unit(
        vl.mark("text", fontSize=14),
        encoding=vl.encoding(
            **base,
            text=vl.channel("n:Q"),
            color=vl.condition("(datum.n >= 3)", "#FFFFFF", "#1A1A1C"),
        ),
    )
    spec = vl.top(vl.layer(cells, text, data=rows), width=100 * len(cols), height=50 * len(areas))
    sep, colon, stop = ("、", "：", "。") if lang == "ja" else (", ", ": ", ". ")
    parts = []
    for fa, trow in zip(areas, table_rows, strict=True):
        listed = sep.join(f"{lab} {n}" for lab, n in zip(labels, trow[1:], strict=True) if n != "0")
        parts.append(f"{fa.name.get(lang)}{colon}{listed or ('なし' if lang == 'ja' else 'none')}")
    if lang == "ja":
        alt_text = (
            f"{title}（ヒートマップ、{view.as_of.isoformat()}時点）。" + stop.join(parts) + stop
        )
    else:
        alt_text = f"{title} (heatmap, as of {view.as_of.isoformat()}). " + stop.join(parts) + "."
    return ChartOut(
        id="portfolio-heatmap",
        kind="heatmap",
        title=title,
        drawing=to_svg(spec, font),
        spec=spec,
        alt=alt_text,
        table=DataTable(
            ["注力領域" if lang == "ja" else "Focus area", *labels],
            table_rows,
            [["focus_area", *(r or "unrated" for r in cols)], *csv_rows],
        ),
        sources=_sources(view),
        illustrative=view.illustrative,
    )


def staffing(view: PortfolioView, lang: str, font: str) -> ChartOut:
    """FTE demanded against FTE assigned, by skill."""
    title = (
        "スキル別の人員需要と配置（FTE）"
        if lang == "ja"
        else "Staff demand and supply by skill (FTE)"
    )
    kinds = ("需要", "配置") if lang == "ja" else ("Demand", "Assigned")
    skills = [SKILL_LABELS[r.skill].get(lang) for r in view.skills]
    rows: list[dict[str, Any]] = []
    for r, name in zip(view.skills, skills, strict=True):
        rows.append({"skill": name, "kind": kinds[0], "fte": r.demand})
        rows.append({"skill": name, "kind": kinds[1], "fte": r.supply})
    spec = vl.top(
        vl.unit(
            vl.mark("bar"),
            rows,
            encoding=vl.encoding(
                x=vl.channel("skill:N", sort=skills, title=None, axis=vl.props(labelAngle=0)),
                xOffset=vl.channel("kind:N", sort=list(kinds)),
                y=vl.channel("fte:Q", title="FTE"),
                color=vl.channel(
                    "kind:N",
                    title=None,
                    sort=list(kinds),
                    scale=vl.props(domain=list(kinds), range=["#0017C1", "#7096F8"]),
                    legend=vl.props(orient="bottom"),
                ),
            ),
        ),
        width=WIDTH,
        height=260,
    )
    fmt = numbers.number
    parts = [
        f"{name}：需要{fmt(r.demand, 1)}、配置{fmt(r.supply, 1)}、不足{fmt(r.shortfall, 1)}"
        if lang == "ja"
        else f"{name}: demand {fmt(r.demand, 1)}, assigned {fmt(r.supply, 1)}, "
        f"short {fmt(r.shortfall, 1)}"
        for r, name in zip(view.skills, skills, strict=True)
    ]
    kind = "棒グラフ" if lang == "ja" else "bar chart"
    cols = (
        ["スキル", "需要", "配置", "不足", "過剰", "保有者の工数", "未配置"]
        if lang == "ja"
        else ["Skill", "Demand", "Assigned", "Short", "Over", "Capacity of holders", "Bench"]
    )
    return ChartOut(
        id="portfolio-staffing",
        kind="staffing",
        title=title,
        drawing=to_svg(spec, font),
        spec=spec,
        alt=f"{title}（{kind}）。" + "。".join(parts) + "。",
        table=DataTable(
            cols,
            [
                [
                    name,
                    fmt(r.demand, 1),
                    fmt(r.supply, 1),
                    fmt(r.shortfall, 1),
                    fmt(r.surplus, 1),
                    fmt(r.capacity, 1),
                    fmt(r.bench, 1),
                ]
                for r, name in zip(view.skills, skills, strict=True)
            ],
            [
                ["skill", "demand", "supply", "shortfall", "surplus", "capacity", "bench"],
                *(
                    [r.skill, r.demand, r.supply, r.shortfall, r.surplus, r.capacity, r.bench]
                    for r in view.skills
                ),
            ],
        ),
        sources=_sources(view),
        illustrative=view.illustrative,
    )


def rating_history(view: PortfolioView, lang: str, font: str) -> ChartOut:
    """Each project's rating at each assessment date."""
    title = (
        "プロジェクト別のリスク評価の推移" if lang == "ja" else "Each project's rating over time"
    )
    dates = sorted({r.date for rec in view.portfolio.projects for r in rec.risk})
    labels = [Period.parse(d).label("dot", lang) for d in dates]
    rows: list[dict[str, Any]] = []
    table_rows, csv_rows = [], [["project", *(d.isoformat() for d in dates)]]
    names = []
    for row in view.rows:
        rec = view.portfolio.project(row.id)
        by_date = {r.date: r.rating for r in rec.risk} if rec else {}
        name = row.name.get(lang)
        names.append(name)
        for d, lab in zip(dates, labels, strict=True):
            if d in by_date:
                rating = by_date[d]
                rows.append(
                    {
                        "project": name,
                        "date": lab,
                        "rating": _label(rating, lang),
                        "short": RATING_SHORT[rating],
                    }
                )
        table_rows.append(
            [name, *(_label(by_date[d], lang) if d in by_date else "—" for d in dates)]
        )
        csv_rows.append([row.id, *(by_date.get(d, "") for d in dates)])
    domain = [_label(r, lang) for r in RATINGS]
    base = {
        "x": vl.channel(
            "date:N", sort=labels, title=None, axis=vl.props(orient="top", labelAngle=0)
        ),
        "y": vl.channel("project:N", sort=names, title=None, axis=vl.props(labelLimit=260)),
    }
    cells = vl.unit(
        vl.mark("rect", stroke="#FFFFFF"),
        encoding=vl.encoding(
            **base,
            color=vl.channel(
                "rating:N",
                title=None,
                sort=domain,
                scale=vl.props(domain=domain, range=[RATING_COLOURS[r] for r in RATINGS]),
                legend=vl.props(orient="bottom", direction="horizontal"),
            ),
        ),
    )
    text = vl.unit(
        vl.mark("text", fontSize=11),
        encoding=vl.encoding(
            **base,
            text=vl.channel("short:N"),
            color=vl.condition(
                "datum.short == 'R' || datum.short == 'A/R' || datum.short == 'G'",
                "#FFFFFF",
                "#1A1A1C",
            ),
        ),
    )
    spec = vl.top(
        vl.layer(cells, text, data=rows),
        width=60 * max(1, len(dates)),
        height=18 * len(names),
    )
    worse = [r.name.get(lang) for r in view.rows if r.trend == "worse"]
    better = [r.name.get(lang) for r in view.rows if r.trend == "better"]
    sep = "、" if lang == "ja" else ", "
    if lang == "ja":
        alt_text = (
            f"{title}（{len(names)}プロジェクト、{labels[0] if labels else ''}〜"
            f"{labels[-1] if labels else ''}の{len(dates)}時点、色と記号で評価を表示）。"
            f"直近で悪化：{sep.join(worse) or 'なし'}。直近で改善：{sep.join(better) or 'なし'}。"
        )
    else:
        alt_text = (
            f"{title} ({len(names)} projects, {len(dates)} assessments from "
            f"{labels[0] if labels else ''} to {labels[-1] if labels else ''}; colour and letters "
            f"show the rating). Worse at the last assessment: {sep.join(worse) or 'none'}. "
            f"Better: {sep.join(better) or 'none'}."
        )
    return ChartOut(
        id="portfolio-ratings",
        kind="ratings",
        title=title,
        drawing=to_svg(spec, font),
        spec=spec,
        alt=alt_text,
        table=DataTable(
            ["プロジェクト" if lang == "ja" else "Project", *labels], table_rows, csv_rows
        ),
        sources=_sources(view),
        illustrative=view.illustrative,
        legend_labels=domain,
        axis_labels=labels,
    )
