"""report.pdf and deck.pdf of the built example, read with pdftotext, pdffonts, pypdf, pdftoppm."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from nenpo import core
from nenpo.charts import ChartOut
from nenpo.japan.periods import Period
from nenpo.settings import get_settings

from . import pdfread as pr
from .test_site import FACTS_SURVEY

pytestmark = pytest.mark.skipif(not pr.POPPLER, reason=pr.NO_POPPLER)
if not pr.POPPLER:  # pragma: no cover - printed so the skip is never silent
    print(f"SKIP reason: {pr.NO_POPPLER}")


@pytest.fixture(scope="module")
def report(built_example: core.BuildResult) -> Path:
    return built_example.out / "report.pdf"


@pytest.fixture(scope="module")
def deck(built_example: core.BuildResult) -> Path:
    return built_example.out / "deck.pdf"


@pytest.fixture(scope="module")
def report_pages(report: Path) -> list[str]:
    return pr.page_texts(report)


def _printed_charts(result: core.BuildResult) -> dict[str, list[ChartOut]]:
    """The report's charts grouped by drawing: a chart drawn twice is printed once."""
    groups: dict[str, list[ChartOut]] = {}
    for page in result.site.pages:
        for c in page.charts:
            groups.setdefault(c.svg, []).append(c)
    return groups


# ── text ─────────────────────────────────────────────────────────────────────────────────


def test_japanese_headings_extract_as_text(
    built_example: core.BuildResult, report_pages: list[str]
) -> None:
    ws = built_example.site.ws
    all_lines = {ln for page in report_pages for ln in pr.lines(page)}
    for ch in ws.chapters:
        assert ch.title.ja in all_lines, ch.title.ja
        for pg in ch.pages:
            assert pg.title.ja in all_lines, pg.title.ja
    for fa in ws.focus_areas:
        assert fa.name.ja in all_lines


def test_survey_figures_extract_as_text(
    built_example: core.BuildResult, report_pages: list[str]
) -> None:
    survey = built_example.site.ws.surveys[0]
    waves = {w.date: w for w in survey.waves}
    text = "\n".join(report_pages)
    found = 0
    for question, by_wave in FACTS_SURVEY.items():
        assert question in text
        for date, shares in by_wave.items():
            w = waves[date]
            label = f"{Period.parse(w.date).label('long', 'ja')}（n={w.respondents:,}）"
            # The data table's row: the wave, then the shares of the options in their order.
            row = re.escape(label) + r"\s+" + r"\s+".join(re.escape(f"{v:.1f}") for v in shares)
            assert re.search(row, text), f"{question} {date}: no row {label} {shares}"
            found += 1
    assert found == 6


def test_illustrative_values_are_labelled_on_their_pages(
    built_example: core.BuildResult, report_pages: list[str]
) -> None:
    illustrative = [c for c in built_example.site.charts.values() if c.illustrative]
    assert illustrative, "the example has illustrative charts"
    checked = 0
    for c in illustrative:
        for page in report_pages:
            if any(ln.startswith(c.title) for ln in pr.lines(page)):
                assert "例示値" in page, f"{c.title}: its page does not say 例示値"
                checked += 1
    assert checked >= 1


# ── fonts ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", ["report.pdf", "deck.pdf"])
def test_every_font_is_embedded_and_subset(built_example: core.BuildResult, name: str) -> None:
    found = pr.fonts(built_example.out / name)
    assert found, "no fonts listed"
    for f in found:
        assert f.embedded and f.subset, f
        assert re.match(r"^[A-Z]{6}\+", f.name), f"{f.name}: not a subset name"
    # PostScript names drop the spaces and may change case: NotoSansCJKjp-Regular.
    family = re.sub(r"\W", "", get_settings().chart_font).lower()
    assert all(
        re.sub(r"\W", "", f.name.split("+", 1)[1]).lower().startswith(family) for f in found
    ), found


# ── structure (PDF/UA) ───────────────────────────────────────────────────────────────────


