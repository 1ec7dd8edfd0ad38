"""The open data's tables and their parts: columns, licences, tables; the tables that are
not observations (a survey's shares, the indicators, the sources). report/opendata.py builds
the whole from a workspace."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from ..japan.periods import Period
from ..model.text import I18n
from ..model.workspace import Source, Survey, Workspace
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


def number_of(v: float) -> int | float:
    """A value as it is written: 5113 (not 5113.0) where it is whole."""
    return int(v) if v.is_integer() and abs(v) < 2**53 else v


def unique(licences: Iterable[Licence]) -> list[Licence]:
    out: list[Licence] = []
    for lic in licences:
        if lic not in out:
            out.append(lic)
    return out


def survey_table(sv: Survey, sources: dict[str, Source], lang: str) -> Table:
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
                            number_of(shares[opt.id]),
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


def catalogue(ws: Workspace, sources: dict[str, Source], lang: str) -> Table:
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


def source_table(srcs: list[Source], lang: str) -> Table:
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
