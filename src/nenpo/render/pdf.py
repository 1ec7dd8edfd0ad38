"""Print: report.pdf (A4) and deck.pdf (16:9 slides) rendered by WeasyPrint as tagged PDF/UA-1.

The HTML comes from render.printhtml (the site's own page bodies); the charts are the site's SVG,
served to WeasyPrint from memory. Before anything is rendered the environment is checked: without
harfbuzz's subsetter WeasyPrint falls back to a path about 40 times slower for CJK fonts, and a
font that is not installed would be replaced silently (vl-convert even draws blank chart text).
The deck is rendered in a worker process while this one renders the report.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..charts import ChartOut
from ..charts.fonts import ensure_font
from ..errors import BuildError, EnvironmentProblem, Problem
from ..report.deck import DeckOut, SlideOut, build_deck
from ..report.site import Site
from . import weasy
from .printhtml import CHART_URL, anchor, deck_html, report_html
from .printsvg import for_print

HERE = Path(__file__).resolve().parent


def ensure_pdf_environment(font: str) -> None:
    """Raise EnvironmentProblem (what to install) unless WeasyPrint can render fast and right."""
    try:
        from weasyprint.text import ffi
    except OSError as exc:  # pango, harfbuzz or fontconfig missing: WeasyPrint cannot load
        raise EnvironmentProblem(
            f"WeasyPrint cannot load its native libraries ({exc}); install them with "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig"
        ) from None
    if getattr(ffi, "harfbuzz_subset", None) is None:
        raise EnvironmentProblem(
            "harfbuzz-subset (libharfbuzz-subset.so.0) is not installed: without it WeasyPrint "
            "subsets the Japanese font about 40 times more slowly. Install it with "
            "apt-get install libharfbuzz-subset0 (Debian/Ubuntu)."
        )
    ensure_font(font)


def _stylesheets(name: str, font: str) -> list[str]:
    """The site's stylesheet, the print stylesheet, and the one configured font everywhere."""
    family = font.replace('"', "")
    # One family for all text, so nothing falls back to another face (a serif, say).
    font_css = f'html, body, svg, text {{ font-family: "{family}", sans-serif; }}'
    return [
        (HERE / "static" / "nenpo.css").read_text(encoding="utf-8"),
        (HERE / "print" / name).read_text(encoding="utf-8"),
        font_css,
    ]


def _images(charts: list[ChartOut]) -> dict[str, bytes]:
    return {CHART_URL.format(id=c.id): for_print(c.svg).encode("utf-8") for c in charts}


def report_job(site: Site, font: str) -> weasy.Job:
    """What WeasyPrint needs to render report.pdf."""
    return weasy.Job(
        "report.pdf",
        report_html(site),
        _stylesheets("report.css", font),
        _images(list(site.charts.values())),
    )


def deck_job(deck: DeckOut, font: str) -> weasy.Job:
    """What WeasyPrint needs to render deck.pdf."""
    charts = [c for s in deck.slides for c in s.charts]
    return weasy.Job("deck.pdf", deck_html(deck), _stylesheets("deck.css", font), _images(charts))


def check_one_page_per_slide(deck: DeckOut, pages: list[weasy.Anchors]) -> None:
    """Page i holds slide i alone, and its content ends above its footer.

    A slide that is too full either spills onto another page (which would shift every number
    errata cite) or runs under its footer and off the page; both stop the build, naming the
    slide. `pages` holds the position of each id on each page: the slide's own, the mark after
    its content (`-end`) and its footer (`-foot`).
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
    pages: dict[str, dict[str, int]]

    def files(self) -> dict[str, bytes]:
        """File name → content, to be written into the build folder."""
        out = {p.name: p.data for p in self.pdfs}
        docs: dict[str, object] = {"pages.json": self.pages}
        if self.deck is not None:
            docs["deck.json"] = self.deck.manifest()
        for name, doc in docs.items():
            out[name] = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return out


def page_numbers(
    site: Site, report: weasy.Rendered, deck: DeckOut | None
) -> dict[str, dict[str, int]]:
    """pages.json: the page each chart and site page is printed on, so errata can cite it.

    {"deck": {"chart:ID": slide}, "report": {"chart:ID": page, "SITE/PATH.html": page}}; a
    chart printed once for two places maps both ids to that page.
    """
    first: dict[str, int] = {}
    for number, anchors in enumerate(report.anchors, start=1):
        for a in anchors:
            first.setdefault(a, number)
    charts = site.charts.values()
    by_svg = {c.svg: first[f"chart-{c.id}"] for c in charts if f"chart-{c.id}" in first}
    printed: dict[str, int] = {f"chart:{c.id}": by_svg[c.svg] for c in charts if c.svg in by_svg}
    printed.update({p.path: first[anchor(p.path)] for p in site.pages if anchor(p.path) in first})
    slides: dict[str, int] = {}
    for s in deck.slides if deck else []:
        for c in s.charts:  # a chart shown on several slides is named by its first
            slides.setdefault(f"chart:{c.id}", s.number)
    return {"deck": slides, "report": printed}


def deck_model(site: Site, font: str) -> DeckOut | None:
    """The deck with every slide resolved from the data (None when the workspace has none).

    Part of the model stage, beside the site: a problem in deck.yaml stops the build before
    anything is rendered, and the print stage only lays out.
    """
    deck, problems = build_deck(site.ws, site.lang, site.charts, font)
    if problems:
        lines = "\n".join(
            f"  {Problem('deck.yaml', None, _field(i, where), msg)}" for i, where, msg in problems
        )
        raise BuildError(f"{len(problems)} problem(s) in deck.yaml:\n{lines}")
    return deck


def render_prints(
    site: Site, deck: DeckOut | None, font: str, parallel: bool | None = None
) -> Prints:
    """report.pdf, and deck.pdf with deck.json when the workspace declares a deck.

    `parallel`: render the deck in a worker process beside the report — always (True), never
    (False), or when a core is free (None): on a busy machine a second process only competes.
    """
    ensure_pdf_environment(font)
    if parallel is None:
        parallel = _spare_core()
    worker = weasy.Worker(deck_job(deck, font)) if parallel and deck is not None else None
    try:
        report = weasy.render(report_job(site, font))
        slides = None
        if worker:
            slides = worker.result()
        elif deck is not None:
            slides = weasy.render(deck_job(deck, font))
    except BaseException:
        if worker:
            worker.cancel()
        raise
    pdfs = [PdfOut(report.name, report.data, report.pages)]
    if deck is not None and slides is not None:
        check_one_page_per_slide(deck, slides.anchors)
        pdfs.append(PdfOut(slides.name, slides.data, slides.pages))
    return Prints(pdfs, deck, page_numbers(site, report, deck))


def _spare_core() -> bool:
    """True when a second process would get a core of its own (on a busy machine it would not)."""
    cores = os.cpu_count() or 1
    if not hasattr(os, "getloadavg"):  # not on every system: then trust the core count
        return cores >= 2
    # This process itself counts about 1 in the load average.
    return cores >= 2 and os.getloadavg()[0] <= cores - 0.5


def _field(index: int, where: tuple[str | int, ...]) -> str:
    out = f"slides[{index}]"
    for k in where:
        out += f"[{k}]" if isinstance(k, int) else f".{k}"
    return out


def write_prints(prints: Prints, out: Path) -> list[Path]:
    """Write the PDFs, deck.json and pages.json under `out`."""
    written = []
    for name, data in prints.files().items():
        f = out / name
        f.write_bytes(data)
        written.append(f)
    return written
