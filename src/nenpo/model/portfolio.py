"""The portfolio (staff only): phase, milestones, budget, risk, staffing and people per project.

Everything here is internal by default: a project's portfolio fields reach a public output only
when listed in its `public:` (and people never do). Dates of milestones and assessments are days;
budgets are per 年度 (fiscal year, April–March) in yen.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..japan.periods import Period
from .text import I18n

Skill = Literal["pm", "engineering", "design", "security", "data", "policy_legal"]
SKILLS: tuple[Skill, ...] = ("pm", "engineering", "design", "security", "data", "policy_legal")
SKILL_LABELS: dict[str, I18n] = {
    "pm": I18n(ja="PM", en="PM"),
    "engineering": I18n(ja="エンジニアリング", en="Engineering"),
    "design": I18n(ja="デザイン", en="Design"),
    "security": I18n(ja="セキュリティ", en="Security"),
    "data": I18n(ja="データ", en="Data"),
    "policy_legal": I18n(ja="政策・法務", en="Policy/legal"),
}

# The UK Delivery Confidence Assessment's five levels, worst first. Scores follow the US Federal
# IT Dashboard's CIO rating, where 5 is the lowest risk and 1 the highest.
Rating = Literal["red", "amber-red", "amber", "amber-green", "green"]
RATINGS: tuple[Rating, ...] = ("red", "amber-red", "amber", "amber-green", "green")
RATING_SCORES: dict[str, int] = {"red": 1, "amber-red": 2, "amber": 3, "amber-green": 4, "green": 5}
RATING_LABELS: dict[str, I18n] = {
    "red": I18n(ja="レッド", en="Red"),
    "amber-red": I18n(ja="アンバー/レッド", en="Amber/Red"),
    "amber": I18n(ja="アンバー", en="Amber"),
    "amber-green": I18n(ja="アンバー/グリーン", en="Amber/Green"),
    "green": I18n(ja="グリーン", en="Green"),
}

Phase = Literal["planning", "requirements", "procurement", "development", "operation", "retirement"]
PHASES: tuple[Phase, ...] = (
    "planning",
    "requirements",
    "procurement",
    "development",
    "operation",
    "retirement",
)
PHASE_LABELS: dict[str, I18n] = {
    "planning": I18n(ja="企画", en="Planning"),
    "requirements": I18n(ja="要件定義", en="Requirements"),
    "procurement": I18n(ja="調達", en="Procurement"),
    "development": I18n(ja="設計・開発", en="Development"),
    "operation": I18n(ja="運用・保守", en="Operation"),
    "retirement": I18n(ja="廃止", en="Retirement"),
}

PublicField = Literal["phase", "milestones", "budget", "risk", "staffing"]
PUBLIC_FIELDS: tuple[PublicField, ...] = ("phase", "milestones", "budget", "risk", "staffing")
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def _check_id(v: str) -> str:
    if not v or not set(v) <= _ID_CHARS or not v[0].isalnum():
        raise ValueError(f"{v!r} is not an id; use lowercase letters, digits, '-' and '_'")
    return v


PortfolioId = Annotated[str, AfterValidator(_check_id)]


def _rating(v: Any) -> Any:
    """Accept the labels people write ('Amber/Red', 'Amber / Green') as well as the ids."""
    if isinstance(v, str):
        key = v.strip().lower().replace(" ", "").replace("/", "-").replace("_", "-")
        for rating, label in RATING_LABELS.items():
            if v.strip() in (label.ja, label.en):
                return rating
        return key
    return v


def _fiscal_year(v: str) -> str:
    p = Period.parse(v)
    if p.precision != "fiscal_year":
        raise ValueError(f"{v!r} is not a fiscal year; write FY2024 or 2024年度")
    return p.key


def _fte(v: float) -> float:
    if v < 0:
        raise ValueError(f"an FTE is zero or more, not {v:g}")
    return v


FiscalYear = Annotated[str, AfterValidator(_fiscal_year)]
FTE = Annotated[float, AfterValidator(_fte)]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RiskAssessment(_Base):
    """リスク評価: a dated rating on the five-level scale, with its narrative."""

    date: dt.date
    rating: Annotated[Rating, BeforeValidator(_rating)] = Field(
        description="red, amber-red, amber, amber-green or green (labels such as Amber/Red too)"
    )
    narrative: I18n

    @property
    def score(self) -> int:
        """1 (Red, highest risk) … 5 (Green), as the US IT Dashboard scores its CIO rating."""
        return RATING_SCORES[self.rating]


class Rebaseline(_Base):
    """A recorded change of a milestone's baseline: when, the new date, and why."""

    date: dt.date = Field(description="When the new baseline was approved")
    baseline: dt.date = Field(description="The new baseline date")
    reason: I18n


