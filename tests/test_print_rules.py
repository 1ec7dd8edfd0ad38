"""Print pages a designer would sign, and a PDF structure a screen reader can use (issue 16).

Every rule is checked on what was printed, in Japanese and English, on report.pdf and deck.pdf:
the lines pdftotext finds on each page and where; the pages as images (pdftoppm); the structure
tree and the link annotations (pypdf).
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image

from nenpo import core
from nenpo.report.site import Site

from . import pdfread as pr

pytestmark = pytest.mark.skipif(not pr.POPPLER, reason=pr.NO_POPPLER)
if not pr.POPPLER:  # pragma: no cover - printed so the skip is never silent
    print(f"SKIP reason: {pr.NO_POPPLER}")

MM = 72 / 25.4
# The text area of each document: below the running header, above the page number (mm).
MARGINS = {"report.pdf": (22, 20), "deck.pdf": (14, 16)}
BOTH = [("ja", "report.pdf"), ("en", "report.pdf"), ("ja", "deck.pdf"), ("en", "deck.pdf")]


def _built(request: pytest.FixtureRequest, lang: str) -> core.BuildResult:
    result: core.BuildResult = request.getfixturevalue(
        "built_example" if lang == "ja" else "built_en"
    )
    return result


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _headings(site: Site, name: str) -> set[str]:
    """Every heading the document prints, without white space: page titles and the headings
    of their bodies (report), slide titles (deck)."""
    if name == "deck.pdf":
        assert site.ws.deck is not None
        return {pr.squeeze(s.title.get(site.lang)) for s in site.ws.deck.slides}
    found = {pr.squeeze(p.title) for p in site.pages if p.kind != "home"}
    for p in site.pages:
        for h in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", p.body, flags=re.S):
            found.add(pr.squeeze(_plain(h)))
    return found


def _body(page: pr.LaidOutPage, name: str) -> list[pr.Line]:
    """The page's lines inside its text area (not the running header, not the page number)."""
    top, bottom = MARGINS[name]
    lo, hi = top * MM, page.height - bottom * MM
    inside = (ln for ln in page.lines if lo <= (ln.top + ln.bottom) / 2 <= hi)
    return sorted(inside, key=lambda x: x.top)


