"""The report model: the pages of the site, each with its body, charts and links, from data.

This is the `model` stage of the pipeline (load → check → model → render → write). Renderers
(HTML now, PDF later) only lay out what this stage decided; no number is computed there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..charts import ChartOut, make_chart
from ..errors import Problem
from ..ingest.content import project_content, translated
from ..lookups.data import Data
from ..model.text import I18n
from ..model.workspace import Chapter, Chart, FocusArea, Project, Workspace
from ..portfolio.public import PublicRecord
from .markdown import ILLUSTRATIVE, RenderEnv, render, strip_front_matter

UI = {
    "ja": {
        "history": "更新履歴",
        "no_history": "更新履歴はまだありません。",
        "home": "トップ",
        "projects": "プロジェクト",
        "indicators": "指標",
        "subprojects": "サブプロジェクト",
        "no_indicators": "このプロジェクトに紐づく公表指標はまだありません。",
        "latest": "最新値",
        "target": "目標",
        "source": "出典",
        "focus_area": "注力領域",
        "toc": "目次",
        "period": "対象期間",
    },
    "en": {
        "history": "Revision history",
        "no_history": "No revisions yet.",
        "home": "Home",
        "projects": "Projects",
        "indicators": "Indicators",
        "subprojects": "Sub-projects",
        "no_indicators": "No published indicator is linked to this project yet.",
        "latest": "Latest",
        "target": "Target",
        "source": "Source",
        "focus_area": "Focus area",
        "toc": "Contents",
        "period": "Period",
    },
}


# Where a chart goes in a page body. The chart itself is data (PageOut.charts: rows, alt text,
# source, SVG); how it is shown is the renderer's: the HTML figure with its data table and CSV
# link (render/html.py), a chart box or a reference to an earlier page in print (render/typeset).
FIGURE_SLOT = re.compile(r'<figure class="chart" data-chart="([^"<>]*)"></figure>')


def figure_slot(chart: ChartOut, page: PageOut) -> str:
    """Place `chart` on `page` here: the page lists it, the body marks where it goes."""
    page.charts.append(chart)
    return f'<figure class="chart" data-chart="{escape(chart.id)}"></figure>'


@dataclass
class Link:
    title: str
    path: str
    children: list[Link] = field(default_factory=list)


@dataclass
class PageOut:
    """One page of the site."""

    id: str
    path: str
    title: str
    kind: str
    body: str = ""
    charts: list[ChartOut] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    chapter: Link | None = None
    illustrative: bool = False
    cites: set[str] = field(default_factory=set)  # indicators its prose and charts show


@dataclass
class Site:
    """Every page, every chart, and what went wrong while resolving references."""

    lang: str
    ws: Workspace
    pages: list[PageOut]
    charts: dict[str, ChartOut]
    nav: list[Link]
    problems: list[Problem]
    internal: bool = False  # the staff-only portfolio pages: banner and noindex
    downloads: list[Link] = field(default_factory=list)  # the PDFs, linked from the top page
    data: Data | None = None  # the lookups the pages were built from (the dashboard reuses them)
    dashboard: Any = None  # report.dashboard.Dashboard, when the build makes one

    def page(self, ident: str) -> PageOut:
        return next(p for p in self.pages if p.id == ident)


class _Builder:
    def __init__(
        self, ws: Workspace, lang: str, font: str, public: dict[str, PublicRecord] | None = None
    ):
        self.ws, self.lang, self.font = ws, lang, font
        self.public = public or {}  # portfolio fields projects marked public
        self.data = Data(ws)
        self.ui = UI[lang]
        self.problems: list[Problem] = []
        self.charts: dict[str, ChartOut] = {}
        self.defined: dict[str, Chart] = {c.id: c for c in ws.charts}

    def t(self, text: I18n | str) -> str:
        return text.get(self.lang) if isinstance(text, I18n) else text

    def chart(self, ident: str, chart: Chart | None = None) -> ChartOut:
        if ident not in self.charts:
            spec = chart or self.defined[ident]  # KeyError: unknown chart
            self.charts[ident] = make_chart(spec, self.data, self.lang, self.font, ident)
        return self.charts[ident]

    def markdown(self, path: str, page: PageOut) -> str:
        text = self.ws.texts.get(path)
        if text is None:
            return ""
        if self.lang != "ja":
            text = self.ws.texts.get(translated(path, self.lang), text)
        body, offset = strip_front_matter(text)

        def chart_html(ident: str) -> str:
            out = self.chart(ident)
            if ident in self.defined and self.defined[ident].indicator:
                page.cites.add(self.defined[ident].indicator or "")
            return figure_slot(out, page)

        env = RenderEnv(
            self.data, self.lang, chart_html, path, offset, block_html=lambda kind: self.block(kind)
        )
        html = render(body, env)
        for line, msg in env.problems:
            self.problems.append(Problem(path, line, None, msg))
        page.illustrative |= any(r.illustrative for r in env.used)
        page.cites.update(r.indicator for r in env.used if r.indicator)
        return html

    # Structured blocks a page can include with {{ include NAME }}.
    def block(self, kind: str) -> str:
        ws, t = self.ws, self.t
        if kind == "aims":
            items = "".join(
                f"<li><strong>{escape(t(a.title))}</strong>"
                + (f"<p>{escape(t(a.description))}</p>" if a.description else "")
                + "</li>"
                for a in ws.aims
            )
            return f'<ol class="aims">{items}</ol>'
        if kind == "statement" and ws.statement:
            st = ws.statement
            vision = "".join(
                f"<li><strong>{escape(t(v.title))}</strong> {escape(t(v.text))}</li>"
                for v in st.vision
            )
            values = "".join(f"<li>{escape(t(v))}</li>" for v in st.values)
            label = (
                ("ミッション", "ビジョン", "バリュー")
                if self.lang == "ja"
                else ("Mission", "Vision", "Values")
            )
            return (
                f'<dl class="statement"><dt>{label[0]}</dt><dd>{escape(t(st.mission))}</dd>'
                f"<dt>{label[1]}</dt><dd><ul>{vision}</ul></dd>"
                f"<dt>{label[2]}</dt><dd><ul>{values}</ul></dd></dl>"
            )
        if kind == "priority_plan" and ws.priority_plan:
            pp = ws.priority_plan
            link = f' <a href="{escape(pp.url)}">{escape(t(pp.title))}</a>' if pp.url else ""
            desc = escape(t(pp.description)) if pp.description else ""
            return f'<p class="priority-plan">{desc}{link}</p>'
        if kind == "focus_areas":
            return self.focus_area_list()
        raise KeyError(kind)

    def focus_area_list(self) -> str:
        """The diagram and each focus area's projects: the overview on the web (in print, the
        focus-area pages that follow list the same projects, each under its own heading)."""
        return f'<div class="focus-area-overview">{self.focus_area_sections()}</div>'

    def focus_area_sections(self) -> str:
        out = [self.focus_area_diagram()]
        for fa in self.ws.focus_areas:
            projects = "".join(self.project_item(p) for p in self.projects_in(fa))
            out.append(
                f'<section class="focus-area"><h3>{escape(self.t(fa.name))}</h3>'
                f"<ul>{projects}</ul></section>"
            )
        return "".join(out)

    def focus_area_diagram(self) -> str:
        """The focus areas and their projects as a figure, drawn from the registry."""
        from ..charts.diagram import Area, alt_text, focus_area_svg

        def walk(p: Project, depth: int) -> list[tuple[str, int]]:
            return [(self.t(p.name), depth)] + [
                x for c in p.subprojects for x in walk(c, depth + 1)
            ]

        areas = [
            Area(self.t(fa.name), [x for p in self.projects_in(fa) for x in walk(p, 0)])
            for fa in self.ws.focus_areas
        ]
        pp = self.ws.priority_plan
        top = self.t(pp.title) if pp else ("重点計画" if self.lang == "ja" else "Priority plan")
        caption = (
            "注力領域とプロジェクト構成（focus_areas.yaml と projects.yaml から作成）"
            if self.lang == "ja"
            else "Focus areas and their projects (drawn from focus_areas.yaml and projects.yaml)"
        )
        return (
            f'<figure class="diagram"><div class="diagram-image">'
            f"{focus_area_svg(top, areas, self.lang, self.font)}</div>"
            f"<figcaption>{escape(caption)}</figcaption>"
            f'<p class="alt-text">{escape(alt_text(top, areas, self.lang))}</p></figure>'
        )

    def project_item(self, p: Project) -> str:
        sub = "".join(self.project_item(c) for c in p.subprojects)
        sub = f"<ul>{sub}</ul>" if sub else ""
        return f'<li><a href="@@/projects/{p.id}.html">{escape(self.t(p.name))}</a>{sub}</li>'

    def projects_in(self, fa: FocusArea) -> list[Project]:
        return [p for p in self.ws.projects if p.focus_area == fa.id]


def build_site(
    ws: Workspace,
    lang: str = "ja",
    font: str = "Noto Sans CJK JP",
    public_portfolio: dict[str, PublicRecord] | None = None,
) -> Site:
    """The whole report as pages, from a validated workspace (and public portfolio fields)."""
    b = _Builder(ws, lang, font, public_portfolio)
    pages: list[PageOut] = []
    nav: list[Link] = []
    home = PageOut("home", "index.html", ws.report.title.get(lang), "home")
    pages.append(home)
    for ch in ws.chapters:
        ch_link = Link(b.t(ch.title), f"{ch.id}/index.html")
        nav.append(ch_link)
        ch_page = PageOut(ch.id, ch_link.path, ch_link.title, "chapter", chapter=ch_link)
        pages.append(ch_page)
        if ch.content:
            ch_page.body = b.markdown(ch.content, ch_page)
        for pg in ch.pages:
            link = Link(b.t(pg.title), f"{ch.id}/{pg.id}.html")
            ch_link.children.append(link)
            page = PageOut(pg.id, link.path, link.title, "page", chapter=ch_link)
            if pg.content:
                page.body = b.markdown(pg.content, page)
            pages.append(page)
        if ch.kind == "focus_areas":
            pages.extend(_focus_area_pages(b, ch, ch_link))
        ch_page.links = ch_link.children
    history = Link(b.ui["history"], "history.html")
    nav.append(history)
    pages.append(
        PageOut(
            "history", history.path, history.title, "history", body=f"<p>{b.ui['no_history']}</p>"
        )
    )
    home.links = nav
    for p in pages:
        p.illustrative |= any(c.illustrative for c in p.charts)
    return Site(lang, ws, pages, b.charts, nav, b.problems, data=b.data)


def _focus_area_pages(b: _Builder, ch: Chapter, ch_link: Link) -> list[PageOut]:
    out = []
    for fa in b.ws.focus_areas:
        fa_link = Link(b.t(fa.name), f"{ch.id}/{fa.id}.html")
        ch_link.children.append(fa_link)
        desc = f"<p>{escape(b.t(fa.description))}</p>" if fa.description else ""
        projects = "".join(b.project_item(p) for p in b.projects_in(fa))
        body = f'{desc}<h2>{b.ui["projects"]}</h2><ul class="projects">{projects}</ul>'
        out.append(
            PageOut(fa.id, fa_link.path, fa_link.title, "focus_area", body=body, chapter=ch_link)
        )
        for p in b.projects_in(fa):
            out.extend(_project_pages(b, p, None, fa, ch_link, fa_link))
    return out


def _project_pages(
    b: _Builder, p: Project, parent: Project | None, fa: FocusArea, ch_link: Link, fa_link: Link
) -> list[PageOut]:
    link = Link(b.t(p.name), f"projects/{p.id}.html")
    fa_link.children.append(link)
    page = PageOut(p.id, link.path, link.title, "project", chapter=ch_link)
    ui = b.ui
    parts = [
        f'<p class="meta">{ui["focus_area"]}：<a href="@@/{fa_link.path}">'
        f"{escape(fa_link.title)}</a>"
    ]
    if parent:
        parts.append(f'／<a href="@@/projects/{parent.id}.html">{escape(b.t(parent.name))}</a>')
    parts.append("</p>")
    if p.summary:
        parts.append(f"<p>{escape(b.t(p.summary))}</p>")
    if p.id in b.public:
        from .public_portfolio import public_block

        parts.append(public_block(b.public[p.id], b.lang))
        page.illustrative |= b.public[p.id].illustrative
    path = project_content(p.id)
    if path in b.ws.texts:
        parts.append(b.markdown(path, page))
    if p.subprojects:
        items = "".join(b.project_item(c) for c in p.subprojects)
        parts.append(f"<h2>{ui['subprojects']}</h2><ul>{items}</ul>")
    parts.append(f"<h2>{ui['indicators']}</h2>")
    if not p.indicators:
        parts.append(f"<p>{ui['no_indicators']}</p>")
    for ind_id in p.indicators:
        parts.append(_indicator_block(b, ind_id, page))
    page.body = "".join(parts)
    out = [page]
    for c in p.subprojects:
        out.extend(_project_pages(b, c, p, fa, ch_link, fa_link))
    return out


def _indicator_block(b: _Builder, ind_id: str, page: PageOut) -> str:
    ind = b.data.indicator(ind_id)
    page.cites.add(ind.id)
    lang, ui = b.lang, b.ui
    html = [f'<section class="indicator" id="indicator-{ind.id}"><h3>{escape(b.t(ind.name))}</h3>']
    if ind.description:
        html.append(f"<p>{escape(b.t(ind.description))}</p>")
    series = b.data.series(ind.id)
    facts = []
    if series:
        last = series[-1]
        v = ind.display.value(last.value, lang)
        badge = f'<span class="badge">{ILLUSTRATIVE[lang]}</span>' if last.illustrative else ""
        facts.append(
            f"<dt>{ui['latest']}</dt><dd>{escape(v)}{badge}"
            f"（{last.period.label('long', lang)}）</dd>"
        )
    for tg in ind.targets:
        from ..japan.periods import Period

        v = ind.display.value(tg.value, lang)
        badge = (
            f'<span class="badge">{ILLUSTRATIVE[lang]}</span>'
            if tg.provenance == "illustrative"
            else ""
        )
        page.illustrative |= tg.provenance == "illustrative"
        facts.append(
            f"<dt>{ui['target']}</dt><dd>{escape(v)}{badge}"
            f"（{Period.parse(tg.date).label('long', lang)}）</dd>"
        )
    if facts:
        html.append(f'<dl class="facts">{"".join(facts)}</dl>')
    if len(series) >= 2:
        chart = Chart(id=f"indicator-{ind.id}", kind="timeseries", indicator=ind.id)
        html.append(figure_slot(b.chart(chart.id, chart), page))
    elif series:
        src = b.data.source_of(series[-1].source)
        if src:
            html.append(f'<p class="source">{ui["source"]}：{escape(b.t(src.title))}</p>')
    html.append("</section>")
    return "".join(html)