class Milestone(_Base):
    """A milestone: its original baseline (never edited), rebaselines, forecast and actual."""

    id: PortfolioId
    name: I18n
    baseline: dt.date = Field(description="The original baseline; a change is a rebaseline")
    rebaselines: list[Rebaseline] = []
    forecast: dt.date | None = None
    actual: dt.date | None = None

    @model_validator(mode="after")
    def _check(self) -> Milestone:
        if self.forecast is None and self.actual is None:
            raise ValueError("a milestone needs a forecast date or an actual date")
        dates = [r.date for r in self.rebaselines]
        if dates != sorted(dates):
            raise ValueError("rebaselines must be in date order, oldest first")
        return self

    @property
    def current_baseline(self) -> dt.date:
        """The baseline in force: the latest rebaseline's, else the original."""
        return self.rebaselines[-1].baseline if self.rebaselines else self.baseline


class BudgetYear(_Base):
    """予算・執行 of one 年度: baseline, forecast and actual in yen, and a narrative."""

    fiscal_year: FiscalYear = Field(description="FY2024 or 2024年度 (April 2024 – March 2025)")
    baseline: int = Field(gt=0, description="Baseline budget in yen")
    forecast: int | None = Field(default=None, ge=0, description="Forecast outturn in yen")
    actual: int | None = Field(default=None, ge=0, description="Actual spend in yen")
    narrative: I18n | None = Field(
        default=None, description="Why it varies; required when the variance exceeds the threshold"
    )

    @model_validator(mode="after")
    def _check(self) -> BudgetYear:
        if self.forecast is None and self.actual is None:
            raise ValueError("a budget year needs a forecast or an actual")
        return self


class Staffing(_Base):
    """人員配置: FTE demanded by skill, and the least total FTE the project can run on."""

    min_fte: FTE = Field(default=0.0, description="Minimum total FTE the project must keep")
    demand: dict[Skill, FTE] = Field(default={}, description="skill → FTE demanded")


class ProjectPortfolio(_Base):
    """One project's portfolio record (portfolio/projects/PROJECT.yaml)."""

    project: PortfolioId
    provenance: Literal["real", "illustrative"]
    phase: Phase
    milestones: list[Milestone] = []
    budget: list[BudgetYear] = []
    risk: list[RiskAssessment] = []
    staffing: Staffing = Field(default_factory=Staffing)
    public: list[PublicField] = Field(
        default=[], description="Fields that may appear in public outputs (default: none)"
    )

    @model_validator(mode="after")
    def _check(self) -> ProjectPortfolio:
        dates = [r.date for r in self.risk]
        if dates != sorted(dates):
            raise ValueError("risk assessments must be in date order, oldest first")
        return self


class Allocation(_Base):
    """A share of one person's time on one project in one skill."""

    project: PortfolioId
    skill: Skill
    fte: float = Field(gt=0)


class Person(_Base):
    """A member of staff by pseudonymous id: skills, capacity (FTE) and current allocations."""

    id: PortfolioId
    skills: list[Skill] = Field(min_length=1)
    capacity: float = Field(gt=0, le=1, description="FTE the person can give, at most 1.0")
    allocations: list[Allocation] = []

    @property
    def allocated(self) -> float:
        """FTE currently allocated."""
        return sum(a.fte for a in self.allocations)


class RiskWeights(_Base):
    """Weight of a unit of unmet demand by the project's latest rating (the optimiser's)."""

    red: float = Field(default=5, ge=0)
    amber_red: float = Field(default=4, ge=0, alias="amber-red")
    amber: float = Field(default=3, ge=0)
    amber_green: float = Field(default=2, ge=0, alias="amber-green")
    green: float = Field(default=1, ge=0)
    unrated: float = Field(default=3, ge=0, description="A project with no assessment")

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    def of(self, rating: str | None) -> float:
        """The weight of a rating (None: unrated)."""
        return float(getattr(self, (rating or "unrated").replace("-", "_")))


class PortfolioSettings(_Base):
    """portfolio/portfolio.yaml: the date described, the source cited, thresholds, weights."""

    as_of: dt.date = Field(description="The date the portfolio describes")
    source: str = Field(description="Source id (sources.yaml) the portfolio's charts cite")
    budget_threshold: float = Field(
        default=5.0, ge=0, description="Budget variance (%) above which a narrative is required"
    )
    max_moves: int = Field(default=10, ge=0, description="Default move limit of `nenpo allocate`")
    risk_weights: RiskWeights = Field(default_factory=RiskWeights)


class Portfolio(PortfolioSettings):
    """The portfolio of every project (portfolio/ in the workspace); internal by default."""

    projects: list[ProjectPortfolio] = []
    people: list[Person] = []

    def project(self, ident: str) -> ProjectPortfolio | None:
        """The portfolio record of a project, or None."""
        return next((p for p in self.projects if p.project == ident), None)
