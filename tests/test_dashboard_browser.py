"""The dashboard in a real browser (Debian's chromium through Playwright) on the built example:
search, filters kept in the URL, tabs by keyboard, the map, the page without JavaScript, axe-core
on every dashboard page (ja and en) and on the English report, and the focus ring's contrast."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nenpo import core
from nenpo.report.dashboard import Dashboard, IndicatorOut

from .test_accessibility import ARGS, AXE, CHROMIUM, axe_in, axe_page, need_browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert not errors, errors


def dash(result: core.BuildResult) -> Dashboard:
    assert isinstance(result.site.dashboard, Dashboard)
    return result.site.dashboard


def open_page(page: Any, result: core.BuildResult, rel: str, query: str = "") -> None:
    page.goto((result.out / rel).as_uri() + query)
    page.wait_for_selector("html[data-ready='1']", timeout=20_000)


def chart_rows(page: Any) -> list[dict[str, Any]]:
    """The rows the interactive chart draws now, read from its Vega view."""
    rows: list[dict[str, Any]] = page.evaluate(
        "() => window.nenpoDashboard.view.data('series')"
        ".map(r => ({date: r.date, value: r.value, kind: r.kind}))"
    )
    return rows


def wait_rows(page: Any, n: int) -> None:
    """Wait until the chart draws `n` rows."""
    page.wait_for_function(f"window.nenpoDashboard.view.data('series').length === {n}")


def series_rows(ind: IndicatorOut, dims: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of one series as the model holds them (the store's values)."""
    s = next(s for s in ind.series if s.dims == dims)
    return [
        {
            "date": p.start.isoformat(),
            "value": v,
            "kind": "例示値" if i in s.illustrative else "実績",
        }
        for i, (p, v) in enumerate(zip(ind.periods, s.values, strict=True))
        if v is not None
    ]


def visible_names(page: Any) -> list[str]:
    names: list[str] = page.eval_on_selector_all(
        "li[data-search-text]",
        "els => els.filter(e => !e.hidden && e.offsetParent)"
        ".map(e => e.querySelector('a').textContent)",
    )
    return names


def test_search_finds_an_indicator_by_its_japanese_and_its_english_name(
    page: Any, built_example: core.BuildResult
) -> None:
    open_page(page, built_example, "dashboard/index.html")
    total = len(visible_names(page))
    assert total == len(built_example.site.ws.indicators)
    page.fill("#dash-q", "交付枚数")
    assert "マイナンバーカード交付枚数" in visible_names(page)
    assert "職員数" not in visible_names(page) and len(visible_names(page)) < total
    page.fill("#dash-q", "My Number Cards issued")
    assert visible_names(page) == ["マイナンバーカード交付枚数"]
    page.fill("#dash-q", "ＣＡＲＤ_ＩＳＳＵＥＤ")  # full-width, as a Japanese keyboard may type it
    assert "マイナンバーカード交付枚数" in visible_names(page)
    assert page.text_content("[data-count]") == f"{len(visible_names(page))}件の指標"
    page.fill("#dash-q", "no such indicator at all")
    assert visible_names(page) == []
    assert page.text_content("[data-count]") == "該当する指標はありません。"


