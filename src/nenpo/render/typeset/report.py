"""The report model → report.pdf's Typst source: cover, contents, the site's pages, colophon.

The sections are the site's pages with the same bodies (render/typeset/fromhtml.py turns their
HTML into Typst); only what paper needs changes: headings move down under their chapter, links
between pages point inside the document, and each chart is printed from its data (the SVG,
the alt text as the Figure's /Alt, the data table, the sources). A chart drawn twice on the
site is printed once; the second place says on which page it is.
"""

from __future__ import annotations

import re

from ...charts import ChartOut
from ...japan.periods import Period
from ...report.site import UI, PageOut, Site
from ..html import TEXT
from .document import Document, assemble
from .fromhtml import Target, convert_items, keep
from .markup import call, content, label, string, text, uri, value
from .printtext import PRINT_TEXT, illustrative_badge

LONG_TABLE = 12  # rows: a longer data table is set in columns side by side, short on paper
MAX_CHART_HEIGHT_MM = 110
BOX_WIDTH_MM = 165  # inside a chart's box: the text width, less its padding and frame
# A box taller than this floats (the text area is 255 mm tall): were it moved to the next page
# with its text, more than 40 % of a page could be left blank.
BIG_BOX_MM = 150


def anchor(path: str) -> str:
    """The label of a site page in the printed report: results/a.html → p-results--a."""
    return "p-" + path.removesuffix(".html").replace("/", "--")


def chart_file(c: ChartOut) -> str:
    """Where a chart's SVG is, beside the Typst source."""
    return f"charts/{c.id}.svg"


def levels(site: Site) -> dict[str, int]:
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


_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def aspect(svg: str) -> float:
    """Height / width of an SVG drawing (from its root's width and height)."""
    m = _SIZE.search(svg)
    if not m or not float(m[1]):
        return 0.6
    return float(m[2]) / float(m[1])


def sources_markup(c: ChartOut, lang: str) -> str:
    """出典：title（address）（ライセンス：…）、…: addresses written out, as paper needs."""
    t, p = TEXT[lang], PRINT_TEXT[lang]
    parts = []
    for s in c.sources:
        title = s.title.get(lang)
        one = f"#link({uri(s.url)}){content(text(title)).code}" if s.url else text(title)
        if s.url:
            one += text(p["paren"].format(s.url))
        if s.licence:
            one += text(p["paren"].format(t["licence"] + t["colon"] + s.licence))
        parts.append(one)
    return text(t["source"] + t["colon"]) + text(t["sep"]).join(parts)


