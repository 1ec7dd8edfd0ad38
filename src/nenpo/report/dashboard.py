"""The public dashboard's model (ダッシュボード): every public indicator, by time and place.

Built from the site model: the same public workspace (no portfolio), the same data lookups and
the charts the report already drew. For each indicator it decides the series (one per
combination of dimension values), the dimensions a reader can filter by, the default view
(the series the static chart shows), the full table, the definition and sources, the report
pages that cite it and the downloads; `render.dashboard` only lays this out (docs/dashboard.md).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from ..charts import ChartOut, make_chart
from ..charts import bundle as js_bundle
from ..charts.interactive import open_spec
from ..japan.periods import Period
from ..lookups.data import Data, Point
from ..model.workspace import Chart, Indicator, Source
from .dashboard_data import SeriesOut, TableOut, full_table
from .site import Link, Site

# Where the open data files of each indicator are written (the open-data stage writes them).
DOWNLOADS = ("csv", "xlsx", "json")
DATAPACKAGE = "data/datapackage.json"
INDEX = "dashboard/index.html"

WORDS = {
    "ja": {"total": "全体", "other": "その他の指標", "sep": "・"},
    "en": {"total": "All", "other": "Other indicators", "sep": ", "},
}


@dataclass
class DimOut:
    """A dimension a reader can filter by: its values that have data, in the dimension's order.

    `derived`: the prefecture of municipal data, read from the first two digits of a 団体コード
    (the data has no prefecture of its own)."""

    id: str
    name: str
    values: list[tuple[str, str]]
    derived: bool = False


@dataclass
class IndicatorOut:
    """Everything one indicator's page shows."""

    id: str
    name: str
    names: dict[str, str]  # ja and en, for the search
    ind: Indicator
    path: str
    embed_path: str
    unit: str
    periods: list[Period]
    dims: list[DimOut]
    series: list[SeriesOut]
    default: int
    chart: ChartOut | None
    spec: dict[str, Any] | None  # the interactive Vega-Lite spec (the static chart's, opened)
    vega: dict[str, Any] | None  # the same compiled to Vega, without its rows: what the page draws
    sources: list[Source]
    licence: str | None
    provenance: str  # real | illustrative | mixed
    cited_by: list[Link]
    projects: list[Link]
    latest: str
    targets: list[tuple[str, bool]]
    table: TableOut
    downloads: list[tuple[str, str]]  # (kind, path from the site root)

    @property
    def illustrative(self) -> bool:
        return self.provenance != "real"

    @property
    def has_map(self) -> bool:
        return any(d.id in ("prefecture", "municipality") for d in self.dims)

    @property
    def municipal(self) -> bool:
        return any(d.id == "municipality" for d in self.dims)


@dataclass
class GroupOut:
    """A heading of the index: a focus area (or the indicators no project names), its projects."""

    title: str
    path: str | None
    projects: list[tuple[Link | None, list[IndicatorOut]]]


@dataclass
class Dashboard:
    lang: str
    groups: list[GroupOut]
    indicators: list[IndicatorOut]
    bundle: Future[str]
    index_path: str = INDEX

    def indicator(self, ident: str) -> IndicatorOut:
        return next(i for i in self.indicators if i.id == ident)


def build_dashboard(site: Site, font: str, cache: str = "") -> Dashboard:
    """The dashboard of a built site model (its public workspace and data lookups); `cache`:
    the folder for the Vega bundle (NENPO_CACHE_DIR)."""
    bundle = js_bundle.start(cache)  # seconds of bundling, beside the rest of the build
    ws, lang = site.ws, site.lang
    data = site.data or Data(ws)
    cited: dict[str, list[Link]] = {}
    for page in site.pages:
        for ind_id in sorted(page.cites):
            cited.setdefault(ind_id, []).append(Link(page.title, page.path))
    by_project: dict[str, list[Link]] = {}
    for p, _parent in ws.all_projects():
        for ind_id in p.indicators:
            by_project.setdefault(ind_id, []).append(
                Link(p.name.get(lang), f"projects/{p.id}.html")
            )
    labels = _Labels(data, lang)
    indicators = {
        ind.id: _indicator(site, data, labels, ind, font, cited, by_project, cache)
        for ind in ws.indicators
    }
    return Dashboard(lang, _groups(site, indicators), list(indicators.values()), bundle)


