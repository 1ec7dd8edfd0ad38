"""The portfolio view for staff: one row per project, the focus area × rating heatmap, the
variance tables, staffing by skill, and the rule findings. The CLI prints it; the internal pages
draw it."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from ..errors import NenpoError, Problem
from ..model.portfolio import RATINGS, Portfolio, RiskAssessment
from ..model.text import I18n
from ..model.workspace import Workspace
from . import ratings, staffing
from .variance import BudgetVariance, ScheduleVariance, budget, budgets, schedule, schedules


class PortfolioError(NenpoError):
    """The workspace has no portfolio to show."""

    exit_code = 1


@dataclass(frozen=True)
class ProjectRow:
    """One project as the portfolio table shows it."""

    id: str
    name: I18n
    parent: str | None
    focus_area: str
    phase: str | None
    latest: RiskAssessment | None
    trend: str | None
    weight: float
    milestones: list[ScheduleVariance]
    budget: list[BudgetVariance]
    demand: float
    supply: float
    shortfall: float

    @property
    def worst_slip(self) -> int | None:
        """The largest slip in days against an original baseline (None: no milestones)."""
        return max((m.days for m in self.milestones), default=None)

    @property
    def rebaselines(self) -> int:
        """How many times this project's milestones were rebaselined."""
        return sum(m.rebaselines for m in self.milestones)


@dataclass
class PortfolioView:
    """Everything the portfolio pages and `nenpo portfolio` show, computed once."""

    ws: Workspace
    portfolio: Portfolio
    rows: list[ProjectRow]
    heatmap: dict[tuple[str, str | None], list[str]]
    schedules: list[ScheduleVariance]
    budgets: list[BudgetVariance]
    skills: list[staffing.SkillRow]
    weighted_shortfall: float
    findings: list[Problem] = field(default_factory=list)

    @property
    def as_of(self) -> dt.date:
        return self.portfolio.as_of

    @property
    def illustrative(self) -> bool:
        """True when any project's portfolio data is illustrative (例示値)."""
        return any(r.provenance == "illustrative" for r in self.portfolio.projects)

    def row(self, project: str) -> ProjectRow:
        return next(r for r in self.rows if r.id == project)


def build_view(ws: Workspace, findings: list[Problem] | None = None) -> PortfolioView:
    """The portfolio view of a workspace; PortfolioError when it has no portfolio."""
    pf = ws.portfolio
    if pf is None:
        raise PortfolioError(
            "the workspace has no portfolio: add a portfolio/ folder (docs/workspace.md, "
            "section 'portfolio/')"
        )
    need, have = staffing.demand(pf), staffing.supply(pf)
    rows = []
    heatmap: dict[tuple[str, str | None], list[str]] = {
        (fa.id, r): [] for fa in ws.focus_areas for r in (*RATINGS, None)
    }
    for project, parent in ws.all_projects():
        area = project.focus_area or (parent.focus_area if parent else None) or ""
        rec = pf.project(project.id)
        last = ratings.latest(rec, pf.as_of)
        cells = {c for c in (*need, *have) if c[0] == project.id}
        d = math.fsum(need.get(c, 0.0) for c in cells)
        s = math.fsum(have.get(c, 0.0) for c in cells)
        short = math.fsum(staffing.shortfall(need.get(c, 0.0), have.get(c, 0.0)) for c in cells)
        rows.append(
            ProjectRow(
                id=project.id,
                name=project.name,
                parent=parent.id if parent else None,
                focus_area=area,
                phase=rec.phase if rec else None,
                latest=last,
                trend=ratings.trend(rec, pf.as_of),
                weight=ratings.weight(pf, project.id),
                milestones=[schedule(project.id, m, pf.as_of) for m in rec.milestones]
                if rec
                else [],
                budget=[budget(project.id, b, pf.budget_threshold) for b in rec.budget]
                if rec
                else [],
                demand=d,
                supply=s,
                shortfall=short,
            )
        )
        heatmap.setdefault((area, last.rating if last else None), []).append(project.id)
    return PortfolioView(
        ws=ws,
        portfolio=pf,
        rows=rows,
        heatmap=heatmap,
        schedules=schedules(pf),
        budgets=budgets(pf),
        skills=staffing.by_skill(pf),
        weighted_shortfall=staffing.weighted_shortfall(pf),
        findings=list(findings or []),
    )
