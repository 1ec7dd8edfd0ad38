"""Charts read on a phone: at 390 CSS px, measured in Debian's chromium (tests/phonecharts.py).

Every chart of every report page (and of every dashboard page, where the build has them): no
text drawn smaller than 11 CSS px, no legend running out of its drawing or off the screen,
time-axis labels level and never drawn over each other, and no page wider than the screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nenpo import core

from .phonecharts import PageMeasure, measure_page, missing_browser, phone_browser

SMALLEST = 11.0  # CSS px


def _measure(urls: list[str]) -> list[PageMeasure]:
    reason = missing_browser()
    if reason:
        print(f"SKIP reason: {reason}")
        pytest.skip(reason)
    with phone_browser() as page:
        return [measure_page(page, url) for url in urls]


def _problems(measured: list[PageMeasure]) -> list[str]:
    out = []
    for pm in measured:
        if pm.page_width > pm.viewport:
            out.append(f"{pm.url}: the page is {pm.page_width}px wide on a {pm.viewport}px screen")
        for c in pm.charts:
            where = f"{Path(pm.url).name} {c.id}"
            if c.canvas:
                out.append(f"{where}: drawn on a canvas, whose text cannot be measured")
            if not c.svgs:
                out.append(f"{where}: no drawing is shown at {pm.viewport}px")
            text, size = c.smallest
            if size < SMALLEST:
                out.append(f"{where}: {text!r} drawn at {size:.1f}px (< {SMALLEST:g})")
            out.extend(f"{where}: legend {cut}" for cut in c.legends_cut)
            upright = [x.text for x in c.x_labels if x.angle != 0]
            if upright:
                out.append(f"{where}: {len(upright)} time-axis labels not level: {upright[:3]}")
            out.extend(f"{where}: axis labels {a!r} and {b!r} overlap" for a, b in c.x_overlaps())
    return out


@pytest.fixture(scope="module", params=["ja", "en"])
def report(request: pytest.FixtureRequest) -> tuple[core.BuildResult, list[PageMeasure]]:
    built: core.BuildResult = request.getfixturevalue(
        "built_example" if request.param == "ja" else "built_en"
    )
    pages = [p for p in built.site.pages if p.charts]
    return built, _measure([(built.out / p.path).as_uri() for p in pages])


def test_every_report_chart_reads_on_a_phone(
    report: tuple[core.BuildResult, list[PageMeasure]],
) -> None:
    built, measured = report
    # Every chart of every page was measured (a figure the selector missed is not passed over).
    path_of = {(built.out / p.path).as_uri(): p.path for p in built.site.pages}
    on_pages = {(p.path, c.id) for p in built.site.pages for c in p.charts}
    seen = {(path_of[pm.url], c.id) for pm in measured for c in pm.charts}
    assert seen == on_pages and len(seen) >= 25, on_pages ^ seen
    found = sum(len(pm.charts) for pm in measured)
    problems = _problems(measured)
    assert not problems, "\n".join(problems[:30])
    smallest = min(measured_chart.smallest_text for pm in measured for measured_chart in pm.charts)
    print(f"smallest chart text at 390px: {smallest:.1f}px over {found} charts")


def test_long_time_axes_are_thinned(report: tuple[core.BuildResult, list[PageMeasure]]) -> None:
    """The card series has 46 dates: on a phone a handful are labelled, level, the first and
    the last among them, each one an observation date."""
    built, measured = report
    site = built.site
    long_axes = 0
    for pm in measured:
        for c in pm.charts:
            chart = site.charts[c.id]
            if chart.kind != "timeseries" or len(chart.axis_labels) <= 12:
                continue
            long_axes += 1
            drawn = [x.text for x in c.x_labels]
            assert 2 <= len(drawn) <= 6, (c.id, drawn)
            assert drawn[0] == chart.axis_labels[0] and drawn[-1] == chart.axis_labels[-1], drawn
            assert drawn == [lab for lab in chart.axis_labels if lab in drawn], (c.id, drawn)
    assert long_axes >= 2


def test_dashboard_charts_read_on_a_phone(built_example: core.BuildResult) -> None:
    dashboard = built_example.out / "dashboard"
    if not dashboard.is_dir():
        reason = "this build has no dashboard/ pages yet (issue 14's dashboard)"
        print(f"SKIP reason: {reason}")
        pytest.skip(reason)
    measured = _measure([f.as_uri() for f in sorted(dashboard.rglob("*.html"))])
    assert sum(len(pm.charts) for pm in measured) >= 1
    problems = _problems(measured)
    assert not problems, "\n".join(problems[:30])


def test_narrow_specs_are_valid_vega_lite(built_example: core.BuildResult) -> None:
    """The phone drawings' specs validate against Vega-Lite's schema (builds write them as plain
    dicts, unvalidated: charts/vl.py)."""
    import altair as alt

    narrow = [c for c in built_example.site.charts.values() if c.narrow_spec]
    assert len(narrow) >= 25 and all(c.narrow_svg for c in narrow)
    for chart in narrow:
        cls = alt.LayerChart if "layer" in chart.narrow_spec else alt.Chart
        cls.from_dict(chart.narrow_spec, validate=True)  # raises on an invalid spec
        assert chart.narrow_spec["autosize"] == {"type": "fit-x", "contains": "padding"}
