"""Staffing demand against supply, by project and skill, from the people's allocations."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ..model.portfolio import SKILLS, Portfolio
from .ratings import weight

Cell = tuple[str, str]  # (project, skill)


def demand(pf: Portfolio) -> dict[Cell, float]:
    """FTE demanded, by (project, skill)."""
    return {(r.project, s): fte for r in pf.projects for s, fte in r.staffing.demand.items() if fte}


def supply(pf: Portfolio) -> dict[Cell, float]:
    """FTE assigned, by (project, skill): the sum of the people's allocations."""
    out: dict[Cell, float] = defaultdict(float)
    for p in pf.people:
        for a in p.allocations:
            out[(a.project, a.skill)] += a.fte
    return dict(out)


def shortfall(need: float, have: float) -> float:
    """Unmet demand: what is needed and not there (never negative)."""
    return max(0.0, need - have)


def weighted_shortfall(pf: Portfolio, have: dict[Cell, float] | None = None) -> float:
    """Σ over projects and skills of risk weight × unmet demand (what `allocate` minimises)."""
    have = supply(pf) if have is None else have
    return math.fsum(
        weight(pf, project) * shortfall(need, have.get((project, skill), 0.0))
        for (project, skill), need in demand(pf).items()
    )


@dataclass(frozen=True)
class SkillRow:
    """Demand and supply of one skill, across projects or within one."""

    skill: str
    demand: float
    supply: float
    shortfall: float
    surplus: float
    capacity: float = 0.0
    bench: float = 0.0


def by_skill(pf: Portfolio) -> list[SkillRow]:
    """For each skill: FTE demanded, assigned, unmet, over-assigned, and people's capacity.

    `capacity` counts the whole capacity of everyone who has the skill (people with two skills
    appear under both); `bench` is their capacity not allocated to any project.
    """
    need, have = demand(pf), supply(pf)
    rows = []
    for s in SKILLS:
        cells = {c for c in (*need, *have) if c[1] == s}
        d = math.fsum(need.get(c, 0.0) for c in cells)
        a = math.fsum(have.get(c, 0.0) for c in cells)
        short = math.fsum(shortfall(need.get(c, 0.0), have.get(c, 0.0)) for c in cells)
        over = math.fsum(shortfall(have.get(c, 0.0), need.get(c, 0.0)) for c in cells)
        cap = math.fsum(p.capacity for p in pf.people if s in p.skills)
        bench = math.fsum(p.capacity - p.allocated for p in pf.people if s in p.skills)
        rows.append(SkillRow(s, d, a, short, over, cap, max(0.0, bench)))
    return rows


def by_project(pf: Portfolio, project: str) -> list[SkillRow]:
    """Demand and supply of each skill a project asks for or has."""
    need, have = demand(pf), supply(pf)
    rows = []
    for s in SKILLS:
        d, a = need.get((project, s), 0.0), have.get((project, s), 0.0)
        if d or a:
            rows.append(SkillRow(s, d, a, shortfall(d, a), shortfall(a, d)))
    return rows