def test_a_filter_changes_the_chart_and_the_url_and_reloading_restores_the_view(
    page: Any, built_example: core.BuildResult
) -> None:
    ind = dash(built_example).indicator("card_issued")
    open_page(page, built_example, ind.path)
    assert chart_rows(page) == series_rows(ind, {})
    page.select_option("#f-prefecture", "13")
    page.wait_for_function("location.search.includes('prefecture=13')")
    tokyo = series_rows(ind, {"prefecture": "13"})
    wait_rows(page, len(tokyo))
    assert chart_rows(page) == tokyo
    assert "東京都" in page.text_content("[data-chart-title]")
    # The time range too.
    page.select_option("#f-from", tokyo[10]["date"])
    page.wait_for_function("location.search.includes('from=')")
    wait_rows(page, len(tokyo) - 10)
    assert chart_rows(page) == tokyo[10:]
    url = page.url
    assert re.search(r"prefecture=13", url) and "from=" + tokyo[10]["date"] in url
    # Reloading the permalink restores the view: the choices and the chart.
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert page.input_value("#f-prefecture") == "13"
    assert page.input_value("#f-from") == tokyo[10]["date"]
    assert chart_rows(page) == tokyo[10:]
    # Back and forward walk the views.
    page.go_back()
    page.wait_for_function("!location.search.includes('from=')")
    wait_rows(page, len(tokyo))
    assert page.input_value("#f-from") == ind.periods[0].key
    page.go_back()
    page.wait_for_function("!location.search.includes('prefecture')")
    wait_rows(page, len(series_rows(ind, {})))
    assert page.input_value("#f-prefecture") == ""
    page.go_forward()
    page.wait_for_function("location.search.includes('prefecture=13')")
    assert page.input_value("#f-prefecture") == "13"


def test_each_tab_works_by_keyboard(page: Any, built_example: core.BuildResult) -> None:
    ind = dash(built_example).indicator("card_issued")
    open_page(page, built_example, ind.path)
    names = page.eval_on_selector_all("[role=tab]", "els => els.map(e => e.dataset.for)")
    assert names == ["chart", "map", "table", "about", "download"]
    page.focus("[role=tab][aria-selected=true]")
    for i, name in enumerate(names):
        state = page.evaluate(
            """() => ({
              focused: document.activeElement.dataset.for,
              selected: [...document.querySelectorAll('[role=tab]')]
                .filter(t => t.getAttribute('aria-selected') === 'true').map(t => t.dataset.for),
              shown: [...document.querySelectorAll('[role=tabpanel]')]
                .filter(p => !p.hidden).map(p => p.id),
              tabindex: [...document.querySelectorAll('[role=tab]')].map(t => t.tabIndex),
            })"""
        )
        assert state["focused"] == name and state["selected"] == [name]
        assert state["shown"] == [f"panel-{name}"]
        assert state["tabindex"] == [0 if j == i else -1 for j in range(len(names))]
        if name != "chart":
            assert f"tab={name}" in page.url
        page.keyboard.press("ArrowRight")
    # Past the last tab, back to the first; End and Home.
    assert page.evaluate("document.activeElement.dataset.for") == "chart"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.dataset.for") == "download"
    page.keyboard.press("ArrowLeft")
    assert page.is_visible("#panel-about") and not page.is_visible("#panel-download")
    page.keyboard.press("Home")
    assert page.is_visible("#panel-chart")
    # Tab moves from the tab list into the panel shown.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "panel-table"
    # The table tab shows a sortable table: sorting by a date orders that date's values.
    head = page.locator("#panel-table thead th", has_text="2022.12.31")
    col = page.eval_on_selector_all("#panel-table thead th", "els => els.map(e => e.textContent)")
    k = col.index("2022.12.31") + 1
    head.locator("button").click()
    head.locator("button").click()
    assert head.get_attribute("aria-sort") == "descending"
    rows = page.eval_on_selector_all(
        "#panel-table tbody tr",
        f"els => els.map(e => [e.children[0].textContent, e.children[{k - 1}].textContent])",
    )
    # The series in the order of their values at that date (the texts are the report's: 9,411万),
    # the rows without a value last.
    at = [p.label("dot", "ja") for p in ind.periods].index("2022.12.31")
    valued = sorted(
        (s for s in ind.series if s.values[at] is not None),
        key=lambda s: -(s.values[at] or 0),
    )
    want = [[s.label, ind.ind.display.number(s.values[at] or 0, "ja")] for s in valued]
    assert rows[: len(want)] == want and len(want) > 40
    assert not any(text for _label, text in rows[len(want) :])