def test_report_structure_tree(built_example: core.BuildResult, report: Path) -> None:
    root, cat = pr.structure(report)
    ws = built_example.site.ws
    assert cat["lang"] == "ja"
    assert cat["display_title"] and cat["marked"]
    assert cat["title"] == ws.report.title.ja
    h1 = [e for e in root.walk() if e.tag == "H1"]
    h2 = [e for e in root.walk() if e.tag == "H2"]
    assert len(h1) >= len(ws.chapters) and len(h2) >= sum(len(c.pages) for c in ws.chapters)
    tables = root.find("Table")
    assert tables
    for t in tables:
        assert t.find("TH"), "a table without header cells"
        assert t.find("TD")
    figures = root.find("Figure")
    groups = _printed_charts(built_example)
    assert len(figures) == len(groups)
    alts = [f.alt for f in figures]
    for charts in groups.values():
        assert sum(a in {c.alt for c in charts} for a in alts) == 1, charts[0].id


def test_outline_has_the_chapters(built_example: core.BuildResult, report: Path) -> None:
    marks = pr.outline(report)
    top = [title for level, title, _ in marks if level == 1]
    for ch in built_example.site.ws.chapters:
        assert ch.title.ja in top
    second = [title for level, title, _ in marks if level == 2]
    for ch in built_example.site.ws.chapters:
        for pg in ch.pages:
            assert pg.title.ja in second


def test_contents_page_numbers_point_at_chapter_starts(
    built_example: core.BuildResult, report: Path, report_pages: list[str]
) -> None:
    contents = next(i for i, p in enumerate(report_pages) if "目次" in pr.lines(p))
    entries = pr.toc_entries(report_pages[contents])
    ws = built_example.site.ws
    titles = [ch.title.ja for ch in ws.chapters]
    titles += [p.title.ja for c in ws.chapters for p in c.pages]
    listed = dict(entries)
    assert set(titles) <= set(listed), set(titles) - set(listed)
    marks = {(title, page) for _, title, page in pr.outline(report)}
    for title, page in entries:
        # The heading stands alone on that page, and not on the page before it.
        assert title in pr.lines(report_pages[page - 1]), f"{title}: not on page {page}"
        assert title not in pr.lines(report_pages[page - 2]), f"{title}: starts before {page}"
        assert (title, page) in marks, f"{title}: the outline disagrees with the contents"


def test_report_is_small_enough(report: Path) -> None:
    assert report.stat().st_size <= 3 * 1024 * 1024


# ── the deck ─────────────────────────────────────────────────────────────────────────────


def test_deck_pages_and_titles_match_the_workspace(
    built_example: core.BuildResult, deck: Path
) -> None:
    ws = built_example.site.ws
    assert ws.deck is not None
    slides = ws.deck.slides
    pages = pr.page_texts(deck)
    _, cat = pr.structure(deck)
    assert cat["pages"] == len(slides) == len(pages)
    for slide, page, laid in zip(slides, pages, pr.laid_out(deck), strict=True):
        assert slide.title.ja in page, f"slide {slide.number}: {slide.title.ja}"
        if slide.kind != "cover":
            # The footer (the lowest line on the page) ends in the number the workspace records
            # (errata cite it); reading order would put a long source note after it.
            footer = max(laid.lines, key=lambda line: line.bottom)
            assert footer.text.split()[-1] == str(slide.number), footer.text
    manifest = json.loads((built_example.out / "deck.json").read_text(encoding="utf-8"))
    assert [(s["number"], s["page"], s["id"]) for s in manifest["slides"]] == [
        (s.number, i, s.id) for i, s in enumerate(slides, start=1)
    ]


def test_deck_figures_and_numbers_come_from_the_data(
    built_example: core.BuildResult, deck: Path
) -> None:
    ws = built_example.site.ws
    assert ws.deck is not None
    root, cat = pr.structure(deck)
    assert cat["lang"] == "ja"
    drawn = [c for s in ws.deck.slides for c in s.chart_ids()]  # a slide may show several
    figures = root.find("Figure")
    assert len(figures) == len(drawn)
    assert [f.alt for f in figures] == [built_example.site.charts[c].alt for c in drawn]
    pages = pr.page_texts(deck)
    holders = next(i for i, s in enumerate(ws.deck.slides) if s.id == "card-holders")
    assert "9,308万枚" in pages[holders]  # FACTS.md: 保有 9,308万枚 (2024年8月)
    staff = next(i for i, s in enumerate(ws.deck.slides) if s.id == "staff-count")
    assert "例示値" in pages[staff]


# ── English ──────────────────────────────────────────────────────────────────────────────


