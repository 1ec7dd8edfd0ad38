"""The press deck (会見資料) as the report model sees it: each slide's text resolved from the data.

Slides take their numbers from the workspace (errata cite them) and their charts from the same
ChartOut objects as the site, so a slide can never show another figure than the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from ..charts import ChartOut, make_chart
from ..errors import BuildError, Problem
from ..ingest.where import Where as Places
from ..ingest.where import dotted
from ..japan.periods import Period
from ..lookups.data import Data
from ..model.deck import Deck, Slide
from ..model.text import I18n
from ..model.workspace import Source, Workspace
from ..report import references as refs
from .markdown import RenderEnv, render
from .site import Site

DECK_TITLE = {"ja": "{title} 会見資料", "en": "{title}: press deck"}
Where = tuple[str | int, ...]  # a field inside a slide: ("key_figures", 0, "value")


@dataclass
class KeyFigureOut:
    """A key figure: the value as printed (HTML, with its data reference) and its label."""

    html: str
    text: str
    label: str


@dataclass
class SlideOut:
    """One slide, ready to lay out: every number already resolved from the data."""

    number: int
    id: str
    kind: str
    title: str
    message: str = ""
    key_figures: list[KeyFigureOut] = field(default_factory=list)
    chart: ChartOut | None = None  # the first of `charts`
    charts: list[ChartOut] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    note: str = ""
    sources: list[Source] = field(default_factory=list)
    illustrative: bool = False

    @property
    def anchor(self) -> str:
        return f"slide-{self.number}"

    def texts(self) -> list[str]:
        """What a reader reads on the slide, as plain text in reading order: errata are drafted
        from a diff of these (a slide's own words are on no site page)."""
        parts = [self.title, self.message]
        parts += [f"{k.label} {k.text}" for k in self.key_figures]
        parts += [*self.points, self.note]
        return [t for t in (_plain(p) for p in parts) if t]


def _plain(html: str) -> str:
    """Inline HTML of a slide's text as the words it shows: tags and badges dropped."""
    html = re.sub(r'<span class="badge[^"]*"[^>]*>.*?</span>', "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


@dataclass
class DeckOut:
    """The deck: title, organisation, date and the slides in their recorded order."""

    lang: str
    title: str
    organisation: str
    report_title: str
    date: str
    slides: list[SlideOut]
    period: str = ""

    def manifest(self) -> dict[str, Any]:
        """deck.json: each slide's recorded number, id and title, for errata to cite."""
        return {
            "title": self.title,
            "lang": self.lang,
            "pdf": "deck.pdf",
            "pages": len(self.slides),
            "slides": [
                {
                    "number": s.number,
                    "page": i,
                    "id": s.id,
                    "title": s.title,
                    "chart": s.chart.id if s.chart else None,
                    "charts": [c.id for c in s.charts],
                    "illustrative": s.illustrative,
                    "texts": s.texts(),
                }
                for i, s in enumerate(self.slides, start=1)
            ],
        }


class _Text:
    """Resolves the data references of one slide's texts, collecting sources and problems."""

    def __init__(self, data: Data, lang: str):
        self.data, self.lang = data, lang
        self.used: list[refs.Resolved] = []
        self.problems: list[tuple[Where, str]] = []

    def inline(self, text: I18n | None, where: Where) -> str:
        if text is None:
            return ""
        env = RenderEnv(self.data, self.lang, self._no_chart)
        html = render(text.get(self.lang), env).strip()
        self.used.extend(env.used)
        self.problems.extend((where, msg) for _line, msg in env.problems)
        # One paragraph of Markdown → its inline content, so it can sit in a title or list item.
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html

    def key_figure(self, value: str, where: Where) -> tuple[str, str]:
        found = refs.find(value)
        outside = refs.PATTERN.sub("", value).strip()
        if len(found) != 1 or outside:
            self.problems.append(
                (
                    where,
                    "a key figure is exactly one data reference such as "
                    "'{{ value card_holders format=man }}', never a typed number",
                )
            )
            return "", ""
        before = len(self.used)
        html = self.inline(I18n(ja=value), where)
        return html, self.used[before].text if len(self.used) > before else ""

    def _no_chart(self, ident: str) -> str:
        raise KeyError(ident)  # a chart goes in the slide's `chart:` field, not in its text

    def sources(self) -> list[Source]:
        out: list[Source] = []
        for r in self.used:
            sid = self._source_id(r)
            src = self.data.source_of(sid) if sid else None
            if src is not None and src not in out:
                out.append(src)
        return out

    def _source_id(self, r: refs.Resolved) -> str | None:
        if r.indicator is None:
            return None
        if r.indicator in self.data.indicators:
            return self.data.indicators[r.indicator].source
        survey = self.data.surveys.get(r.indicator.split(".")[0])
        return survey.source if survey else None


def _slide(
    slide: Slide, data: Data, lang: str, chart_of: Any
) -> tuple[SlideOut, list[tuple[Where, str]]]:
    t = _Text(data, lang)
    out = SlideOut(slide.number, slide.id, slide.kind, t.inline(slide.title, ("title",)))
    out.message = t.inline(slide.message, ("message",))
    for i, kf in enumerate(slide.key_figures):
        html, _text = t.key_figure(kf.value, ("key_figures", i, "value"))
        label = t.inline(kf.label, ("key_figures", i, "label"))
        out.key_figures.append(KeyFigureOut(html, _text, label))
    out.points = [t.inline(p, ("points", i)) for i, p in enumerate(slide.points)]
    out.note = t.inline(slide.note, ("note",))
    out.sources = t.sources()
    for j, ident in enumerate(slide.chart_ids()):
        chart: ChartOut | None = chart_of(ident)
        if chart is None:
            where: Where = ("chart",) if slide.chart is not None else ("charts", j)
            t.problems.append((where, f"unknown chart {ident!r}"))
        else:
            out.charts.append(chart)
            out.sources += [s for s in chart.sources if s not in out.sources]
    out.chart = out.charts[0] if out.charts else None
    out.illustrative = any(r.illustrative for r in t.used) or any(
        c.illustrative for c in out.charts
    )
    return out, t.problems


def reference_problems(ws: Workspace, data: Data | None = None) -> list[tuple[int, Where, str]]:
    """Every unresolvable data reference in the slides' texts, in each of the report's languages.

    Returns (slide index, field path, message); charts are checked by the loader, not here.
    `data`: the workspace's lookups, when the caller has them (a check uses them next).
    """
    if ws.deck is None:
        return []
    data = data or Data(ws)
    found: list[tuple[int, Where, str]] = []
    for i, slide in enumerate(ws.deck.slides):
        for lang in ws.report.languages:
            _, problems = _slide(slide, data, lang, lambda _ident: None)
            found += [
                (i, where, msg)
                for where, msg in problems
                if where[0] not in ("chart", "charts") and (i, where, msg) not in found
            ]
    return found


def reference_errors(ws: Workspace, where: Places, data: Data | None = None) -> list[Problem]:
    """`reference_problems` located at their lines in deck.yaml (every slide of a valid
    workspace is in `where`, at its position in the file)."""
    deck = ws.deck
    if deck is None:
        return []
    return [
        where.problem("slides", deck.slides[i].id, sub, msg, dotted(("slides", i, *sub)))
        for i, sub, msg in reference_problems(ws, data)
    ]


def build_deck(
    ws: Workspace,
    lang: str,
    charts: dict[str, ChartOut],
    font: str,
    data: Data | None = None,
) -> tuple[DeckOut | None, list[tuple[int, Where, str]]]:
    """The deck in `lang`, reusing the site's charts and its lookups of `ws`'s data (`data`);
    None when the workspace declares none."""
    if ws.deck is None:
        return None, []
    deck: Deck = ws.deck
    data = data or Data(ws)  # the site's: not every observation indexed a second time
    defined = {c.id: c for c in ws.charts}

    def chart_of(ident: str) -> ChartOut | None:
        if ident not in charts and ident in defined:
            charts[ident] = make_chart(defined[ident], data, lang, font, ident, narrow=False)
        return charts.get(ident)

    slides, problems = [], []
    for i, slide in enumerate(deck.slides):
        out, found = _slide(slide, data, lang, chart_of)
        slides.append(out)
        problems += [(i, where, msg) for where, msg in found]
    report_title = ws.report.title.get(lang)
    title = deck.title.get(lang) if deck.title else DECK_TITLE[lang].format(title=report_title)
    when = ""
    if deck.date:
        d = deck.date
        when = f"{d.year}年{d.month}月{d.day}日" if lang == "ja" else d.strftime("%-d %B %Y")
    start, end = (
        Period.parse(d.strftime("%Y-%m")).label("long", lang)
        for d in (ws.report.period_start, ws.report.period_end)
    )
    period = f"{start}〜{end}" if lang == "ja" else f"{start} – {end}"
    organisation = ws.organisation.name.get(lang)
    return DeckOut(lang, title, organisation, report_title, when, slides, period), problems


def deck_model(site: Site, font: str) -> DeckOut | None:
    """The deck with every slide resolved from the data (None when the workspace has none).

    Part of the model stage, beside the site: a problem in deck.yaml stops the build before
    anything is rendered, and the print stage only lays out.
    """
    deck, problems = build_deck(site.ws, site.lang, site.charts, font, site.data)
    if problems:
        lines = "\n".join(
            f"  {Problem('deck.yaml', None, _field(i, where), msg)}" for i, where, msg in problems
        )
        raise BuildError(f"{len(problems)} problem(s) in deck.yaml:\n{lines}")
    return deck


def _field(index: int, where: tuple[str | int, ...]) -> str:
    out = f"slides[{index}]"
    for k in where:
        out += f"[{k}]" if isinstance(k, int) else f".{k}"
    return out
