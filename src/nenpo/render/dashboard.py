"""The dashboard model → static pages: the index, a page per indicator, embeds, their script.

Lays out `report.dashboard` (no number is computed here): `dashboard/index.html`,
`dashboard/<id>/index.html`, `embed/<id>/index.html`, and `static/vega.js` (Vega and
Vega-Lite from vl-convert), `static/dashboard.js`, `static/dashboard.css`. Every page reads
without JavaScript: the static chart, the full table, the definition and the downloads.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..japan.tiles import COLUMNS, ROWS, TILES
from ..report.dashboard import Dashboard, IndicatorOut
from ..report.dashboard_data import payload
from ..report.site import UI, Site
from .html import TEXT, _env, root_of

TEXT_DASH: dict[str, dict[str, str]] = {
    "ja": {
        "dashboard": "ダッシュボード",
        "intro": "報告書のすべての公表指標を、時点・地域・区分ごとに見て、ダウンロードできます。",
        "search": "指標を検索（日本語名・英語名・ID）",
        "search_hint": "日本語名・英語名・IDの一部を入力すると一覧を絞り込みます。",
        "found": "{n}件の指標",
        "none": "該当する指標はありません。",
        "latest": "最新値",
        "map_badge": "地図あり",
        "chart": "グラフ",
        "map": "地図",
        "table": "表",
        "about": "定義と出典",
        "download": "ダウンロード",
        "views": "表示の切り替え",
        "filters": "表示の条件",
        "from": "期間（から）",
        "to": "期間（まで）",
        "all": "すべて（内訳なし）",
        "all_prefix": "すべて",
        "definition": "定義",
        "unit": "単位",
        "computation": "算出方法",
        "direction": "望ましい方向",
        "higher": "高いほど良い",
        "lower": "低いほど良い",
        "neutral": "どちらでもない",
        "source": "出典",
        "licence": "ライセンス",
        "accessed": "参照日",
        "provenance": "値の種類",
        "real": "公表値（出典の値）",
        "illustrative": "すべて例示値（公表されていない値を例として示したもの）",
        "mixed": "公表値と例示値を含む（例示値は表と図で示しています）",
        "frequency": "更新頻度",
        "not_stated": "記載なし",
        "observations": "観測時点",
        "n_periods": "{n}時点（{a}〜{b}）",
        "targets": "目標",
        "cited_by": "この指標を示している報告書のページ",
        "not_cited": "報告書の本文では引用していません。",
        "projects": "プロジェクト",
        "dl_csv": "CSV（UTF-8、BOM付き）",
        "dl_xlsx": "Excel（XLSX）",
        "dl_json": "JSON",
        "dl_datapackage": "データパッケージ（datapackage.json、全指標）",
        "embed": "埋め込み",
        "embed_help": "次のコードをウェブページに貼ると、"
        "このグラフ（いま選んでいる表示）を埋め込めます。",
        "embed_code": "埋め込みコード",
        "copy": "コードをコピー",
        "copied": "コピーしました。",
        "permalink": "この表示へのリンク",
        "open_full": "ダッシュボードで詳しく見る",
        "one_point": "観測値が1時点のみのため、グラフではなく値を示します。",
        "no_chart": "この指標にはまだ観測値がありません。",
        "illustrative_badge": "例示値",
        "illustrative_some": "例示値を含む",
        "map_caption": "都道府県別",
        "map_help": "都道府県を選ぶと、グラフと表がその都道府県に絞り込まれます。",
        "municipalities": "市区町村",
        "table_caption": "データ表",
        "scroll": "データ表（横にスクロールできます）",
        "total": "全体",
        "breadcrumb": "ダッシュボード",
    },
    "en": {
        "dashboard": "Dashboard",
        "intro": "Every published indicator of the report, by date, place and breakdown, "
        "with its data to download.",
        "search": "Search indicators (Japanese or English name, id)",
        "search_hint": "Type part of a Japanese or English name or an id to narrow the list.",
        "found": "{n} indicators",
        "none": "No indicator matches.",
        "latest": "Latest",
        "map_badge": "map",
        "chart": "Chart",
        "map": "Map",
        "table": "Table",
        "about": "Definition and sources",
        "download": "Download",
        "views": "Views",
        "filters": "What to show",
        "from": "From",
        "to": "To",
        "all": "All (no breakdown)",
        "all_prefix": "All",
        "definition": "Definition",
        "unit": "Unit",
        "computation": "How it is computed",
        "direction": "Better when",
        "higher": "higher",
        "lower": "lower",
        "neutral": "neither",
        "source": "Source",
        "licence": "Licence",
        "accessed": "Accessed",
        "provenance": "Values",
        "real": "published figures (from the source)",
        "illustrative": "all illustrative (examples, not published figures)",
        "mixed": "published figures and illustrative values (marked in the chart and table)",
        "frequency": "Update frequency",
        "not_stated": "not stated",
        "observations": "Observations",
        "n_periods": "{n} dates ({a} – {b})",
        "targets": "Targets",
        "cited_by": "Report pages that show this indicator",
        "not_cited": "The report's text does not cite it.",
        "projects": "Projects",
        "dl_csv": "CSV (UTF-8 with BOM)",
        "dl_xlsx": "Excel (XLSX)",
        "dl_json": "JSON",
        "dl_datapackage": "Data package (datapackage.json, every indicator)",
        "embed": "Embed",
        "embed_help": "Paste this code into a web page to embed this chart (the view chosen now).",
        "embed_code": "Embed code",
        "copy": "Copy the code",
        "copied": "Copied.",
        "permalink": "Link to this view",
        "open_full": "Explore it on the dashboard",
        "one_point": "There is one observation only: its value is shown instead of a chart.",
        "no_chart": "This indicator has no observations yet.",
        "illustrative_badge": "illustrative",
        "illustrative_some": "includes illustrative values",
        "map_caption": "By prefecture",
        "map_help": "Choose a prefecture to narrow the chart and the table to it.",
        "municipalities": "Municipalities",
        "table_caption": "Data table",
        "scroll": "Data table (scrolls sideways)",
        "total": "All",
        "breadcrumb": "Dashboard",
    },
}

# What the page's script says (status lines, labels it builds); the rest is in the HTML.
SCRIPT_TEXT = (
    "all",
    "all_prefix",
    "no_chart",
    "illustrative_badge",
    "map_caption",
    "municipalities",
    "table_caption",
    "copied",
    "total",
)
SCRIPT_WORDS = {
    "ja": {
        "none_for": "この条件に当てはまるデータはありません。",
        "pick_municipality": "市区町村を選ぶと、その推移をグラフで示します。",
        "summary": "{series}：{a}〜{b}の{n}時点。最新値は{v}（{d}）。",
        "no_data": "データなし",
        "date": "時点",
        "value": "値",
        "note": "注記",
        "series": "区分",
        "sort": "で並べ替え",
        "n_munis": "{n}市区町村",
        "some_illustrative": "（例示値を含む）",
        "shown": "{n}件を表示しています。",
    },
    "en": {
        "none_for": "There is no data for this choice.",
        "pick_municipality": "Choose a municipality to chart it over time.",
        "summary": "{series}: {n} dates from {a} to {b}; latest {v} ({d}).",
        "no_data": "no data",
        "date": "Date",
        "value": "Value",
        "note": "Note",
        "series": "Series",
        "sort": ": sort",
        "n_munis": "{n} municipalities",
        "some_illustrative": "(includes illustrative values)",
        "shown": "{n} rows shown.",
    },
}


@dataclass
class DashPage:
    """What the shared header needs to know of a dashboard page."""

    path: str
    title: str
    kind: str
    chapter: None = None


def search_text(ind: IndicatorOut) -> str:
    """What the index's search matches: the id and both names, NFKC-folded and lower-cased."""
    text = " ".join([ind.id, ind.names["ja"], ind.names["en"]])
    return unicodedata.normalize("NFKC", text).casefold()


