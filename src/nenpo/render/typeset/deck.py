"""The press deck (DeckOut) → deck.pdf's Typst source: one slide a page.

Every text of a slide was resolved from the data in the model stage (report/deck.py) and comes
as inline HTML; render/typeset/fromhtml.py writes it as Typst. Each slide carries markers the
build reads back (its heading, the end of its content, the top of its foot) to check that it
fits its page (render/pdf.py: check_one_page_per_slide).
"""

from __future__ import annotations

from ...report.deck import DeckOut, SlideOut
from ..html import TEXT
from .document import Document, assemble
from .fromhtml import Target, convert_inline
from .markup import Raw, call, content, string, text, value
from .printtext import PRINT_TEXT, illustrative_badge
from .report import chart_file

LONG_FIGURE = 8  # characters: a longer key figure ("93.08 million 枚") is set smaller


def _no_link(_href: str) -> None:
    return None


def _no_figure(ident: str) -> str:
    raise ValueError(f"a slide's text cannot hold the chart {ident!r}")


def _inline(html: str, lang: str) -> str:
    return convert_inline(html, Target(link=_no_link, figure=_no_figure, lang=lang))


def _foot(s: SlideOut, lang: str) -> list[str]:
    """The slide's foot, line by line: its note, its sources, and 「例示値」 where it applies."""
    t, p = TEXT[lang], PRINT_TEXT[lang]
    lines = []
    if s.note:
        lines.append(_inline(s.note, lang))
    if s.sources:
        names = []
        for src in s.sources:
            name = src.title.get(lang)
            if src.licence:
                name += p["paren"].format(t["licence"] + p["colon"] + src.licence)
            names.append(name)
        lines.append(text(t["source"] + p["colon"] + p["list_sep"].join(names)))
    if s.illustrative:
        badge = call("badge", text(p["badge"]))
        lines.append(f"{badge}#h(0.4em){text(t['illustrative_note'])}")
    return lines


def _body(s: SlideOut, lang: str, files: dict[str, bytes]) -> str | None:
    if s.key_figures:
        figs = [
            Raw(
                f"([{_inline(k.html, lang)}], "
                f"{content(_inline(k.label, lang)).code if k.label else 'none'}, "
                f"{value(len(k.text) > LONG_FIGURE)})"
            )
            for k in s.key_figures
        ]
        return "#key-figures(" + ", ".join(f.code for f in figs) + ")"
    for c in s.charts:
        files[chart_file(c)] = c.svg.encode("utf-8")
    if len(s.charts) == 1:
        c = s.charts[0]
        return (
            f"#slide-chart({string(chart_file(c))}, alt: {string(c.alt)}, "
            f"title: [{text(c.title)}], badge-text: {value(illustrative_badge(c, lang))})"
        )
    if s.charts:  # two side by side, three one under the other (deck.typ: slide-charts)
        return (
            "#slide-charts("
            + ", ".join(
                f"(path: {string(chart_file(c))}, alt: {string(c.alt)}, title: [{text(c.title)}], "
                f"badge: {value(illustrative_badge(c, lang))})"
                for c in s.charts
            )
            + ")"
        )
    if s.points:
        return "#points(" + ", ".join(f"[{_inline(p, lang)}]" for p in s.points) + ")"
    return None


def _slide(s: SlideOut, deck: DeckOut, files: dict[str, bytes]) -> str:
    lang = deck.lang
    if s.kind == "cover":
        p = PRINT_TEXT[lang]
        return call(
            "cover-slide",
            anchor=s.anchor,
            organisation=deck.organisation,
            title=content(_inline(s.title, lang)),
            subtitle=content(_inline(s.message, lang)) if s.message else None,
            period=p["period"] + p["colon"] + deck.period,
            date=deck.date or None,
        )
    body = _body(s, lang, files)
    foot = [content(line) for line in _foot(s, lang)]
    return call(
        "slide",
        anchor=s.anchor,
        title=content(_inline(s.title, lang)),
        message=content(_inline(s.message, lang)) if s.message else None,
        body=content(body) if body else None,
        foot=foot,
    )


def deck_document(deck: DeckOut, font: str) -> Document:
    """deck.pdf as a Typst document (see the module's docstring)."""
    files: dict[str, bytes] = {}
    head = [
        '#import "deck.typ": *',
        "#show: deck.with("
        f"title: {string(deck.title)}, author: {string(deck.organisation)}, "
        f"lang: {string(deck.lang)}, font: {string(font)}, "
        f"footer-title: {string(deck.report_title)})",
    ]
    slides = [(f"slide {s.number} ({s.id!r})", _slide(s, deck, files)) for s in deck.slides]
    doc = assemble("deck.pdf", [*((None, h) for h in head), *slides], deck.lang)
    doc.files = files
    return doc
