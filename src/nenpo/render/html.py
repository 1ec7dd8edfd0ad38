"""The report model → static HTML files, with Jinja2 templates; no number is computed here."""

from __future__ import annotations

import html as html_text
import re
import shutil
from pathlib import Path, PurePosixPath

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..charts import ChartOut
from ..japan.periods import Period
from ..report.site import FIGURE_SLOT, UI, PageOut, Site
from .tabular import csv_bytes

STATIC = Path(__file__).resolve().parent / "static"
ROOT = "@@/"  # placeholder for the page's relative path to the site root, set per page

_env = Environment(
    loader=PackageLoader("nenpo.render", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

TEXT = {
    "ja": {
        "table": "データ表",
        "source": "出典",
        "csv": "CSVダウンロード",
        "licence": "ライセンス",
        "illustrative": "例示値を含む",
        "illustrative_all": "すべて例示値",
        "alt": "図の説明",
        "illustrative_note": "「例示値」と表示した値は公表されていない値を例として示したもので、"
        "実際の数値ではありません。",
        "skip": "本文へ移動",
        "nav": "目次",
        "colon": "：",
        "open": "（",
        "close": "）",
        "sep": "、",
    },
    "en": {
        "table": "Data table",
        "source": "Source",
        "csv": "Download CSV",
        "licence": "Licence",
        "illustrative": "includes illustrative values",
        "illustrative_all": "all values illustrative",
        "alt": "Description",
        "illustrative_note": "Values marked 'illustrative' are examples, not published figures.",
        "skip": "Skip to content",
        "nav": "Contents",
        "colon": ": ",
        "open": " (",
        "close": ")",
        "sep": "; ",
    },
}


def root_of(path: str) -> str:
    """Relative prefix from a page at `path` to the site root: '' or '../'."""
    depth = len(PurePosixPath(path).parts) - 1
    return "../" * depth


def figure_html(chart: ChartOut, lang: str, page_path: str) -> str:
    """A chart as an accessible figure: SVG, alt text, data table, source, CSV link."""
    html = _env.get_template("figure.html").render(
        c=chart,
        t=TEXT[lang],
        lang=lang,
        svg=Markup(chart.svg),
        narrow_svg=Markup(chart.narrow_svg),
    )
    return html


def body_html(page: PageOut, lang: str) -> str:
    """The page's body with each chart the model placed in it laid out as a figure."""
    charts = {c.id: c for c in page.charts}

    def figure(m: re.Match[str]) -> str:
        return figure_html(charts[html_text.unescape(m[1])], lang, page.path)

    return FIGURE_SLOT.sub(figure, page.body)


def render_page(site: Site, page: PageOut) -> str:
    """One page as a complete HTML document."""
    root = root_of(page.path)
    html = _env.get_template("page.html").render(
        site=site,
        page=page,
        ws=site.ws,
        lang=site.lang,
        t=TEXT[site.lang],
        ui=UI[site.lang],
        body=Markup(body_html(page, site.lang)),
        root=root,
        period=_period(site),
    )
    return html.replace(ROOT, root)


def _period(site: Site) -> str:
    """The report period as readers write it: 2023年9月〜2024年8月, September 2023 – August 2024."""
    r = site.ws.report
    start = Period(r.period_start.replace(day=1), "month").label("long", site.lang)
    end = Period(r.period_end.replace(day=1), "month").label("long", site.lang)
    return f"{start}〜{end}" if site.lang == "ja" else f"{start} – {end}"


def write_site(site: Site, out: Path, dashboard: bool = True) -> list[Path]:
    """Write every page, the charts' CSV files and the static assets under `out`, and the
    dashboard's pages unless `dashboard` is False (the preview may have them already)."""
    written = []
    for page in site.pages:
        f = out / page.path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(render_page(site, page), encoding="utf-8")
        written.append(f)
    data_dir = out / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    for chart in site.charts.values():
        f = data_dir / chart.csv_name
        f.write_bytes(csv_bytes(chart.table.csv))
        written.append(f)
    static = out / "static"
    static.mkdir(exist_ok=True)
    for asset in STATIC.iterdir():
        shutil.copy2(asset, static / asset.name)
    if site.dashboard is not None and dashboard:
        from .dashboard import write_dashboard

        written += write_dashboard(site, site.dashboard, out)
    return written