def _json(data: Any) -> Markup:
    """JSON for a <script type="application/json">, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _render(template: str, site: Site, page: DashPage, **extra: Any) -> str:
    lang = site.lang
    return _env.get_template(template).render(
        site=site,
        page=page,
        ws=site.ws,
        lang=lang,
        t=TEXT[lang],
        ui=UI[lang],
        d=TEXT_DASH[lang],
        root=root_of(page.path),
        **extra,
    )


def _script_text(lang: str) -> dict[str, str]:
    return {**{k: TEXT_DASH[lang][k] for k in SCRIPT_TEXT}, **SCRIPT_WORDS[lang]}


def _tiles(lang: str) -> list[list[Any]]:
    from ..japan.codes import PREFECTURES

    names = {p.code: (p.name if lang == "ja" else p.en) for p in PREFECTURES}
    return [
        [t.code, t.col, t.row, t.short if lang == "ja" else t.abbr, names[t.code]] for t in TILES
    ]


def indicator_payload(ind: IndicatorOut, lang: str, values: bool = False) -> dict[str, Any]:
    """The page's data for its script: the model's payload, the tiles and the words it shows
    (`values`: for an embed, which has no table to read them from)."""
    out = payload(ind, lang, values)
    out["text"] = _script_text(lang)
    if ind.has_map:
        out["tiles"] = _tiles(lang)
        out["grid"] = [COLUMNS, ROWS]
    return out


def render_index(site: Site, dash: Dashboard) -> str:
    page = DashPage(dash.index_path, TEXT_DASH[site.lang]["dashboard"], "dashboard-index")
    return _render("dashboard_index.html", site, page, dash=dash, search_text=search_text)


# What Vega writes on every mark for assistive technology ("date: Jul 31, 2024; …: 94110000"):
# the static chart is hidden from it (the figure's alt text and the table say the data), so in
# the page these are only weight — and raw numbers beside the indicator's format.
_MARK_ARIA = re.compile(r'\s(?:aria-label|aria-roledescription)="[^"]*"|\srole="graphics-[a-z-]*"')


def _quiet(svg: str) -> Markup:
    """A static chart's SVG without its marks' ARIA labels, when the SVG is hidden from
    assistive technology (aria-hidden) as the report's charts are."""
    head = svg[: svg.find(">") + 1]
    return Markup(_MARK_ARIA.sub("", svg) if 'aria-hidden="true"' in head else svg)