class _Labels:
    """Dimension labels by code, built once (the municipality dimension has 1,912 values)."""

    def __init__(self, data: Data, lang: str):
        self.data, self.lang = data, lang
        self._by_dim: dict[str, dict[str, str]] = {}

    def __call__(self, dim: str, code: str) -> str:
        table = self._by_dim.get(dim)
        if table is None:
            values = self.data.dimensions[dim].values if dim in self.data.dimensions else []
            table = self._by_dim[dim] = {v.code: v.label.get(self.lang) for v in values}
        return table.get(code, code)

    def order(self, dim: str) -> dict[str, int]:
        values = self.data.dimensions[dim].values if dim in self.data.dimensions else []
        return {v.code: i for i, v in enumerate(values)}


def _indicator(
    site: Site,
    data: Data,
    labels: _Labels,
    ind: Indicator,
    font: str,
    cited: dict[str, list[Link]],
    by_project: dict[str, list[Link]],
    cache: str = "",
) -> IndicatorOut:
    lang = site.lang
    words = WORDS[lang]
    keyed = [(dims, pts) for dims, pts in data.keyed_series(ind.id) if pts]
    dim_ids = _dim_order(ind, keyed)
    orders = {d: labels.order(d) for d in dim_ids}
    keyed.sort(key=lambda kp: (len(kp[0]), [orders[d].get(kp[0].get(d, ""), -1) for d in dim_ids]))
    periods = sorted({p.period for _, pts in keyed for p in pts})
    at = {p: i for i, p in enumerate(periods)}
    series = []
    for key, pts in keyed:
        values: list[float | None] = [None] * len(periods)
        ill = []
        for p in pts:
            values[at[p.period]] = p.value
            if p.illustrative:
                ill.append(at[p.period])
        label = words["sep"].join(labels(d, key[d]) for d in dim_ids if d in key)
        series.append(SeriesOut(key, label or words["total"], values, ill))
    default = next((i for i, (_, pts) in enumerate(keyed) if len(pts) >= 2), 0)
    dims = _dims(keyed, dim_ids, labels, data, lang)
    all_points = [p for _, pts in keyed for p in pts]
    n_ill = sum(p.illustrative for p in all_points)
    provenance = "real" if not n_ill else "illustrative" if n_ill == len(all_points) else "mixed"
    chart = spec = vega = None
    if keyed and len(keyed[default][1]) >= 2:
        chart = _static_chart(site, data, ind, keyed[default][0], font)
        spec = open_spec(chart.spec, periods, lang, n_ill < len(all_points), n_ill > 0)
        vega = js_bundle.to_vega(_without_rows(spec), cache)
    unit = ind.unit_in(lang)
    latest = ""
    if keyed:
        last = keyed[default][1][-1]
        latest = f"{_value(last.value, ind, lang)}（{last.period.label('long', lang)}）"
        if lang == "en":
            latest = f"{_value(last.value, ind, lang)} ({last.period.label('long', lang)})"
    return IndicatorOut(
        id=ind.id,
        name=ind.name.get(lang),
        names={"ja": ind.name.ja, "en": ind.name.get("en")},
        ind=ind,
        path=f"dashboard/{ind.id}/index.html",
        embed_path=f"embed/{ind.id}/index.html",
        unit=unit,
        periods=periods,
        dims=dims,
        series=series,
        default=default,
        chart=chart,
        spec=spec,
        vega=vega,
        sources=_sources(data, ind, all_points),
        licence=ind.licence or _source_licence(data, ind.source),
        provenance=provenance,
        cited_by=cited.get(ind.id, []),
        projects=by_project.get(ind.id, []),
        latest=latest,
        targets=[
            (
                f"{_value(t.value, ind, lang)}（{Period.parse(t.date).label('long', lang)}）"
                if lang == "ja"
                else f"{_value(t.value, ind, lang)} ({Period.parse(t.date).label('long', lang)})",
                t.provenance == "illustrative",
            )
            for t in ind.targets
        ],
        table=full_table(ind, series, periods, provenance, lang),
        downloads=[(k, f"data/indicators/{ind.id}.{k}") for k in DOWNLOADS]
        + [("datapackage", DATAPACKAGE)],
    )


