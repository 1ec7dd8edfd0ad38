"""The internal portfolio site (staff only): overview with the heatmap, variance tables,
staffing, ratings over time, the allocation plan, and one page per project.

It is the `model` stage of `nenpo portfolio --out DIR`; the same HTML renderer writes it, with
a banner and `noindex` on every page. Never written into the public site's folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from ..charts import ChartOut
from ..charts import portfolio as charts
from ..japan import numbers
from ..japan.periods import Period
from ..lookups.data import Data
from ..model.portfolio import PHASE_LABELS, RATING_LABELS, SKILL_LABELS
from ..model.text import I18n
from ..model.workspace import Indicator
from ..portfolio.allocate import AllocationProblem, AllocationResult
from ..portfolio.explain import describe
from ..portfolio.variance import BudgetVariance, ScheduleVariance, money
from ..portfolio.view import PortfolioView, ProjectRow
from .internal_labels import T
from .site import Link, PageOut, Site, figure_slot


def _table(cols: list[str], rows: list[list[str]], caption: str) -> str:
    """An accessible table; cells are already escaped HTML. Numbers align right, text left."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in cols)

    def cell(c: str) -> str:
        numeric = c[:1] in "+-−0123456789" or c == "—"
        return f"<td>{c}</td>" if numeric else f'<td class="text">{c}</td>'

    body = "".join(
        f'<tr><th scope="row">{r[0]}</th>{"".join(cell(c) for c in r[1:])}</tr>' for r in rows
    )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