def render_indicator(site: Site, ind: IndicatorOut) -> str:
    page = DashPage(ind.path, ind.name, "dashboard-indicator")
    return _render(
        "dashboard_indicator.html",
        site,
        page,
        ind=ind,
        data=_json(indicator_payload(ind, site.lang)),
        svg=_quiet(ind.chart.svg) if ind.chart else None,
        narrow_svg=_quiet(ind.chart.narrow_svg) if ind.chart and ind.chart.narrow_svg else None,
    )


def render_embed(site: Site, ind: IndicatorOut) -> str:
    page = DashPage(ind.embed_path, ind.name, "embed")
    return _render(
        "embed.html",
        site,
        page,
        ind=ind,
        data=_json(indicator_payload(ind, site.lang, values=True)),
        svg=Markup(ind.chart.svg) if ind.chart else None,
        narrow_svg=Markup(ind.chart.narrow_svg) if ind.chart and ind.chart.narrow_svg else None,
    )


def write_dashboard(site: Site, dash: Dashboard, out: Path) -> list[Path]:
    """Write the dashboard's pages and scripts under `out` (the site's folder)."""
    written = []

    def put(rel: str, text: str) -> None:
        f = out / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
        written.append(f)

    put(dash.index_path, render_index(site, dash))
    for ind in dash.indicators:
        put(ind.path, render_indicator(site, ind))
        put(ind.embed_path, render_embed(site, ind))
    put("static/vega.js", dash.bundle.result())
    return written
