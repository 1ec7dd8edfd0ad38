"""The dashboard's model and pages, read as HTML and JSON (the browser tests are in
test_dashboard_browser.py)."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from bs4 import BeautifulSoup

from nenpo import core
from nenpo.charts import make_chart
from nenpo.charts.interactive import open_spec
from nenpo.charts.svg import axis_labels, legend_labels, texts, to_svg
from nenpo.japan.tiles import COLUMNS, ROWS, TILES
from nenpo.model.workspace import Chart
from nenpo.report.dashboard import Dashboard

from .conftest import soup


def dash_of(result: core.BuildResult) -> Dashboard:
    assert isinstance(result.site.dashboard, Dashboard)
    return result.site.dashboard


def page_data(path: Path) -> dict:
    node = soup(path).select_one("script#dash-data")
    assert node is not None
    return json.loads(node.string or "")


def test_every_public_indicator_has_a_page_an_embed_and_an_entry(
    built_example: core.BuildResult,
) -> None:
    out, ws = built_example.out, built_example.site.ws
    index = soup(out / "dashboard" / "index.html")
    listed = {a["href"] for a in index.select("ul.indicator-list a")}
    for ind in ws.indicators:
        assert f"../dashboard/{ind.id}/index.html" in listed, ind.id
        page = soup(out / "dashboard" / ind.id / "index.html")
        assert page.h1 and page.h1.get_text(strip=True) == ind.name.ja
        embed = soup(out / "embed" / ind.id / "index.html")
        assert embed.select_one("h1").get_text(strip=True) == ind.name.ja
    # Grouped by focus area, then project, in the report's order; the rest under its own heading.
    groups = [h.get_text(strip=True) for h in index.select("section.dash-group > h2")]
    assert groups[: len(ws.focus_areas)] == [fa.name.ja for fa in ws.focus_areas]
    assert groups[-1] == "その他の指標"
    # Every page's header links to the dashboard; the report's pages too.
    home = soup(out / "index.html")
    assert home.select_one('header nav a[href="dashboard/index.html"]')


def test_the_search_text_holds_both_names_and_the_id(built_example: core.BuildResult) -> None:
    index = soup(built_example.out / "dashboard" / "index.html")
    item = next(
        li
        for li in index.select("li[data-search-text]")
        if li.a["href"].endswith("/card_issued/index.html")
    )
    text = item["data-search-text"]
    assert "card_issued" in text and "マイナンバーカード交付枚数" in text
    assert "my number cards issued" in text  # folded: the search ignores case and width


@dataclass
class Td:
    text: str = ""
    v: str | None = None


@dataclass
class Table:
    """The full table as a browser reads it: its rows and cells leave out their optional end
    tags, which BeautifulSoup's html.parser would nest (HTML's implied end tags, here)."""

    layout: str = ""
    head: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[Td]]] = field(default_factory=list)


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.table = Table()
        self.where = ""  # thead | tbody
        self.cell: Td | None = None
        self.inside = False
        self.row_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and self.table.layout == "" and not self.inside:
            self.inside, self.table.layout = True, a.get("data-layout") or ""
        elif not self.inside:
            return
        elif tag in ("thead", "tbody"):
            self.where = tag
        elif tag == "tr" and self.where == "tbody":
            self.table.rows.append(("", []))
            self.cell = None
        elif tag in ("th", "td"):
            self.cell = Td(v=a.get("data-v"))
            self.row_head = tag == "th" and self.where == "tbody"
            if self.where == "thead":
                self.table.head.append("")
            elif tag == "td":
                self.table.rows[-1][1].append(self.cell)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.inside:
            self.inside = False
            self.where = "done"
        elif tag in ("th", "td", "tr", "thead", "tbody"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if not self.inside or self.cell is None:
            return
        self.cell.text += data
        if self.where == "thead":
            self.table.head[-1] += data
        elif self.row_head:
            head, cells = self.table.rows[-1]
            self.table.rows[-1] = (head + data, cells)


def full_table(path: Path) -> Table:
    """The page's full table (#panel-table: the page's first table)."""
    reader = _TableReader()
    reader.feed(path.read_text(encoding="utf-8"))
    assert reader.table.rows, path
    return reader.table


def table_values(path: Path, data: dict) -> list[list[float | None]]:
    """The values of each series as the page's script reads them from the full table: a cell's
    `data-v`, else its text without separators (and without an illustrative mark)."""
    table = full_table(path)
    periods = data["periods"]

    def value(td: Td) -> float | None:
        text = re.sub(r" \((例示値|illustrative)\)$", "", td.text)
        if not text:
            return None
        return float(td.v or text.replace(",", ""))

    if table.layout == "long":
        at = {label: i for i, label in enumerate(data["labels"])}
        one: list[float | None] = [None] * len(periods)
        for head, cells in table.rows:
            one[at[head]] = value(cells[0])
        return [one]
    return [[value(td) for td in cells] for _head, cells in table.rows]


def test_the_page_data_equals_the_store(built_example: core.BuildResult) -> None:
    """Every value the page's script charts and tabulates is the observation's own: read from
    the page's full table (its one copy of the data), and from an embed's data."""
    ws = built_example.site.ws
    for ind_id, kind in itertools.product(
        ("card_issued", "staff_count", "org_trust", "un_egov_rank", "card_applications"),
        ("dashboard", "embed"),
    ):
        path = built_example.out / kind / ind_id / "index.html"
        data = page_data(path)
        dims = [d["id"] for d in data["dims"] if not d["derived"]]
        if kind == "dashboard":
            assert all(s[1] is None for s in data["series"])  # not a second copy of the table
            columns = table_values(path, data)
        else:
            columns = [s[1] for s in data["series"]]
        got = {}
        for (codes, _none, ill, *_texts), values in zip(data["series"], columns, strict=True):
            key = tuple(sorted((d, c) for d, c in zip(dims, codes, strict=True) if c is not None))
            for i, v in enumerate(values):
                if v is not None:
                    got[(data["periods"][i], key)] = (v, ill is None or i in ill)
        want = {}
        ind = next(i for i in ws.indicators if i.id == ind_id)
        for o in ws.observations:
            if o.indicator == ind_id:
                prov = (o.provenance or ind.provenance) == "illustrative"
                want[(o.period, tuple(sorted(o.dims.items())))] = (o.value, prov)
        assert got == want, (ind_id, kind)


def test_the_full_table_prints_every_value(built_example: core.BuildResult) -> None:
    """Without JavaScript the table is the data: one cell per observation, as the report
    formats it."""
    dash = dash_of(built_example)
    ind = dash.indicator("card_issued")
    table = full_table(built_example.out / ind.path)
    assert table.layout == "wide"
    assert len(table.rows) == len(ind.series)
    assert [head for head, _ in table.rows] == [s.label for s in ind.series]
    assert table.head[1:] == [p.label("dot", "ja") for p in ind.periods]
    cells = [[td.text for td in tds] for _head, tds in table.rows]
    filled = sum(1 for r in cells for c in r if c)
    n_obs = sum(1 for o in built_example.site.ws.observations if o.indicator == "card_issued")
    assert filled == n_obs
    total = next(r for r, s in zip(cells, ind.series, strict=True) if not s.dims)
    last = ind.series[[s.dims for s in ind.series].index({})].values[-1] or 0
    assert total[-1] == ind.ind.display.number(last, "ja") == "9,411万"
    # A one-series indicator: a row per date.
    assert full_table(built_example.out / "dashboard" / "card_holders" / "index.html").layout == (
        "long"
    )


def test_the_interactive_spec_draws_what_the_static_chart_draws(
    built_example: core.BuildResult,
) -> None:
    """The dashboard's spec is the report's own, opened up: drawn with the static chart's rows
    it shows the same values, axis labels (fewer where they would overlap) and legend."""
    dash = dash_of(built_example)
    for ind_id in ("card_issued", "org_trust", "staff_count"):
        ind = dash.indicator(ind_id)
        assert ind.chart is not None and ind.spec is not None
        spec = json.loads(json.dumps(ind.spec))
        spec["width"] = 560
        svg = to_svg(spec, "Noto Sans CJK JP")
        static = ind.chart.svg
        assert axis_labels(svg, "Y") == axis_labels(static, "Y"), ind_id
        drawn = [t for t in axis_labels(svg, "X") if t]
        assert drawn and set(drawn) <= set(ind.chart.axis_labels), ind_id
        assert legend_labels(svg) == legend_labels(static), ind_id
        # Every other text (the value axis's title, the legend) is drawn the same.
        others = set(texts(static)) - set(ind.chart.axis_labels)
        assert others and others <= set(texts(svg)), ind_id


def test_an_illustrative_value_is_never_drawn_as_a_real_one() -> None:
    """A series the static chart did not show may hold illustrative values: the opened spec's
    kinds know both, so the page draws them as illustrative (red diamonds, in the legend)."""
    from nenpo.ingest.workspace import read_workspace
    from nenpo.lookups.data import Data
    from nenpo.settings import bundled_example

    ws = read_workspace(bundled_example()).workspace
    data = Data(ws)
    real = make_chart(Chart(id="c", kind="timeseries", indicator="card_holders"), data)
    assert legend_labels(real.svg) == []
    opened = open_spec(real.spec, [], "ja", real=True, illustrative=True)
    rows = opened["datasets"]["series"]
    rows[-1]["kind"] = "例示値"
    svg = to_svg(opened | {"width": 560}, "Noto Sans CJK JP")
    assert legend_labels(svg) == ["実績", "例示値"]
    assert "#D81B1B" in svg.upper()
    # An indicator whose every value is real keeps the static chart's look: no legend.
    plain = to_svg(open_spec(real.spec, [], "ja", True, False) | {"width": 560}, "Noto Sans CJK JP")
    assert legend_labels(plain) == []


def test_definition_sources_and_citing_pages(built_example: core.BuildResult) -> None:
    page = soup(built_example.out / "dashboard" / "card_issued" / "index.html")
    about = page.select_one("#panel-about dl")
    terms = [dt.get_text(strip=True) for dt in about.select("dt")]
    for term in (
        "定義",
        "単位",
        "算出方法",
        "出典",
        "ライセンス",
        "値の種類",
        "更新頻度",
        "観測時点",
    ):
        assert term in terms
    text = about.get_text()
    assert "MIT" in text and "総務省" in text and "47時点" in text
    cited = [a["href"] for a in about.select("dt:-soup-contains('報告書のページ') + dd a")]
    assert cited and all(href.startswith("../../") for href in cited)
    for href in cited:  # each named page shows the indicator
        target = (built_example.out / "dashboard" / "card_issued" / href).resolve()
        assert target.is_file()


def test_downloads_link_the_open_data_files(built_example: core.BuildResult) -> None:
    """The agreed paths of the open-data files (written by the open-data stage)."""
    page = soup(built_example.out / "dashboard" / "card_issued" / "index.html")
    links = {a["data-kind"]: a["href"] for a in page.select("#panel-download a[data-kind]")}
    assert links == {
        "csv": "../../data/indicators/card_issued.csv",
        "xlsx": "../../data/indicators/card_issued.xlsx",
        "json": "../../data/indicators/card_issued.json",
        "datapackage": "../../data/datapackage.json",
    }
    code = page.select_one("textarea[data-embed-code]").get_text()
    frame = BeautifulSoup(code, "html.parser").iframe
    assert (
        frame["src"] == "../../embed/card_issued/"
        and frame["title"] == "マイナンバーカード交付枚数"
    )


def test_illustrative_values_are_labelled(built_example: core.BuildResult) -> None:
    out = built_example.out
    org = soup(out / "dashboard" / "org_trust" / "index.html")  # every value illustrative
    assert org.select_one(".illustrative-note .badge").get_text() == "例示値"
    assert "すべて例示値" in org.select_one("#panel-table").get_text()
    assert org.select_one("figure .badge").get_text() == "例示値"
    embed = soup(out / "embed" / "org_trust" / "index.html")
    assert embed.select_one(".badge").get_text() == "例示値"
    index = soup(out / "dashboard" / "index.html")
    item = next(li for li in index.select("li") if "org_trust/" in li.a["href"])
    assert item.select_one(".badge").get_text() == "例示値"
    real = soup(out / "dashboard" / "card_issued" / "index.html")
    assert real.select_one(".illustrative-note") is None


def test_english_dashboard(built_en: core.BuildResult) -> None:
    out = built_en.out
    index = soup(out / "dashboard" / "index.html")
    assert index.html["lang"] == "en" and index.h1.get_text() == "Dashboard"
    page = soup(out / "dashboard" / "card_issued" / "index.html")
    assert page.h1.get_text() == "My Number Cards issued"
    assert [t.get_text() for t in page.select(".panel-title")] == [
        "Chart",
        "Map",
        "Table",
        "Definition and sources",
        "Download",
    ]
    data = page_data(out / "dashboard" / "card_issued" / "index.html")
    assert data["lang"] == "en" and data["tiles"][12][3] == "TKY"


def test_the_tile_map_places_every_prefecture_once() -> None:
    assert [t.code for t in TILES] == [f"{i:02d}" for i in range(1, 48)]
    assert len({(t.col, t.row) for t in TILES}) == 47
    assert all(0 <= t.col < COLUMNS and 0 <= t.row < ROWS for t in TILES)
    assert len({t.abbr for t in TILES}) == 47
    # North up, east right: Hokkaido above and east of Okinawa; Tokyo east of Osaka.
    by = {t.short: t for t in TILES}
    assert by["北海道"].row < by["東京"].row < by["沖縄"].row
    assert by["大阪"].col < by["東京"].col


def test_the_dashboard_reads_municipal_imports(tmp_path: Path) -> None:
    """An imported municipal table: a filter by municipality, drilled down from its prefecture
    (the first two digits of its 団体コード), and the map."""
    from nenpo.store import open_store

    from .municipal import make_municipal_workspace, reference, write_municipal_csv

    ws_dir = make_municipal_workspace(tmp_path / "ws")
    places = [p for p in reference() if p[0][:2] in ("13", "27")][:40]
    table = write_municipal_csv(tmp_path / "m.csv", places, "jis6 text")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "period: {column: 算出基準日}\n"
        "dimensions:\n  municipality: 団体コード\n"
        "values:\n  card_issued: 交付枚数\n"
        "provenance: illustrative\nsource: mic\n",
        encoding="utf-8",
    )
    store = open_store(f"sqlite:///{tmp_path / 'n.db'}")
    core.load(ws_dir, store)
    core.import_file(store, table, mapping)
    result = core.build(store, tmp_path / "site", pdf=False)
    ind = dash_of(result).indicator("card_issued")
    assert ind.municipal and ind.has_map
    pref = next(d for d in ind.dims if d.id == "prefecture")
    assert pref.derived and [c for c, _ in pref.values] == sorted({p[0][:2] for p in places})
    data = page_data(result.out / ind.path)
    assert len(data["series"]) == len(places) and len(data["periods"]) == 3
    page = soup(result.out / ind.path)
    assert len(full_table(result.out / ind.path).rows) == len(places)
    assert page.select_one("#panel-map") is not None


def test_no_page_prints_a_python_object(
    built_example: core.BuildResult, built_en: core.BuildResult
) -> None:
    """A template that names a dict's key as an attribute ({{ d.copy }}) prints the method
    instead, with an address that changes from build to build: no page may hold one."""
    pattern = re.compile(r"<(?:built-in|bound) method|object at 0x[0-9a-f]+|&lt;built-in")
    for out in (built_example.out, built_en.out):
        for page in out.rglob("*.html"):
            found = pattern.search(page.read_text(encoding="utf-8"))
            assert found is None, f"{page.relative_to(out)}: {found.group(0) if found else ''}"
