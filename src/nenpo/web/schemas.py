"""The shapes of the API's responses: the OpenAPI document's schemas, and what the views build.

Every JSON body the API sends is one of these (the list and item views build them and dump them;
the observation pages, built for speed as plain dicts, have the same fields, and schemathesis checks
every response against these schemas).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(Out):
    """A text in Japanese and, where translated, English."""

    ja: str
    en: str | None = None


class Links(Out):
    """Where the next page is: null on the last page."""

    next: str | None = Field(description="The URL of the next page, or null on the last page")


class SourceOut(Out):
    """Where figures come from (出典)."""

    id: str
    title: Text
    publisher: Text | None = None
    url: str | None = None
    accessed: str | None = Field(default=None, description="The date the source was read")
    licence: str | None = None
    note: Text | None = None


class DimensionRef(Out):
    """A breakdown an indicator's observations may have (prefecture, age band …)."""

    id: str
    name: Text
    values: str = Field(description="URL of the dimension's values (codes and labels)")


class TargetOut(Out):
    """A target value at a date."""

    date: str
    value: float
    provenance: Literal["real", "illustrative"]
    illustrative: bool
    note: Text | None = None


class IndicatorLinks(Out):
    observations: str
    aggregates: str


class IndicatorOut(Out):
    """An indicator (指標) with its source, licence and provenance."""

    id: str
    name: Text
    unit: str
    unit_en: str | None
    direction: Literal["higher", "lower", "neutral"]
    decimals: int
    description: Text | None
    provenance: Literal["real", "illustrative"] = Field(
        description="The indicator's own provenance; an observation may override it"
    )
    illustrative: bool = Field(description="True when the indicator's values are illustrative")
    licence: str | None = Field(description="The indicator's licence, else its source's")
    source: SourceOut
    dimensions: list[DimensionRef]
    targets: list[TargetOut]
    projects: list[str] = Field(description="Ids of the projects that report this indicator")
    links: IndicatorLinks


class IndicatorList(Out):
    data: list[IndicatorOut]


class DimensionValueOut(Out):
    code: str
    label: Text


class DimensionOut(Out):
    """A dimension and its values, in display order."""

    id: str
    name: Text
    values: list[DimensionValueOut]


class DimensionList(Out):
    data: list[DimensionOut]


class ObservationOut(Out):
    """One observation (観測値)."""

    indicator: str
    period: str = Field(description="YYYY-MM-DD, YYYY-MM, YYYY or FY2023 (年度)")
    start: str = Field(description="The period's first day (ISO 8601)")
    dims: dict[str, str] = Field(description="dimension → code; empty for the total")
    value: float
    provenance: Literal["real", "illustrative"]
    illustrative: bool = Field(description="True for an illustrative value (例示値)")
    source: str = Field(description="Source id (see the indicator's source)")


class ObservationPage(Out):
    data: list[ObservationOut]
    links: Links


class GroupOut(Out):
    """One group of an aggregate."""

    group: str = Field(description="The period, or the dimension's code")
    label: Text | None = Field(description="The dimension value's label (null by period)")
    count: int
    sum: float
    mean: float
    min: float
    max: float
    illustrative: bool = Field(description="True when any value in the group is illustrative")


class AggregateOut(Out):
    indicator: str
    by: str
    data: list[GroupOut]


class FocusAreaOut(Out):
    """A focus area (注力領域) and its projects."""

    id: str
    name: Text
    description: Text | None
    projects: list[str]


class FocusAreaList(Out):
    data: list[FocusAreaOut]


class Labelled(Out):
    id: str
    label: Text


class RiskOut(Out):
    rating: Labelled
    date: str
    narrative: Text


class MilestoneOut(Out):
    name: Text
    baseline: str
    date: str = Field(description="The actual date, else the forecast")


class BudgetOut(Out):
    fiscal_year: str
    baseline: int = Field(description="Baseline budget in yen")
    amount: int = Field(description="Actual spend, else the forecast, in yen")
    basis: str = Field(description="Whether `amount` is the actual or the forecast")


class StaffingOut(Out):
    skill: Labelled
    demand: float = Field(description="Staff needed, in full-time equivalents")
    supply: float = Field(description="Staff assigned, in full-time equivalents")


class StatusOut(Out):
    """The portfolio fields a project marked public (the rest is internal and never here)."""

    illustrative: bool
    phase: Labelled | None = None
    risk: RiskOut | None = None
    milestones: list[MilestoneOut] | None = None
    budget: list[BudgetOut] | None = None
    staffing: list[StaffingOut] | None = None


class ProjectOut(Out):
    """A project (プロジェクト)."""

    id: str
    name: Text
    summary: Text | None
    focus_area: str
    parent: str | None
    subprojects: list[str]
    indicators: list[str]
    status: StatusOut | None = Field(description="Public portfolio fields, or null for none")


class ProjectList(Out):
    data: list[ProjectOut]


class EntryOut(Out):
    """One line of the revision history (更新履歴)."""

    text: str
    page: str
    kind: str


class EditionOut(Out):
    """A published edition (版) and the revision history it added."""

    id: str
    date: str
    created_at: str
    previous: str | None
    lang: str
    history: list[EntryOut]


class EditionList(Out):
    data: list[EditionOut]


class ParameterProblem(Out):
    parameter: str
    message: str


class Problem(Out):
    """An error, as RFC 9457 problem details (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ParameterProblem] = []
