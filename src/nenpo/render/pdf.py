"""Print: report.pdf (A4) and deck.pdf (16:9 slides) rendered by WeasyPrint as tagged PDF/UA-1.

The HTML comes from render.printhtml (the site's own page bodies); the charts are the site's SVG,
served to WeasyPrint from memory. Before anything is rendered the environment is checked: without
harfbuzz's subsetter WeasyPrint falls back to a path about 40 times slower for CJK fonts, and a
font that is not installed would be replaced silently (vl-convert even draws blank chart text).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..charts import ChartOut
from ..charts.fonts import ensure_font
from ..errors import BuildError, EnvironmentProblem, Problem
from ..report.deck import DeckOut, build_deck
from ..report.site import Site
from .printhtml import CHART_URL, deck_html, report_html

HERE = Path(__file__).resolve().parent
VARIANT = "pdf/ua-1"


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


def _stylesheet(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def _font_css(font: str) -> str:
    # The one configured family everywhere, so no text falls back to another (serif) face.
    family = font.replace('"', "")
    return f'html, body, svg, text {{ font-family: "{family}", sans-serif; }}'


@dataclass
class PdfOut:
    """A rendered PDF and its page count."""

    name: str
    data: bytes
    pages: int


@contextmanager
def _weasyprint_errors(name: str) -> Iterator[list[str]]:
    """Collect WeasyPrint's error log (a missing alt, a missing language) to stop the build."""
    found: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler = _Collect(level=logging.ERROR)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)
    if found:
        raise BuildError(f"{name}: WeasyPrint reported: " + "; ".join(sorted(set(found))))


def _fetcher(charts: dict[str, ChartOut]) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    svgs = {CHART_URL.format(id=c.id): c.svg.encode("utf-8") for c in charts.values()}

    class ChartFetcher(URLFetcher):
        """Serves the charts' SVG from memory; nothing else is fetched (no network, no files)."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url in svgs:
                return URLFetcherResponse(url, svgs[url], {"Content-Type": "image/svg+xml"})
            raise ValueError(f"{url}: a PDF embeds only nenpo's own charts")

    return ChartFetcher(fail_on_errors=True)


def _render(html: str, css: list[str], charts: dict[str, ChartOut], name: str) -> Any:
    import weasyprint

    with _weasyprint_errors(name):
        doc = weasyprint.HTML(string=html, base_url="nenpo:/", url_fetcher=_fetcher(charts)).render(
            stylesheets=[weasyprint.CSS(string=s) for s in css]
        )
    return doc


def _write(doc: Any, name: str) -> bytes:
    with _weasyprint_errors(name):
        data: bytes = doc.write_pdf(pdf_variant=VARIANT)
    return data


def render_report(site: Site, font: str) -> PdfOut:
    """report.pdf: cover, contents with page numbers, the chapters, tagged PDF/UA-1."""
    css = [_stylesheet("static/nenpo.css"), _stylesheet("print/report.css"), _font_css(font)]
    doc = _render(report_html(site), css, site.charts, "report.pdf")
    return PdfOut("report.pdf", _write(doc, "report.pdf"), len(doc.pages))


def render_deck(deck: DeckOut, font: str) -> PdfOut:
    """deck.pdf: one 16:9 page per slide; a slide that does not fit one page stops the build."""
    charts = {s.chart.id: s.chart for s in deck.slides if s.chart is not None}
    css = [_stylesheet("static/nenpo.css"), _stylesheet("print/deck.css"), _font_css(font)]
    doc = _render(deck_html(deck), css, charts, "deck.pdf")
    check_one_page_per_slide(deck, [set(p.anchors) for p in doc.pages])
    return PdfOut("deck.pdf", _write(doc, "deck.pdf"), len(doc.pages))


def check_one_page_per_slide(deck: DeckOut, anchors: list[set[str]]) -> None:
    """Page i must hold slide i: a slide that spills over would shift every number errata cite."""
    for i, slide in enumerate(deck.slides):
        page = anchors[i] if i < len(anchors) else set()
        spilled = i + 1 < len(anchors) and not any(a.startswith("slide-") for a in anchors[i + 1])
        if slide.anchor not in page or spilled:
            raise BuildError(
                f"deck.yaml: slide {slide.number} ({slide.id!r}) does not fit on one slide; "
                "shorten its message, list or note"
            )
    if len(anchors) != len(deck.slides):
        raise BuildError(
            f"deck.pdf has {len(anchors)} pages for {len(deck.slides)} slides; "
            "each slide must fit on one page"
        )


@dataclass
class Prints:
    """What the print stage made: the PDFs and the deck's manifest (deck.json)."""

    pdfs: list[PdfOut]
    deck: DeckOut | None

    def files(self) -> dict[str, bytes]:
        """File name → content, to be written into the build folder."""
        out = {p.name: p.data for p in self.pdfs}
        if self.deck is not None:
            text = json.dumps(self.deck.manifest(), ensure_ascii=False, indent=2) + "\n"
            out["deck.json"] = text.encode("utf-8")
        return out


def render_prints(site: Site, font: str) -> Prints:
    """report.pdf, and deck.pdf with deck.json when the workspace declares a deck."""
    ensure_pdf_environment(font)
    deck, problems = build_deck(site.ws, site.lang, site.charts, font)
    if problems:
        raise BuildError(
            f"{len(problems)} problem(s) in deck.yaml:\n"
            + "\n".join(
                f"  {Problem('deck.yaml', None, _field(i, where), msg)}"
                for i, where, msg in problems
            )
        )
    pdfs = [render_report(site, font)]
    if deck is not None:
        pdfs.append(render_deck(deck, font))
    return Prints(pdfs, deck)


def _field(index: int, where: tuple[str | int, ...]) -> str:
    out = f"slides[{index}]"
    for k in where:
        out += f"[{k}]" if isinstance(k, int) else f".{k}"
    return out


def write_prints(prints: Prints, out: Path) -> list[Path]:
    """Write the PDFs and deck.json under `out`."""
    written = []
    for name, data in prints.files().items():
        f = out / name
        f.write_bytes(data)
        written.append(f)
    return written
