"""The report's open data (オープンデータ): every public figure as tables, and what describes them.

The `model` stage of the open data: which tables are published, their columns and rows, the
licences and sources of each, and the citation — decided here from the public workspace (no
portfolio: risk, staffing and budget detail never reach it) and written as CSV, XLSX, JSON, a
Frictionless Data Package, a DCAT catalogue and a README by `render/opendata.py`.

    data/nenpo.csv                 every observation of every indicator (long: one row a value)
    data/indicators/<id>.csv       one indicator's observations
    data/surveys/<id>.csv          one survey's shares per question, wave and option
    data/indicators.csv            the indicators: names, units, sources, licences
    data/sources.csv               the sources: title, publisher, address, licence

Every row says whether its value is illustrative (例示値: not a published figure).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..errors import BuildError
from ..japan.periods import Period
from ..model.builtin import builtin_dimensions
from ..model.workspace import Dimension, Indicator, Source, Workspace
from ..store.db import workspace_hash
from .opendata_tables import (
    Cell,
    Column,
    EditionRef,
    Licence,
    OpenData,
    Row,
    Table,
    catalogue,
    licence_of,
    number_of,
    source_table,
    survey_table,
    unique,
)
from .opendata_words import COLUMNS, TEXT

__all__ = ["Cell", "Column", "EditionRef", "Licence", "OpenData", "Table", "build_opendata"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "nenpo"


def build_opendata(
    ws: Workspace,
    lang: str = "ja",
    edition: EditionRef | None = None,
    site_url: str | None = None,
) -> OpenData:
    """The open data of a public workspace (one without its portfolio: core.build hands it)."""
    if ws.portfolio is not None:  # never: public outputs are built from public_workspace(ws)
        raise BuildError("the open data is built from the public workspace only")
    sources = {s.id: s for s in ws.sources}
    dims = {d.id: d for d in [*builtin_dimensions(), *ws.dimensions]}
    used_by: dict[str, list[str]] = {}  # indicator → the projects that cite it (keywords)
    for p, _parent in ws.all_projects():
        for ident in p.indicators:
            used_by.setdefault(ident, []).append(p.name.get(lang))
    title = ws.report.title.get(lang)

    by_indicator: dict[str, list[Row]] = {i.id: [] for i in ws.indicators}
    indicators = {i.id: i for i in ws.indicators}
    for o in ws.observations:
        ind = indicators[o.indicator]
        by_indicator[o.indicator].append(
            (
                o.indicator,
                Period.parse(o.period),
                o.dims,
                o.value,
                o.source or ind.source,
                (o.provenance or ind.provenance) == "illustrative",
            )
        )
    used_sources: dict[str, Source] = {}
    tables = []
    every: list[Row] = []
    positions: dict[str, dict[str, int]] = {}
    for ind in ws.indicators:
        obs = by_indicator[ind.id]
        obs.sort(key=_row_order(ind, dims, positions))
        every.extend(obs)
        t = _observation_table(
            f"indicator-{ind.id}",
            f"indicators/{ind.id}",
            ind.name.get(lang),
            TEXT[lang]["ind_desc"].format(name=ind.name.get(lang), unit=ind.unit_in(lang))
            + (f" {ind.description.get(lang)}" if ind.description else ""),
            obs,
            _dims_of(obs, [ind], dims),
            indicators,
            sources,
            dims,
            lang,
        )
        t.identifier = ind.id
        t.keywords = used_by.get(ind.id, [])
        tables.append(t)
        used_sources.update({s.id: s for s in t.sources})
        used_sources.setdefault(ind.source, sources[ind.source])
    whole = _observation_table(
        "nenpo",
        "nenpo",
        TEXT[lang]["whole"].format(title=title),
        TEXT[lang]["whole_desc"].format(title=title),
        every,
        _dims_of(every, ws.indicators, dims),
        indicators,
        sources,
        dims,
        lang,
    )
    whole.foreign_keys = [("indicator", "indicators", "id"), ("source", "sources", "id")]
    surveys = [survey_table(sv, sources, lang) for sv in ws.surveys]
    for t in surveys:
        used_sources.update({s.id: s for s in t.sources})
    src_list = [s for s in ws.sources if s.id in used_sources]
    licences = unique(lic for t in [whole, *surveys] for lic in t.licences)
    url = site_url.rstrip("/") + "/" if site_url else None
    if url and edition:
        url += f"editions/{edition.id}/"
    en_title = ws.report.title.en or ws.report.title.ja
    return OpenData(
        lang=lang,
        name=_slug(en_title),
        title=ws.report.title,
        description=ws.report.summary,
        publisher=ws.organisation.name,
        publisher_url=ws.organisation.url,
        edition=edition,
        version=edition.id if edition else f"build-{workspace_hash(ws)[:12]}",
        url=url,
        period=(ws.report.period_start.isoformat(), ws.report.period_end.isoformat()),
        whole=whole,
        indicators=tables,
        surveys=surveys,
        catalogue=catalogue(ws, sources, lang),
        source_list=source_table(src_list, lang),
        sources=src_list,
        licences=licences,
    )


def _row_order(
    ind: Indicator, dims: dict[str, Dimension], positions: dict[str, dict[str, int]]
) -> Callable[[Row], tuple[object, ...]]:
    """The order of an indicator's rows: by breakdown (see _dims_order), then by period."""
    return lambda r: (_dims_order(r[2], ind, dims, positions), r[1])