def _without_rows(spec: dict[str, Any]) -> dict[str, Any]:
    """The interactive spec without the rows and dates the page sets when it draws (so that
    the page carries its data once, and specs that differ only in data compile once)."""
    out = dict(spec)
    out["datasets"] = {name: [] for name in spec.get("datasets", {})}
    out["params"] = [
        {**p, "value": []} if p.get("name") == "ticks" else p for p in spec.get("params", [])
    ]
    return out


def _dim_order(ind: Indicator, keyed: list[tuple[dict[str, str], list[Point]]]) -> list[str]:
    """The dimensions the series use: the indicator's declared order, then any others."""
    used = {d for dims, _ in keyed for d in dims}
    return [d for d in ind.dimensions if d in used] + sorted(used - set(ind.dimensions))


def _dims(
    keyed: list[tuple[dict[str, str], list[Point]]],
    dim_ids: list[str],
    labels: _Labels,
    data: Data,
    lang: str,
) -> list[DimOut]:
    out = []
    for d in dim_ids:
        codes = {dims[d] for dims, _ in keyed if d in dims}
        order = labels.order(d)
        ordered = sorted(codes, key=lambda c: (order.get(c, len(order)), c))
        name = data.dimensions[d].name.get(lang) if d in data.dimensions else d
        out.append(DimOut(d, name, [(c, labels(d, c)) for c in ordered]))
    if "municipality" in dim_ids and "prefecture" not in dim_ids:
        # Municipal data is drilled down from its prefecture (the code's first two digits).
        prefs = {dims["municipality"][:2] for dims, _ in keyed if "municipality" in dims}
        pref = data.dimensions["prefecture"]
        values = [(v.code, v.label.get(lang)) for v in pref.values if v.code in prefs]
        out.insert(0, DimOut("prefecture", pref.name.get(lang), values, derived=True))
    return out


def _static_chart(
    site: Site, data: Data, ind: Indicator, dims: dict[str, str], font: str
) -> ChartOut:
    """The report's own chart of this series when it drew one; else one drawn the same way."""
    if not dims and f"indicator-{ind.id}" in site.charts:
        return site.charts[f"indicator-{ind.id}"]
    for c in site.ws.charts:
        same = c.kind == "timeseries" and c.indicator == ind.id and c.where == dims
        if same and c.id in site.charts:
            return site.charts[c.id]
    chart = Chart(id=f"dashboard-{ind.id}", kind="timeseries", indicator=ind.id, where=dims)
    return make_chart(chart, data, site.lang, font)


def _value(v: float, ind: Indicator, lang: str) -> str:
    return ind.display.value(v, lang)


def _sources(data: Data, ind: Indicator, points: list[Point]) -> list[Source]:
    out: list[Source] = []
    for ident in [ind.source, *(p.source for p in points)]:
        s = data.source_of(ident)
        if s and s not in out:
            out.append(s)
    return out


def _source_licence(data: Data, ident: str) -> str | None:
    s = data.source_of(ident)
    return s.licence if s else None


def _groups(site: Site, indicators: dict[str, IndicatorOut]) -> list[GroupOut]:
    """Focus area → project → indicators, in the report's order; then those no project names."""
    ws, lang = site.ws, site.lang
    chapter = next((c for c in ws.chapters if c.kind == "focus_areas"), None)
    groups = []
    listed: set[str] = set()
    for fa in ws.focus_areas:
        projects: list[tuple[Link | None, list[IndicatorOut]]] = []
        for p, _parent in ws.all_projects():
            root = _root_of(ws, p.id)
            if (root.focus_area if root else p.focus_area) != fa.id:
                continue
            inds = [indicators[i] for i in p.indicators if i in indicators]
            if inds:
                projects.append((Link(p.name.get(lang), f"projects/{p.id}.html"), inds))
                listed.update(i.id for i in inds)
        if projects:
            path = f"{chapter.id}/{fa.id}.html" if chapter else None
            groups.append(GroupOut(fa.name.get(lang), path, projects))
    rest = [i for i in indicators.values() if i.id not in listed]
    if rest:
        groups.append(GroupOut(WORDS[lang]["other"], None, [(None, rest)]))
    return groups


def _root_of(ws: Any, project_id: str) -> Any:
    for p, parent in ws.all_projects():
        if p.id == project_id:
            return _root_of(ws, parent.id) if parent else p
    return None
