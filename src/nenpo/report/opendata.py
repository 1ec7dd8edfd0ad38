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
from dataclasses import dataclass, field
from typing import Literal

from ..japan.periods import Period
from ..model.builtin import builtin_dimensions
from ..model.text import I18n
from ..model.workspace import Dimension, Indicator, Source, Survey, Workspace
from ..store.db import workspace_hash
from .opendata_words import COLUMNS, TEXT

Cell = str | int | float | bool | None
ColumnType = Literal["string", "number", "integer", "boolean", "date"]
# An observation as the tables need it: indicator, period, dimensions, value, source, 例示値.
Row = tuple[str, Period, dict[str, str], float, str, bool]


@dataclass(frozen=True)
class Column:
    """A column of a table: its name (the header), type, and words for readers."""

    name: str
    type: ColumnType
    title: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class Licence:
    """A licence as data portals name it: an Open Definition / SPDX id where there is one
    (`CC-BY-4.0`, `MIT`, `notspecified`), else where its terms are (`path`), and its words."""

    title: str
    name: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class EditionRef:
    """The edition a build belongs to (`nenpo publish`): its id and date."""

    id: str
    date: str


@dataclass
class Table:
    """One published table: a resource of the data package, a dataset of the catalogue."""

    name: str  # the resource's name: nenpo, indicator-<id>, survey-<id>, indicators, sources
    path: str  # under data/, without the extension
    title: str
    description: str
    columns: list[Column]
    rows: list[tuple[Cell, ...]]
    sources: list[Source] = field(default_factory=list)
    licences: list[Licence] = field(default_factory=list)
    illustrative: int = 0  # rows whose value is illustrative
    first: Period | None = None  # the earliest and latest periods of its rows
    last: Period | None = None
    keywords: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # column → table.col
    identifier: str = ""  # the indicator's or survey's id

    def records(self) -> Iterable[dict[str, Cell]]:
        """The rows as {column: value} (JSON)."""
        names = [c.name for c in self.columns]
        return (dict(zip(names, row, strict=True)) for row in self.rows)


@dataclass
class OpenData:
    """Everything the open data of one build publishes."""

    lang: str
    name: str  # the package's name (lowercase, -)
    title: I18n
    description: I18n | None
    publisher: I18n
    publisher_url: str | None
    edition: EditionRef | None
    version: str  # the edition's id, or "build-<content hash>" for an unpublished build
    url: str | None  # the site's public address (NENPO_SITE_URL), for this edition
    period: tuple[str, str]  # the report's period, ISO dates
    whole: Table
    indicators: list[Table]
    surveys: list[Table]
    catalogue: Table  # indicators.csv
    source_list: Table  # sources.csv
    sources: list[Source]
    licences: list[Licence]

    def tables(self) -> list[Table]:
        """Every table, in the order the package lists them."""
        return [self.whole, self.catalogue, self.source_list, *self.indicators, *self.surveys]


_CC_BY = re.compile(r"CC BY (\d\.\d)")


def licence_of(text: str | None, source: Source | None = None, lang: str = "ja") -> Licence:
    """A licence as data portals name it, from the words a source gives.

    Creative Commons and MIT licences are named by their ids; other terms (a site's terms of
    use, a quotation of figures from an article) are linked to the source that sets them, or
    marked `notspecified` where the source has no address — as is a source that states none
    (the example's illustrative values).
    """
    if not text:
        return Licence(TEXT[lang]["no_licence"], "notspecified", None)
    if m := _CC_BY.search(text):
        return Licence(text, f"CC-BY-{m[1]}", f"https://creativecommons.org/licenses/by/{m[1]}/")
    if text.startswith("MIT"):
        return Licence(text, "MIT", "https://opensource.org/licenses/MIT")
    if source is not None and source.url:
        return Licence(text, None, source.url)
    return Licence(text, "notspecified", None)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "nenpo"


def _number(v: float) -> int | float:
    """A value as it is written: 5113 (not 5113.0) where it is whole."""
    return int(v) if v.is_integer() and abs(v) < 2**53 else v


def build_opendata(
    ws: Workspace,
    lang: str = "ja",
    edition: EditionRef | None = None,
    site_url: str | None = None,
) -> OpenData:
    """The open data of a public workspace (one without its portfolio: core.build hands it)."""
    if ws.portfolio is not None:  # never: public outputs are built from public_workspace(ws)
        raise ValueError("the open data is built from the public workspace only")
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
    surveys = [_survey_table(sv, sources, lang) for sv in ws.surveys]
    for t in surveys:
        used_sources.update({s.id: s for s in t.sources})
    src_list = [s for s in ws.sources if s.id in used_sources]
    licences = _unique(lic for t in [whole, *surveys] for lic in t.licences)
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
        catalogue=_catalogue(ws, sources, lang),
        source_list=_source_table(src_list, lang),
        sources=src_list,
        licences=licences,
    )


def _unique(licences: Iterable[Licence]) -> list[Licence]:
    out: list[Licence] = []
    for lic in licences:
        if lic not in out:
            out.append(lic)
    return out


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
        cells += [_number(value), units[ind_id], src, ill]
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
        licences=_unique(licence_of(s.licence, s, lang) for s in used.values()),
        illustrative=illustrative,
        first=min(periods) if periods else None,
        last=max(periods, key=lambda p: p.end) if periods else None,
        foreign_keys=[("source", "sources", "id")],
    )


