"""The report model → one HTML document for print (report.pdf) and one for the deck (deck.pdf).

The report's sections are the site's pages with the same bodies (the same Markdown, references
and figures); only what paper needs changes: headings move one level down under their chapter,
links between pages become links inside the document, and each chart is referenced as an SVG
image whose alt text is the chart's, so WeasyPrint tags it as a Figure with that /Alt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from ..charts import ChartOut
from ..model.periods import Period
from ..report.deck import DeckOut
from ..report.site import UI, PageOut, Site
from .html import TEXT, _env

CHART_URL = "nenpo:chart/{id}.svg"
LONG_TABLE = 12  # rows: a longer data table is set in columns so that it stays short on paper

PRINT_TEXT = {
    "ja": {
        "period": "対象期間",
        "range": "〜",
        "colon": "：",
        "paren": "（{}）",
        "list_sep": "、",
        "same_source": "本書はウェブ版の年次報告と同じデータと原稿から作成しています。",
        "see_figure": "図「{title}」は{page}ページに掲載しています。",
        "colophon": "{organisation}「{title}」",
    },
    "en": {
        "period": "Period",
        "range": " – ",
        "colon": ": ",
        "paren": " ({})",
        "list_sep": "; ",
        "same_source": "This document is made from the same data and text as the web edition.",
        "see_figure": "The chart “{title}” is on page {page}.",
        "colophon": "{organisation}, {title}",
    },
}


@dataclass
class Section:
    """A page of the site as a section of the printed report."""

    anchor: str
    title: str
    level: int
    kind: str
    body: Markup
    illustrative: bool
    children: list[Section] = field(default_factory=list)


def anchor(path: str) -> str:
    """The id of a site page in the printed report: results/a.html → p-results--a."""
    return "p-" + path.removesuffix(".html").replace("/", "--")


_HEADING = re.compile(r"<(/?)h([1-6])\b")
_ROOT_LINK = re.compile(r'href="@@/([^"#]*)(#[^"]*)?"')


def shift_headings(html: str, by: int) -> str:
    """h2 → h3 (by=1) and so on, at most h6, so a page's headings nest under its section's."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + by)}", html)


def _links(html: str, pages: set[str]) -> str:
    """Links to other pages point inside the document; links to site files are dropped."""

    def repl(m: re.Match[str]) -> str:
        target = m.group(1)
        if target in pages:
            return f'href="#{anchor(target)}"'
        return 'data-site-link="' + escape(target) + '"'

    return _ROOT_LINK.sub(repl, html)


def chart_img(c: ChartOut) -> str:
    """A chart as an image of its SVG, with the chart's alt text (a tagged Figure in the PDF)."""
    return f'<img src="{CHART_URL.format(id=c.id)}" alt="{escape(c.alt)}">'


def _figure_span(html: str, chart_id: str) -> tuple[int, int]:
    """Start and end of a chart's <figure> in a page body (figures never nest)."""
    start = html.find(f'<figure class="chart" id="chart-{chart_id}"')
    if start < 0:
        return -1, -1
    return start, html.index("</figure>", start) + len("</figure>")