def _heading_spans(lines: list[pr.Line], headings: set[str]) -> list[tuple[int, int]]:
    """(first, last) index of the lines of each heading on a page (a long one wraps); headings
    that follow one another directly (a section and its first subsection) count as one."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        for k in (1, 2, 3):
            if pr.squeeze("".join(ln.text for ln in lines[i : i + k])) in headings:
                if spans and spans[-1][1] == i - 1:
                    spans[-1] = (spans[-1][0], i + k - 1)
                else:
                    spans.append((i, i + k - 1))
                i += k - 1
                break
        i += 1
    return spans


# ── the print rules ──────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("lang", "name"), BOTH)
def test_no_heading_is_stranded(request: pytest.FixtureRequest, lang: str, name: str) -> None:
    """No heading ends a page. A heading in the last 15 % of a page's text area has the start
    of its content with it: at least three lines of it, or all of it (the next heading follows
    on the same page) — not one sentence with the rest, or the chart it introduces, overleaf."""
    built = _built(request, lang)
    headings = _headings(built.site, name)
    top, bottom = MARGINS[name]
    seen = 0
    pages = pr.laid_out(built.out / name)
    bodies = [_body(page, name) for page in pages]
    spans_of = [_heading_spans(lines, headings) for lines in bodies]
    # A page that opens with a heading: the section before it ended on the page before.
    opens_section = [bool(spans) and spans[0][0] == 0 for spans in spans_of] + [True]
    for number, (page, lines, spans) in enumerate(zip(pages, bodies, spans_of, strict=True)):
        area_top, area_bottom = top * MM, page.height - bottom * MM
        for n, (first, last) in enumerate(spans):
            seen += 1
            text = " ".join(ln.text for ln in lines[first : last + 1])
            following = spans[n + 1][0] if n + 1 < len(spans) else len(lines)
            own = following - last - 1  # lines of its own content on this page
            assert last + 1 < len(lines), f"page {page.number}: {text!r} ends the page"
            low = lines[last].bottom > area_top + 0.85 * (area_bottom - area_top)
            complete = following < len(lines) or opens_section[number + 1]
            assert not low or own >= 3 or (complete and own >= 1), (
                f"page {page.number}: {text!r} in the last 15 % with {own} line(s) of its content"
            )
    # Most headings were found as lines (runs of them count once), so the rule was checked.
    assert seen >= 0.8 * len(headings), f"{seen} of {len(headings)} headings found"


def _printed_once(site: Site) -> list:  # type: ignore[type-arg]
    """The charts the report draws (a chart drawn twice on the site is printed once)."""
    first: dict[str, object] = {}
    for p in site.pages:
        for c in p.charts:
            first.setdefault(c.svg, c)
    return list(first.values())


@pytest.mark.parametrize(("lang", "name"), BOTH)
def test_no_figure_is_split_across_pages(
    request: pytest.FixtureRequest, lang: str, name: str
) -> None:
    """A chart's box — title, drawing, data table, sources — is on one page: after its title,
    the same page has the table's last row and the sources (deck: the slide's sources)."""
    built = _built(request, lang)
    site = built.site
    source = pr.squeeze("出典：" if lang == "ja" else "Source:")
    if name == "deck.pdf":
        assert site.ws.deck is not None
        charts = [site.charts[s.chart] for s in site.ws.deck.slides if s.chart]
    else:
        charts = _printed_once(site)
    assert charts
    pages = [[pr.squeeze(ln.text) for ln in _body(p, name)] for p in pr.laid_out(built.out / name)]
    for c in charts:
        title = pr.squeeze(c.title)
        last_row = pr.squeeze(c.table.rows[-1][0]) if name == "report.pdf" else None
        whole = False
        places = [
            (p, i)
            for p, lines in enumerate(pages)
            for i, t in enumerate(lines)
            if t.startswith(title)
        ]
        assert places, f"{c.id}: title {c.title!r} not printed"
        for p, i in places:
            rest = pages[p][i + 1 :]
            has_row = last_row is None or any(t.startswith(last_row) for t in rest)
            if has_row and any(t.startswith(source) for t in rest):
                whole = True
        assert whole, f"{c.id}: {c.title!r} is not whole on one page"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_page_is_underfilled(request: pytest.FixtureRequest, lang: str, tmp_path: Path) -> None:
    """Every page of report.pdf is at least 40 % filled, except the cover, the contents, and
    the last page of each chapter (and the colophon). (A slide is one page by design: the deck
    is checked by the build, render/pdf.py: check_one_page_per_slide.)"""
    built = _built(request, lang)
    report = built.out / "report.pdf"
    chapters = [page for level, _title, page in pr.outline(report) if level == 1]
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(report), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    last = len(images)
    exempt = {1, 2, last - 1, last, *(c - 1 for c in chapters)}
    checked = 0
    for number, path in enumerate(images, start=1):
        if number in exempt:
            continue
        img = Image.open(path).convert("L")
        top, bottom = (round(m / 25.4 * 30) for m in MARGINS["report.pdf"])
        body = img.crop((0, top, img.width, img.height - bottom))
        rows = [
            y
            for y in range(body.height)
            if body.crop((0, y, body.width, y + 1)).getextrema()[0] < 200
        ]
        filled = (rows[-1] + 1) / body.height if rows else 0
        assert filled >= 0.40, f"page {number} is {filled:.0%} filled"
        checked += 1
    assert checked >= 10


# ── the structure (PDF/UA) ───────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("lang", "name"), BOTH)
def test_every_header_cell_has_a_scope(
    request: pytest.FixtureRequest, lang: str, name: str
) -> None:
    root, _ = pr.structure(_built(request, lang).out / name)
    headers = root.find("TH")
    if name == "report.pdf":
        assert len(headers) >= 50
    for th in headers:
        assert th.attrs.get("/Scope") in ("/Column", "/Row", "/Both"), th.attrs


@pytest.mark.parametrize(("lang", "name"), BOTH)
def test_ids_are_in_the_id_tree(request: pytest.FixtureRequest, lang: str, name: str) -> None:
    """Every element with an /ID is found by it in the IDTree, and every cell's /Headers
    names such an id."""
    root, cat = pr.structure(_built(request, lang).out / name)
    ids = [e for e in root.walk() if e.id is not None]
    tree = cat["id_tree"]
    if name == "report.pdf":
        assert ids and tree
    assert len({e.id for e in ids}) == len(ids), "an /ID used twice"
    for e in ids:
        assert e.id in tree, e.id
        assert str(tree[e.id]["/S"]).lstrip("/") == e.tag
    for cell in root.find("TD") + root.find("TH"):
        for ref in cell.attrs.get("/Headers", []):
            assert str(ref) in tree, ref


@pytest.mark.parametrize(("lang", "name"), BOTH)
def test_links_say_where_they_go(request: pytest.FixtureRequest, lang: str, name: str) -> None:
    """Each link annotation's /Contents is words a reader can use: an address says its URL, a
    link inside the document names what it points at and its page (never a raw id)."""
    built = _built(request, lang)
    site = built.site
    titles = {p.title for p in site.pages} | {c.title for c in site.charts.values()}
    found = pr.links(built.out / name)
    if name == "report.pdf":
        assert sum(a.target_page is not None for a in found) >= 20
    for a in found:
        assert a.contents, f"page {a.page}: a link without /Contents"
        assert not re.match(r"^#|^(p|chart|slide)-|--", a.contents), a.contents
        if a.uri is not None:
            # A /URI is ASCII (Japanese in it percent-encoded); its text says where it goes.
            assert a.uri.isascii(), a.uri
            assert a.uri in a.contents or unquote(a.uri) in a.contents, (a.uri, a.contents)
        else:
            assert a.target_page is not None
            named, _, where = a.contents.rpartition(",")
            assert named in titles, a.contents
            assert re.search(rf"\b{a.target_page}\b", where), (a.contents, a.target_page)


@pytest.mark.parametrize("name", ["report.pdf", "deck.pdf"])
def test_no_word_is_printed_twice_in_a_row(request: pytest.FixtureRequest, name: str) -> None:
    """A unit written after a reference that already prints it reads "8,164 regulations
    regulations"."""
    text = pr.text(_built(request, "en").out / name, layout=False)
    # Words one space apart on a line: a legend's "Good" above a table's "Good (%)", or two
    # key figures side by side, are no repetition.
    doubled = re.findall(r"\b([A-Za-z]{3,}) \1\b", text, flags=re.IGNORECASE)
    assert not doubled, doubled
