"""Portfolio rules for `nenpo check`: each returns Problems located at file and line.

- a budget variance above the threshold (5% by default) needs a narrative;
- a milestone's original baseline never changes, and recorded rebaselines are never removed:
  a change of plan is a new entry under `rebaselines:` (checked against what the store holds).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import Problem
from ..ingest.where import Where
from ..japan.numbers import number
from ..model.workspace import Workspace
from .variance import budget, money


def _at(
    where: Where | None, project: str, sub: tuple[str | int, ...], msg: str, fld: str
) -> Problem:
    file, line = where.of("portfolio", project, *sub) if where else ("", None)
    # Without recorded places the file is known by convention, the line is not.
    return Problem(file or f"portfolio/projects/{project}.yaml", line, fld, msg)


def budget_narratives(ws: Workspace, where: Where | None = None) -> list[Problem]:
    """A budget year whose variance exceeds the threshold and has no narrative (located by
    `where` when the workspace was just read)."""
    pf = ws.portfolio
    if pf is None:
        return []
    out = []
    for rec in pf.projects:
        for i, b in enumerate(rec.budget):
            v = budget(rec.project, b, pf.budget_threshold)
            if not v.needs_narrative:
                continue
            side = "over" if v.variance > 0 else "under"
            out.append(
                _at(
                    where,
                    rec.project,
                    ("budget", i),
                    f"{b.fiscal_year}: the {v.basis} {money(v.amount)} is "
                    f"{number(abs(v.percent), 1)}% {side} the baseline {money(v.baseline)}; "
                    f"a variance above {pf.budget_threshold:g}% needs a narrative (narrative:)",
                    f"budget[{i}].narrative",
                )
            )
    return out


Stored = dict[tuple[str, str], tuple[dt.date, list[dict[str, Any]]]]


def silent_rebaselines(ws: Workspace, where: Where, stored: Stored) -> list[Problem]:
    """Milestones whose original baseline changed, or whose recorded rebaselines vanished.

    `ws` and `where` are the workspace just read and where each object was defined; `stored`
    is what the store holds (Store.baselines()); a milestone new to the store is fine.
    """
    pf = ws.portfolio
    if pf is None:
        return []
    out = []
    for rec in pf.projects:
        for i, m in enumerate(rec.milestones):
            before = stored.get((rec.project, m.id))
            if before is None:
                continue
            baseline, rebaselines = before
            if m.baseline != baseline:
                out.append(
                    where.problem(
                        "portfolio",
                        rec.project,
                        ("milestones", i, "baseline"),
                        f"the original baseline of {m.id!r} was {baseline.isoformat()} and is "
                        f"now {m.baseline.isoformat()}; keep the original and record the new "
                        "date under rebaselines: (date, baseline, reason)",
                    )
                )
            now = [r.model_dump(mode="json") for r in m.rebaselines]
            if now[: len(rebaselines)] != rebaselines:
                out.append(
                    where.problem(
                        "portfolio",
                        rec.project,
                        ("milestones", i, "rebaselines"),
                        f"{m.id!r} had {len(rebaselines)} recorded rebaseline(s) that are "
                        "changed or gone; rebaselines are history: add new ones after them",
                    )
                )
    return out
