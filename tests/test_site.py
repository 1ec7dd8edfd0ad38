"""The built example, read as a reader would: parsed HTML, the charts' SVG text, the CSV files."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from nenpo import core
from nenpo.charts.svg import axis_labels, legend_labels
from nenpo.japan.periods import Period
from nenpo.lookups.data import Data

from .conftest import soup

# The survey of ../shared/FACTS.md: question → {wave date: shares of the options, in order}.
FACTS_SURVEY = {
    "デジタル社会の賛同": {"2023-07": [48.0, 39.1, 12.8], "2024-07": [50.9, 38.0, 11.1]},
    "デジタル社会の適応": {"2023-07": [28.8, 36.9, 34.3], "2024-07": [29.8, 32.7, 37.6]},
    "行政サービスの満足": {"2023-07": [29.5, 52.3, 18.2], "2024-07": [29.8, 51.1, 19.1]},
}


def _pages(result: core.BuildResult) -> dict[str, BeautifulSoup]:
    return {p.path: soup(result.out / p.path) for p in result.site.pages}


@pytest.fixture(scope="module")
def pages(built_example: core.BuildResult) -> dict[str, BeautifulSoup]:
    return _pages(built_example)


def _figures(pages: dict[str, BeautifulSoup]):  # type: ignore[no-untyped-def]
    for path, doc in pages.items():
        for fig in doc.select("figure.chart"):
            yield path, fig


def test_pages_mirror_the_seed(
    built_example: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    home = pages["index.html"]
    nav = [a.get_text(strip=True) for a in home.select("header nav a")]
    for title in ("はじめに", "データから見た成果", "成果と進捗", "更新履歴"):
        assert title in nav
    toc = home.select_one("nav.toc").get_text()
    for title in ("社会におけるデジタル活用の進捗", "デジタル庁の組織づくり"):
        assert title in toc
    ws = built_example.site.ws
    for fa in ws.focus_areas:
        assert fa.name.ja in toc
    for project, _parent in ws.all_projects():
        doc = pages[f"projects/{project.id}.html"]
        assert doc.h1.get_text(strip=True) == project.name.ja
    assert "更新履歴はまだありません" in pages["history.html"].get_text()


def test_survey_figures_of_facts_appear(pages: dict[str, BeautifulSoup]) -> None:
    tables = {}
    for _path, fig in _figures(pages):
        if fig["data-kind"] == "survey":
            tables[fig.select_one(".chart-title").get_text(strip=True)] = fig.table
    for question, waves in FACTS_SURVEY.items():
        title = next((t for t in tables if question in t), None)
        assert title, f"no survey chart for {question}; charts: {list(tables)}"
        rows = tables[title].select("tbody tr")
        assert len(rows) == len(waves)
        for row, (wave, shares) in zip(rows, waves.items(), strict=True):
            assert Period.parse(wave).label("long") in row.th.get_text()
            assert [float(td.get_text()) for td in row.select("td")] == shares


def test_legends_equal_the_options_in_order(
    built_example: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    data = Data(built_example.site.ws)
    charts = {c.id: c for c in built_example.site.ws.charts}
    seen = 0
    for _path, fig in _figures(pages):
        if fig["data-kind"] != "survey":
            continue
        chart = charts[fig["data-chart"]]
        _sv, q = data.question(chart.survey, chart.question)  # type: ignore[arg-type]
        svg = str(fig.select_one("div.chart-image svg"))
        assert legend_labels(svg) == [o.label.ja for o in q.options]
        seen += 1
    assert seen >= 3


def test_time_axis_labels_equal_observation_dates(
    built_example: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    ws = built_example.site.ws
    data = Data(ws)
    charts = {c.id: c for c in ws.charts}
    seen = 0
    for _path, fig in _figures(pages):
        if fig["data-kind"] != "timeseries":
            continue
        chart_id = fig["data-chart"]
        if chart_id in charts:
            indicator, where = charts[chart_id].indicator, charts[chart_id].where
        else:  # a project page's indicator chart
            indicator, where = chart_id.removeprefix("indicator-"), {}
        dates = [p.period.label("dot") for p in data.series(indicator, where)]  # type: ignore[arg-type]
        svg = str(fig.select_one("div.chart-image svg"))
        drawn = axis_labels(svg, "X")
        if len(dates) <= 12:
            assert drawn == dates, chart_id
        else:  # crowded dates: every label drawn is an observation date, in order, none made up
            assert drawn == [d for d in dates if d in drawn], chart_id
            assert drawn[0] == dates[0] and len(drawn) >= len(dates) // 2, chart_id
        seen += 1
    assert seen >= 3


def test_large_count_axes_read_as_japanese_write_them(built_example: core.BuildResult) -> None:
    """Counts in the tens of millions: 0, 2,000万 … 8,000万, 1億 — never 0万 or 10,000万."""
    charts = built_example.site.charts
    assert axis_labels(charts["indicator-card_holders"].svg, "Y") == [
        "0",
        "2,000万",
        "4,000万",
        "6,000万",
        "8,000万",
        "1億",
    ]
    for c in charts.values():
        for label in axis_labels(c.svg, "Y"):
            assert label != "0万" and not label.startswith("10,000万"), (c.id, label)


def test_a_rank_is_drawn_with_first_place_at_the_top(built_example: core.BuildResult) -> None:
    """Japan's UN e-Government rank went from 14th to 13th: the line must rise, not fall, and
    visibly — over the ranks around the data, not from 1st (a flat line along the bottom)."""
    import re
    import xml.etree.ElementTree as ET

    svg = built_example.site.charts["indicator-un_egov_rank"].svg
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    y_of: dict[str, float] = {}
    for g in root.iter(f"{ns}g"):
        if (g.get("aria-label") or "").startswith("Y-axis"):
            for t in g.iter(f"{ns}text"):
                m = re.search(r"translate\(([-\d.]+),([-\d.]+)\)", t.get("transform", ""))
                if m and (t.text or "").isdigit():
                    y_of[t.text or ""] = float(m[2])
    assert {"13", "14"} <= set(y_of), y_of
    assert all(float(k).is_integer() for k in y_of)  # whole ranks only
    assert y_of["13"] < y_of["14"]  # SVG y grows downward: 13th is drawn above 14th
    top, bottom = min(y_of.values()), max(y_of.values())
    # The step from 14th to 13th takes a fifth of the axis at least, and neither rank sits on
    # its ends.
    assert (y_of["14"] - y_of["13"]) >= 0.2 * (bottom - top)
    assert top < y_of["13"] and y_of["14"] < bottom


def test_the_card_series_has_all_46_dates(built_example: core.BuildResult) -> None:
    data = Data(built_example.site.ws)
    national = data.series("card_issued")
    assert len({p.period for p in national}) >= 46
    by_pref = data.breakdown("card_issue_rate", "prefecture", Period.parse("2022-12-31"))
    assert len(by_pref) == 47


def test_every_chart_has_alt_text_table_source_and_csv(
    built_example: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    n = 0
    for path, fig in _figures(pages):
        n += 1
        img = fig.select_one('[role="img"]')
        assert img is not None and len(img["aria-label"]) > 20, (path, fig["data-chart"])
        table = fig.select_one("table")
        assert table is not None and table.caption and table.select("th[scope=col]")
        assert table.select("tbody tr"), (path, fig["data-chart"])
        assert fig.select_one("p.source").get_text(strip=True) != "出典："
        link = fig.select_one("p.download a")
        csv_file = (built_example.out / path).parent / link["href"]
        assert csv_file.read_bytes().startswith("\ufeff".encode())
    assert n >= 8


def test_illustrative_values_are_labelled(
    built_example: core.BuildResult, pages: dict[str, BeautifulSoup]
) -> None:
    site = built_example.site
    assert any(c.illustrative for c in site.charts.values())
    for path, fig in _figures(pages):
        chart = site.charts[fig["data-chart"]]
        if chart.illustrative:
            assert "例示値" in fig.figcaption.get_text(), path
            assert any(
                "例示値" in tr.get_text() for tr in fig.select("tbody tr")
            ) or chart.kind in ("survey",)
            assert pages[path].select_one("aside.illustrative-note"), path
    for path, doc in pages.items():
        for ref in doc.select("span.ref.illustrative"):
            assert ref.select_one(".badge").get_text() == "例示値", path


def test_prose_numbers_come_from_the_data(pages: dict[str, BeautifulSoup]) -> None:
    refs = [r for doc in pages.values() for r in doc.select("span.ref")]
    assert len(refs) >= 5
    holding = [r for r in refs if "card_holding_rate" in r["data-ref"]]
    assert holding, "the example states the card holding rate through a reference"
    assert holding[0].get_text().startswith("75")
    assert not [e for doc in pages.values() for e in doc.select(".ref-error")]


def test_out_dir_not_made_by_nenpo_is_never_deleted(
    tmp_path: Path, built_example: core.BuildResult
) -> None:
    from nenpo.errors import BuildError

    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="not made by nenpo"):
        core.replace_dir(precious, lambda d: [])
    assert (precious / "notes.txt").read_text() == "keep me"


def test_top_page_links_the_pdfs_and_states_the_period(
    pages: dict[str, BeautifulSoup], built_example: core.BuildResult
) -> None:
    home = pages["index.html"]
    assert home.select_one("p.period").get_text() == "対象期間：2023年9月〜2024年8月"
    links = {a["href"]: a.get_text() for a in home.select("ul.downloads a")}
    assert set(links) == {"report.pdf", "deck.pdf"}
    for href in links:
        assert (built_example.out / href).is_file()
    assert "報告書（PDF、" in links["report.pdf"]


def test_chart_specs_are_valid_vega_lite(built_example: core.BuildResult) -> None:
    """Builds write specs as plain dicts, unvalidated (charts/vl.py); here every spec validates
    against Vega-Lite's JSON schema (Altair's, a test dependency)."""
    import altair as alt

    assert built_example.site.charts
    for chart in built_example.site.charts.values():
        cls = alt.LayerChart if "layer" in chart.spec else alt.Chart
        cls.from_dict(chart.spec, validate=True)  # raises on an invalid spec