def test_english_pdfs(built_en: core.BuildResult) -> None:
    ws = built_en.site.ws
    report = built_en.out / "report.pdf"
    _, cat = pr.structure(report)
    assert cat["lang"] == "en" and cat["title"] == ws.report.title.en
    top = [t for level, t, _ in pr.outline(report) if level == 1]
    chapters = [ch.title.get("en") for ch in ws.chapters]
    assert chapters == [t for t in top if t in chapters]
    pages = pr.page_texts(report)
    assert "Contents" in pr.lines(pages[1])
    deck = built_en.out / "deck.pdf"
    assert ws.deck is not None
    deck_pages = pr.page_texts(deck)
    assert len(deck_pages) == len(ws.deck.slides)
    for slide, page in zip(ws.deck.slides, deck_pages, strict=True):
        assert slide.title.get("en") in page


# ── what a press office would hand out ───────────────────────────────────────────────────


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("name", "skip_first"), [("report.pdf", True), ("deck.pdf", False)])
def test_nothing_runs_into_the_side_margins(
    request: pytest.FixtureRequest, tmp_path: Path, lang: str, name: str, skip_first: bool
) -> None:
    """Rendered to PNG, no page has ink in a 10 mm band at its left or right edge: no table,
    URL or chart overflows the text block (the report's cover is a full-bleed colour page)."""
    fixture = "built_example" if lang == "ja" else "built_en"
    built: core.BuildResult = request.getfixturevalue(fixture)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(built.out / name), str(tmp_path / "p")],
        check=True,
    )
    images = sorted(tmp_path.glob("p-*.png"))
    assert images
    for img_path in images[1:] if skip_first else images:
        img = Image.open(img_path).convert("L")
        band = round(10 / 25.4 * 30)
        for x0 in (0, img.width - band):
            crop = img.crop((x0, 0, x0 + band, img.height))
            assert crop.getextrema()[0] > 235, f"{img_path.name}: ink at the edge (x={x0})"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_page_ends_with_a_label_whose_table_is_overleaf(
    request: pytest.FixtureRequest, lang: str
) -> None:
    """A data table's label (「データ表」) and a heading stay on the page of what they introduce."""
    built: core.BuildResult = request.getfixturevalue(
        "built_example" if lang == "ja" else "built_en"
    )
    label = "データ表" if lang == "ja" else "Data table"
    headings = {c.title for c in built.site.charts.values()}
    pages = pr.page_texts(built.out / "report.pdf")
    assert sum(label in p for p in pages) >= 10
    for number, page in enumerate(pages[:-1], start=1):
        body = pr.lines(page)[:-1]  # the last line is the page number
        assert body and body[-1] != label, f"page {number} ends with {label!r}"
        assert body[-1] not in headings, f"page {number} ends with the chart title {body[-1]!r}"


def test_pages_json_says_where_each_chart_and_page_is_printed(
    built_example: core.BuildResult, report_pages: list[str], deck: Path
) -> None:
    """Errata cite page numbers: pages.json must point at the page that really shows the thing."""
    maps = json.loads((built_example.out / "pages.json").read_text(encoding="utf-8"))
    site = built_example.site
    same_drawing = _printed_charts(built_example)
    for key, page in maps["report"].items():
        lines = pr.lines(report_pages[page - 1])
        if key.startswith("chart:"):
            chart = site.charts[key.removeprefix("chart:")]
            titles = {c.title for c in same_drawing[chart.svg]}
            assert any(ln.startswith(t) for ln in lines for t in titles), key
        else:
            assert next(p for p in site.pages if p.path == key).title in lines, key
    assert {f"chart:{c.id}" for c in site.charts.values()} <= set(maps["report"])
    assert {p.path for p in site.pages if p.kind != "home"} <= set(maps["report"])
    ws = site.ws
    assert ws.deck is not None
    first: dict[str, int] = {}  # a chart on several slides is named by its first
    for s in ws.deck.slides:
        for c in s.chart_ids():
            first.setdefault(f"chart:{c}", s.number)
    assert maps["deck"] == first
    every: dict[str, list[int]] = {}  # and "slides" names each slide a chart is on
    for s in ws.deck.slides:
        for c in s.chart_ids():
            every.setdefault(f"chart:{c}", []).append(s.number)
    assert maps["slides"] == every
    slides = pr.page_texts(deck)
    for key, numbers in maps["slides"].items():
        for number in numbers:
            assert site.charts[key.removeprefix("chart:")].title in slides[number - 1]
    assert maps["slides"]["chart:attitude-satisfaction"] == [5, 16]  # the seed's two legends
