"""The workspace: every object of a report, as typed models (the JSON Schema is generated here)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ..japan.numbers import Display
from ..japan.periods import Period
from .portfolio import Portfolio
from .text import I18n

Provenance = Literal["real", "illustrative"]
Id = str  # lowercase letters, digits, '-' and '_'; checked by _check_id
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def _check_id(v: str) -> str:
    if not v or not set(v) <= _ID_CHARS or not v[0].isalnum():
        raise ValueError(f"{v!r} is not an id; use lowercase letters, digits, '-' and '_'")
    return v


def _check_period(v: str) -> str:
    return Period.parse(v).key


PeriodText = Annotated[str, AfterValidator(_check_period)]


def _check_share(v: float) -> float:
    if not 0 <= v <= 100:
        raise ValueError(f"a share is a percentage from 0 to 100, not {v:g}")
    return v


Share = Annotated[float, AfterValidator(_check_share)]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Identified(Base):
    id: Id

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _check_id(v)


class Source(Identified):
    """Where a figure comes from (出典): citation, publisher, address, date read, licence."""

    title: I18n
    publisher: I18n | None = None
    url: str | None = None
    accessed: date | None = None
    licence: str | None = None
    note: I18n | None = None


class Organisation(Base):
    """The public body that publishes the report."""

    name: I18n
    url: str | None = None
    founded: date | None = None


class ReportInfo(Base):
    """The report itself (年次報告): title, period covered, languages."""

    title: I18n
    period_start: date
    period_end: date
    languages: list[Literal["ja", "en"]] = ["ja"]
    summary: I18n | None = None

    @model_validator(mode="after")
    def _check(self) -> ReportInfo:
        if "ja" not in self.languages:
            raise ValueError("languages must include 'ja'")
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class VisionItem(Base):
    title: I18n
    text: I18n


class Statement(Base):
    """ミッション・ビジョン・バリュー (mission, vision, values)."""

    mission: I18n
    vision: list[VisionItem] = []
    values: list[I18n] = []
    source: Id | None = None


class Aim(Identified):
    """目指す姿: one of the aims of the digital society."""

    title: I18n
    description: I18n | None = None


class PriorityPlan(Base):
    """重点計画: the plan the focus areas derive from."""

    title: I18n
    description: I18n | None = None
    url: str | None = None


class FocusArea(Identified):
    """注力領域: one of the areas every project belongs to."""

    name: I18n
    description: I18n | None = None


class Project(Identified):
    """プロジェクト, with optional sub-projects; a sub-project inherits its parent's focus area."""

    name: I18n
    focus_area: Id | None = None
    summary: I18n | None = None
    indicators: list[Id] = []
    subprojects: list[Project] = []


class Target(Base):
    """A target value of an indicator at a date."""

    date: PeriodText
    value: float
    provenance: Provenance = "illustrative"
    note: I18n | None = None


class Ratio(Base):
    """What a ratio indicator is computed from: numerator ÷ denominator (× 100 for %, × 10 for
    割), both indicators of the workspace; `nenpo check` compares the three where all are given."""

    numerator: Id
    denominator: Id


class Indicator(Identified):
    """指標: a measured quantity with unit, direction, targets and provenance."""

    name: I18n
    unit: str = Field(description="Unit as shown after a value: %, 人, 枚, 件, 時間/月, …")
    unit_en: str | None = Field(
        default=None, description="The unit in English outputs (people, cards, …); default: unit"
    )
    direction: Literal["higher", "lower", "neutral"] = "neutral"
    decimals: int = 0
    source: Id
    licence: str | None = Field(default=None, description="Defaults to the source's licence")
    provenance: Provenance
    description: I18n | None = None
    computation: I18n | None = Field(
        default=None, description="How the value is computed (算出方法), shown on the dashboard"
    )
    frequency: I18n | None = Field(
        default=None, description="How often the source updates it (更新頻度): 月次, monthly …"
    )
    dimensions: list[Id] = []
    targets: list[Target] = []
    cumulative: bool = Field(
        default=False, description="A running total (累計): each value at least the one before"
    )
    ratio: Ratio | None = Field(
        default=None, description="The indicators this ratio is computed from, if both are data"
    )
    latest_checked: date | None = Field(
        default=None,
        description="When the source was last searched for a newer figure and none was found "
        "(the stale-data rule is quiet for a report period that ends by then)",
    )

    def unit_in(self, lang: str) -> str:
        """The unit as printed in `lang`."""
        return self.unit_en if lang == "en" and self.unit_en is not None else self.unit

    @property
    def display(self) -> Display:
        """The one format of this indicator's values in every output (docs/references.md)."""
        return Display(self.unit, self.unit_en, self.decimals)


