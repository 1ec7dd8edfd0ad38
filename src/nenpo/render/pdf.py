"""Print: report.pdf (A4) and deck.pdf (16:9 slides), compiled by Typst as tagged PDF/UA-1.

The Typst sources come from render/typeset (the site's own page bodies and charts, the deck's
resolved slides); the charts are the site's SVG. Before anything is compiled the environment is
checked: a font that is not installed would leave blank text in the charts (vl-convert) and
is never replaced silently. The deck is compiled in a second thread while the report is when a
core is free (Typst releases the GIL while it works).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..charts.fonts import ensure_font
from ..errors import BuildError
from ..report.deck import DeckOut, SlideOut
from ..report.site import Site
from .typeset import engine
from .typeset.deck import deck_document
from .typeset.report import anchor, report_document

Anchors = dict[str, tuple[float, float]]  # label → (x, y) of its element on a page, in pt
REPORT_LABELS = "selector(figure).or(heading)"
DECK_LABELS = "selector(metadata).or(heading)"


def ensure_pdf_environment(font: str) -> None:
    """Raise EnvironmentProblem (what to install) unless Typst can set the configured font."""
    ensure_font(font)
    engine.fonts(font)


def check_one_page_per_slide(deck: DeckOut, pages: list[Anchors]) -> None:
    """Page i holds slide i alone, and its content ends above its footer.

    A slide that is too full either spills onto another page (which would shift every number
    errata cite) or runs under its footer and off the page; both stop the build, naming the
    slide. `pages` holds the position of each label on each page: the slide's own, the mark
    after its content (`-end`) and the top of its foot (`-foot`).
    """
    by_anchor = {s.anchor: s for s in deck.slides}
    for i, page in enumerate(pages):
        on_page = sorted((a for a in page if a in by_anchor), key=lambda a: by_anchor[a].number)
        if i >= len(deck.slides) or on_page != [deck.slides[i].anchor]:
            previous = deck.slides[max(0, min(i, len(deck.slides)) - 1)]
            _too_full(by_anchor[on_page[0]] if on_page else previous)
        slide = deck.slides[i]
        end, foot = page.get(f"{slide.anchor}-end"), page.get(f"{slide.anchor}-foot")
        if end is None or (foot is not None and end[1] > foot[1] + 0.5):
            _too_full(slide)
    if len(pages) != len(deck.slides):
        raise BuildError(
            f"deck.pdf has {len(pages)} pages for {len(deck.slides)} slides; "
            "each slide must fit on one page"
        )


def _too_full(slide: SlideOut) -> None:
    raise BuildError(
        f"deck.yaml: slide {slide.number} ({slide.id!r}) does not fit on one slide; "
        "shorten its message, list or note"
    )


def by_page(compiled: engine.Compiled) -> list[Anchors]:
    """For each page, the labels on it and where (x is not known: 0)."""
    pages: list[Anchors] = [{} for _ in range(compiled.pages)]
    for name, places in compiled.positions.items():
        for page, y in places:
            pages[page - 1].setdefault(name, (0.0, y))
    return pages


@dataclass
class PdfOut:
    """A rendered PDF and its page count."""

    name: str
    data: bytes
    pages: int


@dataclass
class Prints:
    """What the print stage made: the PDFs, the deck's manifest and where things were printed."""

    pdfs: list[PdfOut]
    deck: DeckOut | None
    pages: dict[str, Any]

    def files(self) -> dict[str, bytes]:
        """File name → content, to be written into the build folder."""
        out = {p.name: p.data for p in self.pdfs}
        docs: dict[str, object] = {"pages.json": self.pages}
        if self.deck is not None:
            docs["deck.json"] = self.deck.manifest()
        for name, doc in docs.items():
            out[name] = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return out


def page_numbers(site: Site, report: engine.Compiled, deck: DeckOut | None) -> dict[str, Any]:
    """pages.json: the page each chart and site page is printed on, so errata can cite it.

    {"deck": {"chart:ID": slide}, "slides": {"chart:ID": [slide, …]},
    "report": {"chart:ID": page, "SITE/PATH.html": page}}: "deck" names a chart's first slide,
    "slides" every slide that shows it (a corrected legend is corrected on each: the seed's
    更新履歴 cites pages 5 and 16 for one); a chart printed once for two places maps both ids to
    that page.
    """
    first = {name: places[0][0] for name, places in report.positions.items()}
    charts = site.charts.values()
    by_svg = {c.svg: first[f"chart-{c.id}"] for c in charts if f"chart-{c.id}" in first}
    printed: dict[str, int] = {f"chart:{c.id}": by_svg[c.svg] for c in charts if c.svg in by_svg}
    printed.update({p.path: first[anchor(p.path)] for p in site.pages if anchor(p.path) in first})
    slides: dict[str, int] = {}
    every: dict[str, list[int]] = {}
    for s in deck.slides if deck else []:
        for c in s.charts:  # "deck" names a chart by its first slide, "slides" by each of them
            slides.setdefault(f"chart:{c.id}", s.number)
            if s.number not in every.setdefault(f"chart:{c.id}", []):
                every[f"chart:{c.id}"].append(s.number)
    return {"deck": slides, "slides": every, "report": printed}


def render_prints(
    site: Site, deck: DeckOut | None, font: str, parallel: bool | None = None
) -> Prints:
    """report.pdf, and deck.pdf with deck.json when the workspace declares a deck.

    `parallel`: compile the deck in a second thread beside the report — always (True), never
    (False), or when a core is free (None): on a busy machine a second thread only competes.
    """
    ensure_pdf_environment(font)
    if parallel is None:
        parallel = _spare_core()
    report_doc = report_document(site, font)
    deck_doc = deck_document(deck, font) if deck is not None else None
    slides: engine.Compiled | None = None
    if parallel and deck_doc is not None:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(engine.compile_pdf, deck_doc, font, DECK_LABELS)
            report = engine.compile_pdf(report_doc, font, REPORT_LABELS)
            slides = pending.result()
    else:
        report = engine.compile_pdf(report_doc, font, REPORT_LABELS)
        if deck_doc is not None:
            slides = engine.compile_pdf(deck_doc, font, DECK_LABELS)
    pdfs = [PdfOut(report.name, report.data, report.pages)]
    if deck is not None and slides is not None:
        check_one_page_per_slide(deck, by_page(slides))
        pdfs.append(PdfOut(slides.name, slides.data, slides.pages))
    return Prints(pdfs, deck, page_numbers(site, report, deck))


def _spare_core() -> bool:
    """True when a second thread would get a core of its own (on a busy machine it would not)."""
    cores = os.cpu_count() or 1
    if not hasattr(os, "getloadavg"):  # not on every system: then trust the core count
        return cores >= 2
    # This process itself counts about 1 in the load average.
    return cores >= 2 and os.getloadavg()[0] <= cores - 0.5


def write_prints(prints: Prints, out: Path) -> list[Path]:
    """Write the PDFs, deck.json and pages.json under `out`."""
    written = []
    for name, data in prints.files().items():
        f = out / name
        f.write_bytes(data)
        written.append(f)
    return written