class _Pages:
    def __init__(self, view: PortfolioView, lang: str, font: str):
        self.view, self.lang, self.font = view, lang, font
        self.t = T[lang]
        self.names = {r.id: r.name.get(lang) for r in view.rows}
        self.charts: dict[str, ChartOut] = {}

    def figure(self, chart: ChartOut, page: PageOut) -> str:
        self.charts[chart.id] = chart
        return figure_slot(chart, page)

    def link(self, project: str) -> str:
        return f'<a href="@@/projects/{project}.html">{escape(self.names[project])}</a>'

    def rating(self, row: ProjectRow) -> str:
        if row.latest is None:
            return "—"
        label = RATING_LABELS[row.latest.rating].get(self.lang)
        when = _day(row.latest.date, self.lang)
        return f'<span class="rating rating-{row.latest.rating}">{escape(label)}</span>（{when}）'

    def overview(self, page: PageOut) -> str:
        v, t, fmt = self.view, self.t, numbers.number
        reds = sum(1 for r in v.rows if r.latest and r.latest.rating in ("red", "amber-red"))
        bench = sum(max(0.0, p.capacity - p.allocated) for p in v.portfolio.people)
        facts = [
            (t["projects_n"], str(len(v.rows))),
            (t["red_n"], str(reds)),
            (t["weighted"], fmt(v.weighted_shortfall, 1)),
            (
                t["people_n"],
                f"{len(v.portfolio.people)}（{fmt(bench, 1)} FTE 未配置）"
                if self.lang == "ja"
                else f"{len(v.portfolio.people)} ({fmt(bench, 1)} FTE unassigned)",
            ),
        ]
        html = [
            '<dl class="facts">'
            + "".join(f"<dt>{escape(a)}</dt><dd>{escape(b)}</dd>" for a, b in facts)
            + "</dl>",
            f"<h2>{t['findings']}</h2>",
            '<ul class="findings">'
            + "".join(f"<li>{escape(str(p))}</li>" for p in v.findings)
            + "</ul>"
            if v.findings
            else f"<p>{t['no_findings']}</p>",
            self.figure(charts.heatmap(v, self.lang, self.font), page),
        ]
        rows = []
        for r in v.rows:
            b = next((x for x in reversed(r.budget)), None)
            rows.append(
                [
                    self.link(r.id),
                    escape(
                        next(
                            (
                                f.name.get(self.lang)
                                for f in v.ws.focus_areas
                                if f.id == r.focus_area
                            ),
                            "",
                        )
                    ),
                    escape(PHASE_LABELS[r.phase].get(self.lang)) if r.phase else "—",
                    self.rating(r),
                    t[r.trend] if r.trend else "—",
                    str(r.worst_slip) if r.worst_slip is not None else "—",
                    str(r.rebaselines),
                    f"{b.fiscal_year} {fmt(b.percent, 1, sign=True)}%" if b else "—",
                    fmt(r.demand, 1),
                    fmt(r.supply, 1),
                    fmt(r.shortfall, 1),
                ]
            )
        cols = [
            "project",
            "focus_area",
            "phase",
            "rating",
            "trend",
            "slip",
            "rebaselines",
            "budget_var",
            "demand",
            "supply",
            "short",
        ]
        html.append(_table([t[c] for c in cols], rows, t["overview"]))
        return "".join(html)

    def schedule_rows(self, items: list[ScheduleVariance], with_project: bool) -> list[list[str]]:
        t, out = self.t, []
        for m in items:
            when = m.date
            kind = t["actual"] if m.actual else t["forecast"]
            stale = f'<span class="badge">{t["stale"]}</span>' if m.stale_forecast else ""
            cells = [
                escape(m.name.get(self.lang)),
                m.baseline.isoformat(),
                f"{m.current_baseline.isoformat()}（{m.rebaselines}）" if m.rebaselines else "—",
                f"{when.isoformat()} {kind}{stale}",
                numbers.number(m.days, 0, sign=True),
                numbers.number(m.days_vs_current, 0, sign=True),
            ]
            out.append([self.link(m.project), *cells] if with_project else cells)
        return out

    def budget_rows(self, items: list[BudgetVariance], with_project: bool) -> list[list[str]]:
        t, lang, out = self.t, self.lang, []
        for b in items:
            note = (
                escape(b.narrative.get(lang))
                if b.narrative
                else (f'<span class="badge">{t["missing"]}</span>' if b.exceeds else "")
            )
            cells = [
                b.fiscal_year,
                money(b.baseline, lang),
                f"{money(b.amount, lang)} {t[b.basis]}",
                money(b.variance, lang, sign=True),
                f"{numbers.number(b.percent, 1, sign=True)}%",
                note,
            ]
            out.append([self.link(b.project), *cells] if with_project else cells)
        return out

    def variance(self, page: PageOut) -> str:
        t = self.t
        sched = [
            t["project"],
            t["milestone"],
            t["baseline"],
            t["current"],
            t["date"],
            t["days"],
            t["days_current"],
        ]
        bud = [
            t["project"],
            t["fy"],
            t["base_amount"],
            t["amount"],
            t["variance"],
            t["percent"],
            t["narrative"],
        ]
        return (
            f"<h2>{t['variance_page']}</h2>"
            + _table(sched, self.schedule_rows(self.view.schedules, True), t["milestone"])
            + _table(bud, self.budget_rows(self.view.budgets, True), t["base_amount"])
        )

    def staffing(self, page: PageOut) -> str:
        from ..portfolio.staffing import by_project

        t, fmt = self.t, numbers.number
        rows = []
        for r in self.view.rows:
            for s in by_project(self.view.portfolio, r.id):
                rows.append(
                    [
                        self.link(r.id),
                        escape(SKILL_LABELS[s.skill].get(self.lang)),
                        fmt(s.demand, 1),
                        fmt(s.supply, 1),
                        fmt(s.shortfall, 1),
                    ]
                )
        return self.figure(charts.staffing(self.view, self.lang, self.font), page) + _table(
            [t["project"], t["skill"], t["demand"], t["supply"], t["short"]], rows, t["staffing"]
        )

    def ratings(self, page: PageOut) -> str:
        t = self.t
        rows = [
            [self.link(r.id), self.rating(r), escape(r.latest.narrative.get(self.lang))]
            for r in self.view.rows
            if r.latest
        ]
        return self.figure(charts.rating_history(self.view, self.lang, self.font), page) + _table(
            [t["project"], t["rating"], t["narrative"]], rows, t["rating"]
        )

    def allocation(self, prob: AllocationProblem, result: AllocationResult) -> str:
        t, fmt = self.t, numbers.number
        facts = [
            (t["limit"], str(result.max_moves)),
            (t["before"], fmt(result.objective_before, 2)),
        ]
        if result.objective_after is not None:
            facts += [
                (t["after"], fmt(result.objective_after, 2)),
                (t["moves"], str(len(result.moves))),
            ]
        html = (
            '<dl class="facts">'
            + "".join(f"<dt>{escape(a)}</dt><dd>{escape(b)}</dd>" for a, b in facts)
            + "</dl>"
        )
        if result.status == "infeasible":
            return (
                html
                + f"<p>{t['infeasible']}</p><ul>"
                + "".join(
                    f"<li>{escape(r.text(self.lang, self.names))}</li>" for r in result.reasons
                )
                + "</ul>"
            )
        if not result.moves:
            return html + f"<p>{t['no_moves']}</p>"
        return (
            html
            + '<ol class="moves">'
            + "".join(
                f"<li>{escape(describe(m, prob, self.lang, self.names))}</li>" for m in result.moves
            )
            + "</ol>"
        )

    def project(self, r: ProjectRow, page: PageOut) -> str:
        from ..portfolio.staffing import by_project

        t, lang, v, fmt = self.t, self.lang, self.view, numbers.number
        rec = v.portfolio.project(r.id)
        phase = escape(PHASE_LABELS[r.phase].get(lang)) if r.phase else "—"
        parts = [
            f'<dl class="facts"><dt>{t["phase"]}</dt><dd>{phase}</dd>'
            f"<dt>{t['rating']}</dt><dd>{self.rating(r)}</dd></dl>"
        ]
        if r.milestones:
            cols = [
                t["milestone"],
                t["baseline"],
                t["current"],
                t["date"],
                t["days"],
                t["days_current"],
            ]
            parts.append(
                f"<h2>{t['milestone']}</h2>"
                + _table(cols, self.schedule_rows(r.milestones, False), t["milestone"])
            )
        if r.budget:
            cols = [
                t["fy"],
                t["base_amount"],
                t["amount"],
                t["variance"],
                t["percent"],
                t["narrative"],
            ]
            parts.append(
                f"<h2>{t['base_amount']}</h2>"
                + _table(cols, self.budget_rows(r.budget, False), t["base_amount"])
            )
        if rec and rec.risk:
            rows = [
                [
                    _day(a.date, lang),
                    escape(RATING_LABELS[a.rating].get(lang)),
                    str(a.score),
                    escape(a.narrative.get(lang)),
                ]
                for a in reversed(rec.risk)
            ]
            parts.append(
                f"<h2>{t['risk']}</h2>"
                + _table(["", t["rating"], "1–5", t["narrative"]], rows, t["risk"])
            )
        skills = by_project(v.portfolio, r.id)
        if skills:
            rows = [
                [
                    escape(SKILL_LABELS[s.skill].get(lang)),
                    fmt(s.demand, 1),
                    fmt(s.supply, 1),
                    fmt(s.shortfall, 1),
                ]
                for s in skills
            ]
            parts.append(
                f"<h2>{t['staffing']}</h2>"
                + _table([t["skill"], t["demand"], t["supply"], t["short"]], rows, t["staffing"])
            )
        people = [(p.id, a) for p in v.portfolio.people for a in p.allocations if a.project == r.id]
        if people:
            rows = [
                [escape(pid), escape(SKILL_LABELS[a.skill].get(lang)), fmt(a.fte, 2)]
                for pid, a in people
            ]
            parts.append(
                f"<h2>{t['people']}</h2>"
                + _table([t["person"], t["skill"], t["fte"]], rows, t["people"])
            )
        parts.append(self.indicators(r.id))
        return "".join(parts)

    def indicators(self, project: str) -> str:
        t, lang = self.t, self.lang
        proj = next((p for p, _ in self.view.ws.all_projects() if p.id == project), None)
        if proj is None or not proj.indicators:
            return ""
        data, rows = Data(self.view.ws), []
        for ind_id in proj.indicators:
            ind = data.indicator(ind_id)
            last = data.value_at(ind_id, None)

            def value(v: float, ind: Indicator = ind) -> str:
                return ind.display.value(v, lang)

            latest = f"{value(last.value)}（{last.period.label('dot', lang)}）" if last else "—"
            targets = "、".join(f"{value(tg.value)}（{tg.date}）" for tg in ind.targets)
            rows.append([escape(ind.name.get(lang)), escape(latest), escape(targets or "—")])
        return f"<h2>{t['indicators']}</h2>" + _table(
            [t["indicators"], t["latest"], t["target"]], rows, t["indicators"]
        )