def _long_table(c: ChartOut, lang: str) -> str:
    """A long data table set as side-by-side tables, each with its header row, to save paper."""
    keep = [i for i in range(len(c.table.columns)) if i == 0 or any(r[i] for r in c.table.rows)]
    rows = [[r[i] for i in keep] for r in c.table.rows]
    per = -(-len(rows) // 3)
    return _env.get_template("print/table.html").render(
        c=c,
        columns=[c.table.columns[i] for i in keep],
        chunks=[rows[i : i + per] for i in range(0, len(rows), per)],
        t=TEXT[lang],
        p=PRINT_TEXT[lang],
    )


def _figures(html: str, charts: list[ChartOut], placed: dict[str, str], lang: str) -> str:
    """Each chart as an SVG image with its alt text; a chart already printed is referred to."""
    for c in charts:
        start, end = _figure_span(html, c.id)
        if start < 0:
            continue
        if c.svg in placed:
            ref = _env.get_template("print/figure_ref.html").render(
                c=c, first=placed[c.svg], p=PRINT_TEXT[lang]
            )
            html = html[:start] + ref + html[end:]
            continue
        placed[c.svg] = c.id
        fig = html[start:end].replace(c.svg, chart_img(c))
        if len(c.table.rows) > LONG_TABLE:
            t0 = fig.index('<details class="data-table">')
            t1 = fig.index("</details>", t0) + len("</details>")
            fig = fig[:t0] + _long_table(c, lang) + fig[t1:]
            fig = fig.replace('<figure class="chart"', '<figure class="chart long-table"', 1)
        html = html[:start] + fig + html[end:]
    return html


def _levels(site: Site) -> dict[str, int]:
    """Heading level of each page: chapter 1; page, focus area 2; project 3; sub-project 4."""
    parents = {p.id: parent for p, parent in site.ws.all_projects()}
    out = {}
    for page in site.pages:
        if page.kind in ("chapter", "history"):
            out[page.path] = 1
        elif page.kind in ("page", "focus_area"):
            out[page.path] = 2
        elif page.kind == "project":
            depth, parent = 0, parents.get(page.id)
            while parent is not None:
                depth, parent = depth + 1, parents.get(parent.id)
            out[page.path] = min(6, 3 + depth)
    return out


def sections(site: Site) -> list[Section]:
    """Every page of the site but the home page (the cover replaces it), in reading order."""
    paths = {p.path for p in site.pages}
    levels = _levels(site)
    placed: dict[str, str] = {}  # a chart's SVG → id of the figure that printed it first
    out: list[Section] = []
    for page in site.pages:
        if page.path not in levels:
            continue
        level = levels[page.path]
        out.append(_section(page, level, paths, placed, site.lang))
    return out


def _section(
    page: PageOut, level: int, paths: set[str], placed: dict[str, str], lang: str
) -> Section:
    body = shift_headings(page.body, level - 1)
    body = _figures(_links(body, paths), page.charts, placed, lang)
    return Section(anchor(page.path), page.title, level, page.kind, Markup(body), page.illustrative)


def toc(items: list[Section]) -> list[Section]:
    """Chapters with their pages and focus areas: what the table of contents lists."""
    top: list[Section] = []
    for s in items:
        if s.level == 1:
            top.append(Section(s.anchor, s.title, 1, s.kind, Markup(""), False))
        elif s.level == 2 and top:
            top[-1].children.append(s)
    return top


def report_html(site: Site) -> str:
    """The whole report as one HTML document for print: cover, contents, sections, colophon."""
    ws, lang = site.ws, site.lang
    items = sections(site)
    start, end = (
        Period.parse(d.strftime("%Y-%m")).label("long", lang)
        for d in (ws.report.period_start, ws.report.period_end)
    )
    period = f"{start}{PRINT_TEXT[lang]['range']}{end}"
    return _env.get_template("print/report.html").render(
        lang=lang,
        title=ws.report.title.get(lang),
        organisation=ws.organisation.name.get(lang),
        summary=ws.report.summary.get(lang) if ws.report.summary else "",
        period=period,
        sections=items,
        toc=toc(items),
        illustrative=any(s.illustrative for s in items),
        t=TEXT[lang],
        ui=UI[lang],
        p=PRINT_TEXT[lang],
    )


def deck_html(deck: DeckOut) -> str:
    """The press deck as one HTML document, one slide a page."""
    charts = {c.id: Markup(chart_img(c)) for s in deck.slides for c in s.charts}
    return _env.get_template("print/deck.html").render(
        deck=deck,
        lang=deck.lang,
        charts=charts,
        t=TEXT[deck.lang],
        p=PRINT_TEXT[deck.lang],
    )
