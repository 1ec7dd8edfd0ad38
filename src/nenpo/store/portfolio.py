"""Write and read the portfolio's tables (staff only), inside the store's one transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from ..model.portfolio import Portfolio
from . import schema as t

SETTINGS_KEY = "portfolio"


def _insert(conn: Connection, table: t.Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def write_portfolio(conn: Connection, pf: Portfolio | None) -> None:
    """Insert the portfolio's rows (the caller has emptied the tables)."""
    if pf is None:
        return
    settings = pf.model_dump(mode="json", exclude={"projects", "people"})
    _insert(conn, t.portfolio_settings, [{"key": SETTINGS_KEY, "data": settings}])
    projects, milestones, budget, risk, demand = [], [], [], [], []
    for i, rec in enumerate(pf.projects):
        pid = rec.project
        projects.append(
            {
                "project_id": pid,
                "position": i,
                "provenance": rec.provenance,
                "phase": rec.phase,
                "min_fte": rec.staffing.min_fte,
                "public": list(rec.public),
            }
        )
        for j, m in enumerate(rec.milestones):
            milestones.append(
                {
                    "project_id": pid,
                    "milestone_id": m.id,
                    "position": j,
                    "name": m.name.model_dump(mode="json"),
                    "baseline": m.baseline,
                    "forecast": m.forecast,
                    "actual": m.actual,
                    "rebaselines": [r.model_dump(mode="json") for r in m.rebaselines],
                }
            )
        for j, b in enumerate(rec.budget):
            budget.append(
                {
                    "project_id": pid,
                    "fiscal_year": b.fiscal_year,
                    "position": j,
                    "baseline": b.baseline,
                    "forecast": b.forecast,
                    "actual": b.actual,
                    "narrative": b.narrative.model_dump(mode="json") if b.narrative else None,
                }
            )
        for r in rec.risk:
            risk.append(
                {
                    "project_id": pid,
                    "assessed_on": r.date,
                    "rating": r.rating,
                    "score": r.score,
                    "narrative": r.narrative.model_dump(mode="json"),
                }
            )
        for j, (skill, fte) in enumerate(rec.staffing.demand.items()):
            demand.append({"project_id": pid, "skill": skill, "position": j, "fte": fte})
    _insert(conn, t.portfolio_project, projects)
    _insert(conn, t.milestone, milestones)
    _insert(conn, t.budget_year, budget)
    _insert(conn, t.risk_assessment, risk)
    _insert(conn, t.staffing_demand, demand)
    people: list[dict[str, Any]] = []
    allocations: list[dict[str, Any]] = []
    for i, p in enumerate(pf.people):
        people.append({"id": p.id, "position": i, "capacity": p.capacity, "skills": p.skills})
        for a in p.allocations:
            allocations.append(
                {
                    "person_id": p.id,
                    "project_id": a.project,
                    "skill": a.skill,
                    "position": len(allocations),
                    "fte": a.fte,
                }
            )
    _insert(conn, t.person, people)
    _insert(conn, t.allocation, allocations)


def read_portfolio(conn: Connection) -> dict[str, Any] | None:
    """The stored portfolio as model data, or None when none was loaded."""
    row = conn.execute(
        select(t.portfolio_settings.c.data).where(t.portfolio_settings.c.key == SETTINGS_KEY)
    ).first()
    if row is None:
        return None
    by_project: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for m in conn.execute(select(t.milestone).order_by(t.milestone.c.position)):
        by_project[m.project_id]["milestones"].append(
            {
                "id": m.milestone_id,
                "name": m.name,
                "baseline": m.baseline,
                "rebaselines": m.rebaselines,
                "forecast": m.forecast,
                "actual": m.actual,
            }
        )
    for b in conn.execute(select(t.budget_year).order_by(t.budget_year.c.position)):
        by_project[b.project_id]["budget"].append(
            {
                "fiscal_year": b.fiscal_year,
                "baseline": b.baseline,
                "forecast": b.forecast,
                "actual": b.actual,
                "narrative": b.narrative,
            }
        )
    for r in conn.execute(select(t.risk_assessment).order_by(t.risk_assessment.c.assessed_on)):
        by_project[r.project_id]["risk"].append(
            {"date": r.assessed_on, "rating": r.rating, "narrative": r.narrative}
        )
    demand: dict[str, dict[str, float]] = defaultdict(dict)
    for d in conn.execute(select(t.staffing_demand).order_by(t.staffing_demand.c.position)):
        demand[d.project_id][d.skill] = d.fte
    projects = [
        {
            "project": p.project_id,
            "provenance": p.provenance,
            "phase": p.phase,
            "staffing": {"min_fte": p.min_fte, "demand": demand.get(p.project_id, {})},
            "public": p.public,
            **by_project.get(p.project_id, {}),
        }
        for p in conn.execute(select(t.portfolio_project).order_by(t.portfolio_project.c.position))
    ]
    allocations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in conn.execute(select(t.allocation).order_by(t.allocation.c.position)):
        allocations[a.person_id].append({"project": a.project_id, "skill": a.skill, "fte": a.fte})
    people = [
        {
            "id": p.id,
            "skills": p.skills,
            "capacity": p.capacity,
            "allocations": allocations.get(p.id, []),
        }
        for p in conn.execute(select(t.person).order_by(t.person.c.position))
    ]
    return {**row.data, "projects": projects, "people": people}


def read_baselines(conn: Connection) -> dict[tuple[str, str], tuple[date, list[dict[str, Any]]]]:
    """(project, milestone) → (original baseline, recorded rebaselines) as stored."""
    return {
        (m.project_id, m.milestone_id): (m.baseline, m.rebaselines)
        for m in conn.execute(select(t.milestone))
    }
