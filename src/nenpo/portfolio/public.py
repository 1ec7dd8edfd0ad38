"""What of the portfolio may be published: only the fields a project lists under `public:`.

Public outputs are built from `public_workspace(ws)`, which has no portfolio at all, plus the
`public_records(ws)` of projects that opted fields in. People are never public.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.portfolio import Portfolio, RiskAssessment
from ..model.workspace import Workspace
from .ratings import latest
from .staffing import SkillRow, by_project
from .variance import BudgetVariance, ScheduleVariance, budget, schedule


def public_workspace(ws: Workspace) -> Workspace:
    """The workspace without its portfolio: what every public output is built from."""
    return ws.model_copy(update={"portfolio": None})


@dataclass(frozen=True)
class PublicRecord:
    """The portfolio fields one project has marked public; None: not public."""

    project: str
    illustrative: bool
    phase: str | None = None
    milestones: list[ScheduleVariance] | None = None
    budget: list[BudgetVariance] | None = None
    risk: RiskAssessment | None = None
    staffing: list[SkillRow] | None = None


def public_records(ws: Workspace) -> dict[str, PublicRecord]:
    """project id → its public fields, for projects that marked any."""
    return public_records_of(ws.portfolio)


def public_records_of(pf: Portfolio | None) -> dict[str, PublicRecord]:
    """project id → its public fields, from the portfolio alone (the API reads only that)."""
    if pf is None:
        return {}
    out = {}
    for rec in pf.projects:
        shown = set(rec.public)
        if not shown:
            continue
        out[rec.project] = PublicRecord(
            project=rec.project,
            illustrative=rec.provenance == "illustrative",
            phase=rec.phase if "phase" in shown else None,
            milestones=[schedule(rec.project, m, pf.as_of) for m in rec.milestones]
            if "milestones" in shown
            else None,
            budget=[budget(rec.project, b, pf.budget_threshold) for b in rec.budget]
            if "budget" in shown
            else None,
            risk=latest(rec, pf.as_of) if "risk" in shown else None,
            staffing=by_project(pf, rec.project) if "staffing" in shown else None,
        )
    return out