def test_a_map_click_on_a_prefecture_filters_to_it(
    page: Any, built_example: core.BuildResult
) -> None:
    ind = dash(built_example).indicator("card_issued")
    open_page(page, built_example, ind.path, "?tab=map")
    tiles = page.locator("button.tile")
    assert tiles.count() == 47
    label = page.get_attribute("button.tile[data-code='01']", "aria-label")
    hokkaido = series_rows(ind, {"prefecture": "01"})[-1]["value"]
    assert (
        label == f"北海道 {ind.ind.display.value(hokkaido, 'ja')}"
    )  # 289万枚: the report's format
    page.click("button.tile[data-code='27']")
    page.wait_for_function("location.search.includes('prefecture=27')")
    assert page.get_attribute("button.tile[data-code='27']", "aria-pressed") == "true"
    assert page.input_value("#f-prefecture") == "27"
    osaka = series_rows(ind, {"prefecture": "27"})
    wait_rows(page, len(osaka))
    assert chart_rows(page) == osaka
    # By keyboard too: the tiles are buttons.
    page.focus("button.tile[data-code='13']")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('prefecture=13')")
    assert page.input_value("#f-prefecture") == "13"


def test_without_javascript_the_page_has_the_static_chart_and_the_full_table(
    browser: Any, built_example: core.BuildResult
) -> None:
    ind = dash(built_example).indicator("card_issued")
    context = browser.new_context(java_script_enabled=False)
    p = context.new_page()
    p.goto((built_example.out / ind.path).as_uri())
    # The static chart: the wide drawing, or on a narrow screen the narrow one.
    heights = p.eval_on_selector_all(
        "#panel-chart .chart-image svg", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and max(heights) > 100
    assert p.is_visible("#panel-chart .alt-text")
    assert not p.is_visible("[role=tablist]") and not p.is_visible("[data-filters]")
    table = p.locator("#panel-table table")
    assert table.is_visible()
    cells = p.eval_on_selector_all(
        "#panel-table tbody td", "els => els.filter(e => e.textContent).length"
    )
    n_obs = sum(1 for o in built_example.site.ws.observations if o.indicator == "card_issued")
    assert cells == n_obs
    assert p.locator("#panel-table tbody tr").count() == len(ind.series)
    for panel in ("#panel-about", "#panel-download"):
        assert p.is_visible(panel)
    context.close()


@pytest.mark.parametrize("ind_id", ["card_issue_rate", "maina_hokensho_use_rate", "staff_count"])
def test_the_script_prints_every_number_as_the_report_does(
    browser: Any, built_example: core.BuildResult, ind_id: str
) -> None:
    """The table the script draws (with the texts Python printed in the static table: the
    script formats no number) equals the static table, cell for cell."""
    ind = dash(built_example).indicator(ind_id)
    cells = "els => els.map(e => e.textContent)"
    static = browser.new_context(java_script_enabled=False)
    p = static.new_page()
    p.goto((built_example.out / ind.path).as_uri())
    want = p.eval_on_selector_all("#panel-table tbody td", cells)
    static.close()
    live = browser.new_context()
    p = live.new_page()
    open_page(
        p,
        built_example,
        ind.path,
        "?tab=table&" + ind.dims[0].id + "=" if ind.dims else "?tab=table",
    )
    p.wait_for_selector("#panel-table th[aria-sort]")
    got = p.eval_on_selector_all("#panel-table tbody td", cells)
    live.close()
    assert got == want and any(want)


def test_the_embed_shows_the_view_its_address_names(
    page: Any, built_example: core.BuildResult
) -> None:
    ind = dash(built_example).indicator("card_issued")
    open_page(page, built_example, ind.path, "?prefecture=13")
    code = page.input_value("textarea[data-embed-code]")
    src = re.search(r'src="([^"]+)"', code)
    assert src and src.group(1).endswith("/embed/card_issued/?prefecture=13")
    open_page(page, built_example, ind.embed_path, "?prefecture=13")
    assert chart_rows(page) == series_rows(ind, {"prefecture": "13"})
    assert page.get_attribute("[data-full-link]", "href").endswith(
        "dashboard/card_issued/index.html?prefecture=13"
    )
    # A view with illustrative values says so beside the chart (its legend names them too).
    open_page(page, built_example, "embed/staff_count/index.html")
    assert "例示値を含む" in page.text_content("[data-summary]")
    assert "例示値" in page.text_content("[data-chart] svg")


def dashboard_files(result: core.BuildResult) -> list[Path]:
    d = dash(result)
    return [result.out / d.index_path] + [
        result.out / p for i in d.indicators for p in (i.path, i.embed_path)
    ]


def test_every_dashboard_page_passes_axe_ja(browser: Any, built_example: core.BuildResult) -> None:
    failures = axe_in(browser, dashboard_files(built_example), ready=True)
    assert not failures, "\n".join(failures[:40])


def test_every_dashboard_page_passes_axe_en(browser: Any, built_en: core.BuildResult) -> None:
    failures = axe_in(browser, dashboard_files(built_en), ready=True)
    assert not failures, "\n".join(failures[:40])


def test_every_english_report_page_passes_axe(browser: Any, built_en: core.BuildResult) -> None:
    failures = axe_in(browser, [built_en.out / p.path for p in built_en.site.pages])
    assert not failures, "\n".join(failures[:40])


@pytest.mark.parametrize("view", ["?tab=map&prefecture=13", "?tab=table", "?tab=download"])
def test_the_views_the_script_draws_pass_axe(
    page: Any, built_example: core.BuildResult, view: str
) -> None:
    open_page(page, built_example, "dashboard/card_issued/index.html", view)
    if "table" in view:
        page.wait_for_selector("#panel-table th[aria-sort]")
    failures = axe_page(page, AXE.read_text(encoding="utf-8"))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("ind_id", ["card_issued", "staff_count", "org_trust", "card_holders"])
def test_every_tab_reads_on_a_phone(
    browser: Any, built_example: core.BuildResult, ind_id: str
) -> None:
    """At 390 px nothing makes the page scroll sideways (WCAG 1.4.10): wide tables scroll in
    their own region."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    p = context.new_page()
    ind = dash(built_example).indicator(ind_id)
    tabs = (
        ["chart", "map", "table", "about", "download"]
        if ind.has_map
        else ["chart", "table", "about", "download"]
    )
    for tab in tabs:
        open_page(p, built_example, ind.path, f"?tab={tab}")
        assert p.evaluate("document.documentElement.scrollWidth") <= 390, (ind_id, tab)
    context.close()


CONTRAST = """() => {
  const lum = (c) => {
    const m = c.match(/[\\d.]+/g).map(Number);
    const ch = m.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const bg = (e) => {
    for (; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && !/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const el = document.activeElement, s = getComputedStyle(el);
  const ring = lum(s.outlineColor), around = lum(bg(el.parentElement));
  const ratio = (Math.max(ring, around) + 0.05) / (Math.min(ring, around) + 0.05);
  return {tag: el.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth), ratio};
}"""


@pytest.mark.parametrize(
    "rel", ["index.html", "dashboard/index.html", "dashboard/card_issued/index.html?tab=map"]
)
def test_the_focus_ring_has_3_to_1_contrast(
    page: Any, built_example: core.BuildResult, rel: str
) -> None:
    """Every element reached by Tab draws a ring of at least 2 px whose colour has at least
    3:1 contrast with what lies around the element (WCAG 2.2 focus appearance)."""
    path, _, query = rel.partition("?")
    if path.startswith("dashboard/"):
        open_page(page, built_example, path, "?" + query if query else "")
    else:
        page.goto((built_example.out / path).as_uri())
    seen = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        ring = page.evaluate(CONTRAST)
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert ring["ratio"] >= 3, ring
        seen += 1
    assert seen >= 10