def _survey_table(sv: Survey, sources: dict[str, Source], lang: str) -> Table:
    w = COLUMNS[lang]
    columns = [
        Column("survey", "string", *w["survey"], required=True),
        Column("question", "string", *w["question"], required=True),
        Column("question_text", "string", *w["question_text"]),
        Column("wave", "string", *w["wave"], required=True),
        Column("period", "string", *w["period"], required=True),
        Column("respondents", "integer", *w["respondents"]),
        Column("option", "string", *w["option"], required=True),
        Column("option_label", "string", *w["option_label"]),
        Column("share", "number", *w["share"], required=True),
        Column("unit", "string", *w["unit"]),
        Column("source", "string", *w["source"], required=True),
        Column("illustrative", "boolean", *w["illustrative"], required=True),
    ]
    waves = {wv.id: wv for wv in sv.waves}
    ill = sv.provenance == "illustrative"
    rows: list[tuple[Cell, ...]] = []
    for q in sv.questions:
        results = {r.wave: r.shares for r in sv.results if r.question == q.id}
        for wave in sorted(sv.waves, key=lambda x: Period.parse(x.date)):
            shares = results.get(wave.id)
            if shares is None:
                continue
            for opt in q.options:
                if opt.id in shares:
                    rows.append(
                        (
                            sv.id,
                            q.id,
                            q.text.get(lang),
                            wave.id,
                            waves[wave.id].date,
                            wave.respondents,
                            opt.id,
                            opt.label.get(lang),
                            _number(shares[opt.id]),
                            "%",
                            sv.source,
                            ill,
                        )
                    )
    src = sources.get(sv.source)
    lic = licence_of(sv.licence or (src.licence if src else None), src, lang)
    periods = [Period.parse(wv.date) for wv in sv.waves]
    return Table(
        name=f"survey-{sv.id}",
        path=f"surveys/{sv.id}",
        title=sv.title.get(lang),
        description=TEXT[lang]["survey_desc"].format(title=sv.title.get(lang))
        + (f" {sv.method.get(lang)}" if sv.method else ""),
        columns=columns,
        rows=rows,
        sources=[src] if src else [],
        licences=[lic],
        illustrative=len(rows) if ill else 0,
        first=min(periods) if periods else None,
        last=max(periods, key=lambda p: p.end) if periods else None,
        foreign_keys=[("source", "sources", "id")],
        identifier=sv.id,
    )


def _catalogue(ws: Workspace, sources: dict[str, Source], lang: str) -> Table:
    """indicators.csv: one row an indicator, with the path of its files."""
    w = COLUMNS[lang]
    columns = [
        Column("id", "string", *w["id"], required=True),
        Column("name_ja", "string", *w["name_ja"], required=True),
        Column("name_en", "string", *w["name_en"]),
        Column("unit", "string", *w["unit"], required=True),
        Column("unit_en", "string", *w["unit_en"]),
        Column("decimals", "integer", *w["decimals"]),
        Column("direction", "string", *w["direction"]),
        Column("dimensions", "string", *w["dimensions"]),
        Column("source", "string", *w["source"], required=True),
        Column("licence", "string", *w["licence"]),
        Column("illustrative", "boolean", *w["illustrative"], required=True),
        Column("description", "string", *w["description"]),
        Column("file", "string", *w["file"], required=True),
    ]
    rows: list[tuple[Cell, ...]] = [
        (
            i.id,
            i.name.ja,
            i.name.en,
            i.unit,
            i.unit_en,
            i.decimals,
            i.direction,
            " ".join(i.dimensions) or None,
            i.source,
            i.licence or sources[i.source].licence,
            i.provenance == "illustrative",
            i.description.get(lang) if i.description else None,
            f"indicators/{i.id}.csv",
        )
        for i in ws.indicators
    ]
    return Table(
        name="indicators",
        path="indicators",
        title=TEXT[lang]["catalogue"],
        description=TEXT[lang]["catalogue_desc"],
        columns=columns,
        rows=rows,
        illustrative=sum(1 for i in ws.indicators if i.provenance == "illustrative"),
        foreign_keys=[("source", "sources", "id")],
    )


def _source_table(srcs: list[Source], lang: str) -> Table:
    """sources.csv: every source the published data cite."""
    w = COLUMNS[lang]
    columns = [
        Column("id", "string", *w["id"], required=True),
        Column("title", "string", *w["title"], required=True),
        Column("publisher", "string", *w["publisher"]),
        Column("url", "string", *w["url"]),
        Column("accessed", "string", *w["accessed"]),
        Column("licence", "string", *w["licence"]),
    ]
    rows: list[tuple[Cell, ...]] = [
        (
            s.id,
            s.title.get(lang),
            s.publisher.get(lang) if s.publisher else None,
            s.url,
            s.accessed.isoformat() if s.accessed else None,
            s.licence,
        )
        for s in srcs
    ]
    return Table(
        name="sources",
        path="sources",
        title=TEXT[lang]["sources"],
        description=TEXT[lang]["sources_desc"],
        columns=columns,
        rows=rows,
        sources=srcs,
    )