def data_table(c: ChartOut, lang: str) -> str:
    """The chart's data table; a long one in side-by-side chunks, each with its header."""
    columns, rows = c.table.columns, c.table.rows
    chunks = [rows]
    if len(rows) > LONG_TABLE:
        keep = [i for i in range(len(columns)) if i == 0 or any(r[i] for r in rows)]
        columns = [columns[i] for i in keep]
        rows = [[r[i] for i in keep] for r in rows]
        per = -(-len(rows) // columns_for(len(rows)))
        chunks = [rows[i : i + per] for i in range(0, len(rows), per)]
    size = "7.5pt" if len(chunks) > 1 else "8pt"
    table = f"#data-table({value(columns)}, {value(chunks)}, size: {size})"
    return call("table-label", text(TEXT[lang]["table"])) + "\n" + table


def box_height(c: ChartOut, image_mm: float) -> float:
    """About how tall a chart's box is (mm): title, drawing, note, table, sources, padding."""
    rows = len(c.table.rows)
    per_column = rows if rows <= LONG_TABLE else -(-rows // columns_for(rows))
    return 8 + image_mm + (4 if c.note else 0) + 5 + 4 * (per_column + 1) + 4 * len(c.sources) + 8


def columns_for(rows: int) -> int:
    """Side-by-side chunks a long data table is set in."""
    return 1 if rows <= LONG_TABLE else 3 if rows <= 48 else 4


def chart_box(c: ChartOut, lang: str) -> str:
    """A chart with its title, badge, image (a tagged Figure with the alt text), table, sources."""
    title = text(c.title)
    height = BOX_WIDTH_MM * aspect(c.svg)
    # The full width, or less when that would make the chart too tall.
    size = "width: 100%" if height <= MAX_CHART_HEIGHT_MM else f"height: {MAX_CHART_HEIGHT_MM}mm"
    image = f"#align(center, image({string(chart_file(c))}, alt: {string(c.alt)}, {size}))"
    figure = (
        f'#figure([{image}], kind: "chart", supplement: [{title}], numbering: none) '
        f"{label('chart-' + c.id)}"
    )
    box = box_height(c, min(height, MAX_CHART_HEIGHT_MM))
    args = {
        "height": round(box),  # read back by fromhtml.keep: it comes first
        "big": box > BIG_BOX_MM,
        "title": content(title),
        "badge_text": illustrative_badge(c, lang),
        "figure": content(figure),
        "note": content(text(c.note)) if c.note else None,
        "table": content(data_table(c, lang)),
        "source": content(sources_markup(c, lang)) if c.sources else None,
    }
    return call("chart-box", **args)


def figure_ref(c: ChartOut, first: ChartOut, lang: str) -> str:
    """「図「…」は N ページに掲載しています。」 with N a link to where it is printed."""
    target = label("chart-" + first.id)
    page = f"#link({target})[#page-of({target})]"
    before, after = PRINT_TEXT[lang]["see_figure"].split("{page}")
    body = text(before.format(title=c.title)) + page + text(after)
    return call("figure-ref", body)


class _Sections:
    """Writes the pages of the site as sections, remembering which charts are printed."""

    def __init__(self, site: Site):
        self.site = site
        self.lang = site.lang
        self.paths = {p.path for p in site.pages}
        self.placed: dict[str, ChartOut] = {}  # a chart's SVG → the chart that printed it
        self.files: dict[str, bytes] = {}

    def link(self, href: str) -> str | None:
        path = href.removeprefix("@@/").split("#", 1)[0]
        return label(anchor(path)) if path in self.paths else None

    def figure(self, page: PageOut, chart_id: str) -> str:
        c = next((c for c in page.charts if c.id == chart_id), None)
        if c is None:
            return ""
        if c.svg in self.placed:
            return figure_ref(c, self.placed[c.svg], self.lang)
        self.placed[c.svg] = c
        self.files[chart_file(c)] = c.svg.encode("utf-8")
        return chart_box(c, self.lang)

    def section(self, page: PageOut, level: int) -> str:
        title = text(page.title)
        heading = (
            f"#section-heading({level}, [{title}], anchor: {string(anchor(page.path))}, "
            f"outlined: {value(level <= 2)})"
        )
        target = Target(
            link=self.link,
            figure=lambda ident: self.figure(page, ident),
            shift=level - 1,
            lang=self.lang,
        )
        items = [(level, heading), *convert_items(page.body, target)]
        if page.illustrative:
            t = TEXT[self.lang]
            badge = PRINT_TEXT[self.lang]["badge"]
            note = call("illustrative-note", text(t["illustrative_note"]), badge_text=badge)
            items.append((None, note))
        # A chapter starts a page.
        return ("#pagebreak(weak: true)\n\n" if level == 1 else "") + keep(items, self.lang)


def report_document(site: Site, font: str) -> Document:
    """report.pdf as a Typst document (see the module's docstring)."""
    ws, lang = site.ws, site.lang
    p = PRINT_TEXT[lang]
    title = ws.report.title.get(lang)
    organisation = ws.organisation.name.get(lang)
    summary = ws.report.summary.get(lang) if ws.report.summary else None
    start, end = (
        Period.parse(d.strftime("%Y-%m")).label("long", lang)
        for d in (ws.report.period_start, ws.report.period_end)
    )
    period = f"{p['period']}{p['colon']}{start}{p['range']}{end}"
    writer = _Sections(site)
    lv = levels(site)
    body = [
        (page.path, writer.section(page, lv[page.path])) for page in site.pages if page.path in lv
    ]
    illustrative = any(page.illustrative for page in site.pages if page.path in lv)
    colophon = [p["colophon"].format(organisation=organisation, title=title), p["same_source"]]
    head = [
        '#import "report.typ": *',
        "#show: report.with("
        f"title: {string(title)}, author: {string(organisation)}, lang: {string(lang)}, "
        f"font: {string(font)}, description: {value(summary)})",
        call(
            "cover",
            organisation=organisation,
            title=title,
            period=period,
            lead=summary,
            note=p["same_source"],
        ),
        call("contents", title=UI[lang]["toc"]),
    ]
    tail = call("colophon", *[text(line) for line in colophon])
    if illustrative:
        badge = call("badge", text(p["badge"]))
        note = f"{badge}#h(0.5em){text(TEXT[lang]['illustrative_note'])}"
        tail = call("colophon", *[text(line) for line in colophon], note)
    doc = assemble("report.pdf", [*((None, h) for h in head), *body, (None, tail)], lang)
    doc.files = writer.files
    return doc