def build_internal_site(
    view: PortfolioView,
    plan: tuple[AllocationProblem, AllocationResult] | None,
    lang: str = "ja",
    font: str = "Noto Sans CJK JP",
) -> Site:
    """The staff-only portfolio pages as a Site the HTML renderer writes."""
    b = _Pages(view, lang, font)
    t = T[lang]
    made: list[tuple[str, str, str, Callable[[PageOut], str]]] = [
        ("index", "index.html", t["overview"], b.overview),
        ("variance", "variance.html", t["variance_page"], b.variance),
        ("staffing", "staffing.html", t["staffing"], b.staffing),
        ("ratings", "ratings.html", t["ratings"], b.ratings),
    ]
    pages, nav = [], []
    when = (
        f"（{view.as_of.isoformat()}時点）"
        if lang == "ja"
        else f" (as of {view.as_of.isoformat()})"
    )
    banner = f'<p class="internal-banner" role="note">{escape(t["banner"])}{when}</p>'
    for ident, path, title, make in made:
        page = PageOut(ident, path, title, "portfolio", illustrative=view.illustrative)
        page.body = banner + make(page)
        pages.append(page)
        nav.append(Link(title, path))
    if plan is not None:
        page = PageOut(
            "allocation",
            "allocation.html",
            t["allocation"],
            "portfolio",
            illustrative=view.illustrative,
        )
        page.body = banner + b.allocation(*plan)
        pages.append(page)
        nav.append(Link(t["allocation"], "allocation.html"))
    for r in view.rows:
        page = PageOut(
            r.id,
            f"projects/{r.id}.html",
            r.name.get(lang),
            "portfolio-project",
            illustrative=view.illustrative,
        )
        page.body = banner + b.project(r, page)
        pages.append(page)
    ws = view.ws.model_copy(
        update={"report": view.ws.report.model_copy(update={"title": _title(view, lang)})}
    )
    return Site(lang, ws, pages, b.charts, nav, [], internal=True)


def _title(view: PortfolioView, lang: str) -> I18n:
    t = view.ws.report.title
    return I18n(ja=f"{t.ja} {T['ja']['title']}", en=f"{t.get('en')} — {T['en']['title']}")


def _day(d: dt.date, lang: str) -> str:
    return Period.parse(d).label("long", lang)