def _dims_order(
    d: dict[str, str],
    ind: Indicator,
    dims: dict[str, Dimension],
    positions: dict[str, dict[str, int]],
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The national rows first, then each breakdown, its values in the dimension's order."""
    keys = tuple(
        sorted(d, key=lambda k: (ind.dimensions.index(k) if k in ind.dimensions else 99, k))
    )
    order = []
    for k in keys:
        pos = positions.get(k)
        if pos is None:
            values = dims[k].values if k in dims else []
            pos = positions[k] = {v.code: i for i, v in enumerate(values)}
        order.append(pos.get(d[k], len(pos)))
    return keys, tuple(order)


def _dims_of(
    rows: list[Row],
    inds: Iterable[Indicator],
    dims: dict[str, Dimension],
) -> list[str]:
    """The dimensions the rows use, in the indicators' order (then the dimensions' own)."""
    seen = {k for r in rows for k in r[2]}
    order = [d for ind in inds for d in ind.dimensions] + list(dims)
    out: list[str] = []
    for d in order:
        if d in seen and d not in out:
            out.append(d)
    return out + sorted(seen - set(out))


def _observation_table(
    name: str,
    path: str,
    title: str,
    description: str,
    rows: list[Row],
    dim_ids: list[str],
    indicators: dict[str, Indicator],
    sources: dict[str, Source],
    dims: dict[str, Dimension],
    lang: str,
) -> Table:
    w = COLUMNS[lang]
    columns = [
        Column("indicator", "string", *w["indicator"], required=True),
        Column("period", "string", *w["period"], required=True),
    ]
    labels: dict[str, dict[str, str]] = {}
    for key in dim_ids:
        dim = dims.get(key)
        dname = dim.name.get(lang) if dim else key
        code_title = TEXT[lang]["dim"].format(name=dname)
        columns.append(Column(key, "string", code_title, code_title))
        columns.append(
            Column(f"{key}_label", "string", TEXT[lang]["dim_label"].format(name=dname), dname)
        )
        labels[key] = {v.code: v.label.get(lang) for v in dim.values} if dim else {}
    columns += [
        Column("value", "number", *w["value"], required=True),
        Column("unit", "string", *w["unit"]),
        Column("source", "string", *w["source"], required=True),
        Column("illustrative", "boolean", *w["illustrative"], required=True),
    ]
    units = {i: ind.unit_in(lang) for i, ind in indicators.items()}
    out: list[tuple[Cell, ...]] = []
    used: dict[str, Source] = {}
    illustrative = 0
    for ind_id, period, d, value, src, ill in rows:
        cells: list[Cell] = [ind_id, period.key]
        for dim_id in dim_ids:
            code = d.get(dim_id)
            cells.append(code)
            cells.append(labels[dim_id].get(code, code) if code is not None else None)
        cells += [number_of(value), units[ind_id], src, ill]
        out.append(tuple(cells))
        if src not in used and src in sources:
            used[src] = sources[src]
        illustrative += ill
    periods = [r[1] for r in rows]
    return Table(
        name=name,
        path=path,
        title=title,
        description=description,
        columns=columns,
        rows=out,
        sources=list(used.values()),
        licences=unique(licence_of(s.licence, s, lang) for s in used.values()),
        illustrative=illustrative,
        first=min(periods) if periods else None,
        last=max(periods, key=lambda p: p.end) if periods else None,
        foreign_keys=[("source", "sources", "id")],
    )
