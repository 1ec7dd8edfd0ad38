"""No text is clipped in any chart: not shortened with "…" by Vega's label limits, and not cut at
the drawing's edge (the chart rendered to pixels has no ink in its outermost band)."""

from __future__ import annotations

import io

import pytest
import vl_convert as vlc
from PIL import Image

from nenpo import core
from nenpo.charts.svg import texts


def _charts(request: pytest.FixtureRequest, lang: str) -> dict[str, str]:
    built: core.BuildResult = request.getfixturevalue(
        "built_example" if lang == "ja" else "built_en"
    )
    out = {c.id: c.svg for c in built.site.charts.values()}
    if built.prints is not None and built.prints.deck is not None:
        out.update({f"slide {s.number}": s.chart.svg for s in built.prints.deck.slides if s.chart})
    return out


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_label_is_shortened(request: pytest.FixtureRequest, lang: str) -> None:
    charts = _charts(request, lang)
    assert len(charts) >= 15
    for ident, svg in charts.items():
        cut = [t for t in texts(svg) if t.endswith("…")]
        assert not cut, f"{ident}: {cut}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_nothing_is_drawn_at_the_edge(request: pytest.FixtureRequest, lang: str) -> None:
    for ident, svg in _charts(request, lang).items():
        img = Image.open(io.BytesIO(vlc.svg_to_png(svg, scale=1))).convert("L")
        w, h = img.size
        for box in ((0, 0, w, 2), (0, h - 2, w, h), (0, 0, 2, h), (w - 2, 0, w, h)):
            assert img.crop(box).getextrema()[0] > 200, f"{ident}: ink at the edge {box}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_illustrative_badge_and_legend_say_what_is_illustrative(
    request: pytest.FixtureRequest, lang: str
) -> None:
    """A chart whose values are all illustrative is badged so (not "includes illustrative
    values"), on the site and in the report; its legend names only the kinds it draws."""
    from nenpo.charts.make import ACTUAL, ILLUSTRATIVE
    from nenpo.charts.svg import legend_labels

    from . import pdfread as pr
    from .conftest import soup

    built: core.BuildResult = request.getfixturevalue(
        "built_example" if lang == "ja" else "built_en"
    )
    everything = {"ja": "すべて例示値", "en": "all values illustrative"}[lang]
    some = {"ja": "例示値を含む", "en": "includes illustrative values"}[lang]
    report = pr.squeeze(pr.text(built.out / "report.pdf", layout=False))
    seen = {True: 0, False: 0}
    for page in built.site.pages:
        html = soup(built.out / page.path) if page.charts else None
        for c in page.charts:
            notes = [row[-1] for row in c.table.rows] if c.kind == "timeseries" else []
            if notes:  # the legend names a kind only if the chart draws it
                drawn = set(legend_labels(c.svg))
                assert (ACTUAL[lang] in drawn) <= any(n == "" for n in notes), c.id
                assert (ILLUSTRATIVE[lang] in drawn) <= any(n for n in notes), c.id
            if not c.illustrative:
                continue
            if notes:
                assert c.illustrative_all == all(notes), c.id
            badge = everything if c.illustrative_all else some
            assert html is not None
            figure = html.select_one(f"#chart-{c.id} .badge")
            assert figure is not None and figure.get_text() == badge, c.id
            assert pr.squeeze(c.title + badge) in report, c.id
            seen[c.illustrative_all] += 1
    assert seen[True] >= 1 and seen[False] >= 1, seen