class DimensionValue(Base):
    """One value of a dimension: a code (as stored) and a label (as shown); aliases on import."""

    code: str
    label: I18n
    aliases: list[str] = []


class Dimension(Identified):
    """A breakdown of observations (都道府県, 年齢階級 …) with ordered, labelled values."""

    name: I18n
    values: list[DimensionValue]


class Option(Identified):
    """選択肢: one ordered, labelled answer to a question; legends come from these labels."""

    label: I18n


class Question(Identified):
    """設問."""

    text: I18n
    options: list[Option] = Field(min_length=2)


class Wave(Identified):
    """回: one round of a survey."""

    date: PeriodText
    respondents: int = Field(gt=0)


class Result(Base):
    """The share (%) of respondents choosing each option of one question in one wave."""

    question: Id
    wave: Id
    shares: dict[Id, Share] = Field(description="option id → percent of respondents, 0–100")


class Survey(Identified):
    """調査: questions with ordered options, waves, and the shares per option."""

    title: I18n
    method: I18n | None = None
    source: Id
    licence: str | None = None
    provenance: Provenance = "real"
    questions: list[Question]
    waves: list[Wave]
    results: list[Result] = []


ChartKind = Literal["survey", "timeseries", "by_dimension", "composition"]


class Chart(Identified):
    """A chart drawn from data; labels come from the data unless overridden (and then checked)."""

    kind: ChartKind
    title: I18n | None = None
    survey: Id | None = None
    question: Id | None = None
    indicator: Id | None = None
    dimension: Id | None = Field(default=None, description="by_dimension/composition: breakdown")
    date: str | None = Field(
        default=None, description="by_dimension/composition: a date or 'latest' (default)"
    )
    where: dict[Id, str] = Field(default={}, description="Filter on other dimensions")
    legend_labels: list[str] | None = Field(default=None, description="Hand-set legend labels")
    axis_labels: list[str] | None = Field(default=None, description="Hand-set time-axis labels")
    alt: I18n | None = Field(default=None, description="Alt text; generated from data if absent")
    note: I18n | None = None

    @model_validator(mode="after")
    def _needs(self) -> Chart:
        need = {
            "survey": ("survey", "question"),
            "timeseries": ("indicator",),
            "by_dimension": ("indicator", "dimension"),
            "composition": ("indicator", "dimension"),
        }[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} chart needs {', '.join(missing)}")
        return self


class Page(Identified):
    """A page of the report, its body a Markdown file under content/."""

    title: I18n
    content: str | None = Field(
        default=None, description="Markdown file, relative to the workspace"
    )
    summary: I18n | None = None


class Chapter(Identified):
    """A chapter (はじめに, データから見た成果, 成果と進捗 …); `focus_areas` lists focus areas."""

    title: I18n
    kind: Literal["pages", "focus_areas"] = "pages"
    content: str | None = None
    pages: list[Page] = []


class Observation(Base):
    """観測値: an indicator's value at a period, optionally by dimension."""

    indicator: Id
    period: PeriodText
    value: float
    dims: dict[Id, str] = {}
    provenance: Provenance | None = None
    source: Id | None = None


class Workspace(Base):
    """Everything a report is built from; `nenpo load` validates it whole, then stores it."""

    organisation: Organisation
    report: ReportInfo
    statement: Statement | None = None
    aims: list[Aim] = []
    priority_plan: PriorityPlan | None = None
    sources: list[Source] = []
    focus_areas: list[FocusArea] = []
    projects: list[Project] = []
    indicators: list[Indicator] = []
    dimensions: list[Dimension] = []
    surveys: list[Survey] = []
    charts: list[Chart] = []
    chapters: list[Chapter] = []
    observations: list[Observation] = []
    texts: dict[str, str] = Field(default={}, description="Markdown files by workspace path")
    portfolio: Portfolio | None = Field(
        default=None, description="Staff-only portfolio (portfolio/); internal by default"
    )
    deck: Deck | None = Field(default=None, description="会見資料 (press deck): deck.yaml")

    def all_projects(self) -> list[tuple[Project, Project | None]]:
        """Every project and sub-project with its parent, depth first in file order."""
        out: list[tuple[Project, Project | None]] = []

        def walk(p: Project, parent: Project | None) -> None:
            out.append((p, parent))
            for c in p.subprojects:
                walk(c, p)

        for p in self.projects:
            walk(p, None)
        return out


# The deck's models build on Base above, so they are imported (and Workspace completed) last.
from .deck import Deck  # noqa: E402

Workspace.model_rebuild()
