"""The staff-allocation optimiser (貴重な人材の最適配置): a MILP solved by HiGHS (highspy).

The problem. Each person p has skills, a capacity c_p (FTE) and a current allocation a_p,c over
cells c = (project, skill). Each cell has a demand d_c; each project j a risk weight w_j (from its
latest rating) and a minimum total staffing m_j. A *move* changes one person's allocation (giving
work to someone on the bench is a move too). Minimise the risk-weighted unmet demand

    Σ_c w_j(c) · max(0, d_c − supply_c)

subject to: each person's allocation within their capacity and skills; every project at or above
its minimum; at most K moves. Among the optimal plans the one with the fewest moves is chosen.

The formulation. A person who is not moved keeps their allocation, so only the *moved* people's
capacity is free, and moved people with the same skill set are interchangeable. So: one binary
z_p per person (moved or not) and, per skill set k, continuous flows f_k,c of moved capacity into
cells. Without the per-person split the model stays small (300 projects × 2,000 people solve in
seconds); the plan is split back into people afterwards (`_disaggregate`), which is exact because
a person's time may be divided between projects. People move only into a skill a project asks
for (demand > 0) or already has.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import highspy
import numpy as np

from ..errors import NenpoError
from ..model.portfolio import Portfolio
from .ratings import weight

if TYPE_CHECKING:
    from .explain import Reason

Cell = tuple[str, str]  # (project, skill)
EPS = 1e-7  # below this an FTE is zero (solver tolerance is ~1e-7)
ROUND = 6  # FTE are reported to the millionth


class AllocationError(NenpoError):
    """The allocation problem's input is inconsistent (not: infeasible, which is a result)."""

    exit_code = 3


@dataclass(frozen=True)
class Holder:
    """One person as the optimiser sees them."""

    id: str
    skills: tuple[str, ...]
    capacity: float
    allocation: dict[Cell, float]


@dataclass
class AllocationProblem:
    """People, demand by (project, skill), risk weights, minimum staffing and the move limit."""

    people: list[Holder]
    demand: dict[Cell, float]
    weights: dict[str, float]
    min_fte: dict[str, float]
    max_moves: int

    def __post_init__(self) -> None:
        bad = []
        if self.max_moves < 0:
            bad.append(f"the move limit is {self.max_moves}; it must be 0 or more")
        for p in self.people:
            used = sum(p.allocation.values())
            if used > p.capacity + 1e-9:
                bad.append(f"{p.id} is allocated {used:g} FTE, over their capacity {p.capacity:g}")
            for (project, skill), fte in p.allocation.items():
                self.weights.setdefault(project, 1.0)
                if skill not in p.skills:
                    bad.append(f"{p.id} is allocated as {skill} but has no such skill")
                if fte < 0:
                    bad.append(f"{p.id} has a negative allocation")
        for (project, _skill), d in self.demand.items():
            if d < 0:
                bad.append(f"{project} has a negative demand")
            self.weights.setdefault(project, 1.0)
        if bad:
            raise AllocationError("the allocation problem is inconsistent: " + "; ".join(bad))

    @classmethod
    def from_portfolio(cls, pf: Portfolio, max_moves: int | None = None) -> AllocationProblem:
        """The problem a workspace's portfolio poses, weights from each project's latest rating."""
        demand: dict[Cell, float] = {
            (r.project, s): fte for r in pf.projects for s, fte in r.staffing.demand.items() if fte
        }
        people = [
            Holder(
                p.id,
                tuple(p.skills),
                p.capacity,
                _merge([((a.project, a.skill), a.fte) for a in p.allocations]),
            )
            for p in pf.people
        ]
        projects = {r.project for r in pf.projects} | {c[0] for h in people for c in h.allocation}
        return cls(
            people=people,
            demand=demand,
            weights={j: weight(pf, j) for j in sorted(projects)},
            min_fte={r.project: r.staffing.min_fte for r in pf.projects if r.staffing.min_fte},
            max_moves=pf.max_moves if max_moves is None else max_moves,
        )

    def supply(self) -> dict[Cell, float]:
        """FTE currently in each cell."""
        out: dict[Cell, float] = defaultdict(float)
        for p in self.people:
            for c, fte in p.allocation.items():
                out[c] += fte
        return dict(out)

    def objective(self, allocation: dict[str, dict[Cell, float]] | None = None) -> float:
        """Risk-weighted unmet demand of an allocation (person → cell → FTE; default: current)."""
        have: dict[Cell, float] = defaultdict(float)
        for p in self.people:
            alloc = p.allocation if allocation is None else allocation.get(p.id, p.allocation)
            for c, fte in alloc.items():
                have[c] += fte
        return sum(self.weights[c[0]] * max(0.0, d - have[c]) for c, d in self.demand.items())


def _merge(pairs: list[tuple[Cell, float]]) -> dict[Cell, float]:
    out: dict[Cell, float] = defaultdict(float)
    for c, fte in pairs:
        out[c] += fte
    return dict(out)


@dataclass
class Move:
    """One person's change: their allocation before and after, and what it does."""

    person: str
    skills: tuple[str, ...]
    capacity: float
    before: dict[Cell, float]
    after: dict[Cell, float]
    delta: float = 0.0  # change of the risk-weighted shortfall when applied, in order
    shortfall_before: dict[Cell, float] = field(default_factory=dict)
    shortfall_after: dict[Cell, float] = field(default_factory=dict)

    @property
    def leaves(self) -> dict[Cell, float]:
        """Cells the person gives time up in, and how much."""
        cells = set(self.before) | set(self.after)
        out = {c: self.before.get(c, 0.0) - self.after.get(c, 0.0) for c in cells}
        return {c: round(v, ROUND) for c, v in sorted(out.items()) if v > EPS}

    @property
    def joins(self) -> dict[Cell, float]:
        """Cells the person gives more time to, and how much."""
        cells = set(self.before) | set(self.after)
        out = {c: self.after.get(c, 0.0) - self.before.get(c, 0.0) for c in cells}
        return {c: round(v, ROUND) for c, v in sorted(out.items()) if v > EPS}


Status = Literal["optimal", "feasible", "infeasible"]


@dataclass
class AllocationResult:
    """The plan: status, risk-weighted shortfall before and after, the moves, the reasons."""

    status: Status
    objective_before: float
    objective_after: float | None
    moves: list[Move]
    allocation: dict[str, dict[Cell, float]]
    max_moves: int
    gap: float | None = None
    reasons: list[Reason] = field(default_factory=list)
    seconds: float = 0.0
    size: dict[str, int] = field(default_factory=dict)


class _Model:
    """Columns and rows collected as arrays, then handed to HiGHS in one call each."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def col(
        self, cost: float, lo: float = 0.0, hi: float = highspy.kHighsInf, integer: bool = False
    ) -> int:
        self.cost.append(cost)
        self.lower.append(lo)
        self.upper.append(hi)
        if integer:
            self.integer.append(len(self.cost) - 1)
        return len(self.cost) - 1

    def row(self, entries: dict[int, float], lo: float, hi: float) -> int:
        self.starts.append(len(self.index))
        for i, v in entries.items():
            if v:
                self.index.append(i)
                self.value.append(v)
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        return len(self.row_lo) - 1

    def highs(self, gap: float, time_limit: float) -> Any:
        # The base class: highspy.Highs prints a banner on stdout when it is created, before
        # output_flag can be turned off, which would corrupt `nenpo allocate --json`.
        h = highspy._Highs()  # type: ignore[attr-defined]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", gap)
        h.setOptionValue("mip_abs_gap", 1e-9)
        h.setOptionValue("time_limit", float(time_limit))
        # Tighter than HiGHS's default 1e-6 (MIP) and 1e-7 (LP): FTE are reported to the
        # millionth, and a minimum of 0.5 FTE met as 0.4999995 would read as missed.
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        n = len(self.cost)
        h.addVars(n, np.array(self.lower), np.array(self.upper))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(self.cost))
        if self.integer:
            idx = np.array(self.integer, dtype=np.int32)
            h.changeColsIntegrality(len(idx), idx, np.ones(len(idx), dtype=np.uint8))
        if self.row_lo:
            h.addRows(
                len(self.row_lo),
                np.array(self.row_lo),
                np.array(self.row_hi),
                len(self.index),
                np.array(self.starts, dtype=np.int32),
                np.array(self.index, dtype=np.int32),
                np.array(self.value),
            )
        return h


@dataclass
class _Built:
    model: _Model
    z: list[int]
    flows: dict[tuple[tuple[str, ...], Cell], int]
    short: dict[Cell, int]
    min_rows: dict[str, int]
    slacks: dict[str, int]
    moves_row: int
    classes: dict[tuple[str, ...], list[int]]


Mode = Literal["shortfall", "elastic", "moves"]


def _build(prob: AllocationProblem, max_moves: float, mode: Mode = "shortfall") -> _Built:
    """The MILP. `shortfall`: the problem itself. `elastic`: minimums may fall short at a cost,
    nothing else costs (what cannot be reached?). `moves`: fewest moves meeting every minimum."""
    m = _Model()
    have = prob.supply()
    classes: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, p in enumerate(prob.people):
        classes[tuple(sorted(p.skills))].append(i)
    # Where moved capacity may go: cells with demand, or already staffed (for minimum staffing).
    open_cells = sorted(
        {c for c, d in prob.demand.items() if d > EPS} | {c for c, v in have.items() if v > EPS}
    )
    z = [m.col(1.0 if mode == "moves" else 0.0, 0.0, 1.0, integer=True) for _ in prob.people]
    flows: dict[tuple[tuple[str, ...], Cell], int] = {}
    for k in classes:
        for c in open_cells:
            if c[1] in k:
                flows[(k, c)] = m.col(0.0)
    short = {
        c: m.col(prob.weights[c[0]] if mode == "shortfall" else 0.0)
        for c, d in sorted(prob.demand.items())
        if d > EPS
    }
    by_cell: dict[Cell, dict[int, float]] = defaultdict(dict)  # cell → {z column: −a_p,c}
    for i, p in enumerate(prob.people):
        for c, fte in p.allocation.items():
            by_cell[c][z[i]] = -fte
    for k, members in classes.items():
        cap_row = {col: 1.0 for (kk, _c), col in flows.items() if kk == k}
        cap_row.update({z[i]: -prob.people[i].capacity for i in members})
        m.row(cap_row, -highspy.kHighsInf, 0.0)
    into: dict[Cell, dict[int, float]] = defaultdict(dict)
    for (_k, c), col in flows.items():
        into[c][col] = 1.0
    for c, col in short.items():
        m.row(
            {col: 1.0, **into[c], **by_cell[c]},
            prob.demand[c] - have.get(c, 0.0),
            highspy.kHighsInf,
        )
    min_rows, slacks = {}, {}
    for j, least in sorted(prob.min_fte.items()):
        if least <= EPS:
            continue
        entries: dict[int, float] = {}
        current = 0.0
        for c in open_cells:
            if c[0] == j:
                entries.update(into[c])
                for col, v in by_cell[c].items():
                    entries[col] = entries.get(col, 0.0) + v
                current += have.get(c, 0.0)
        if mode == "elastic":
            slacks[j] = m.col(1.0)
            entries[slacks[j]] = 1.0
        min_rows[j] = m.row(entries, least - current, highspy.kHighsInf)
    moves_row = m.row({col: 1.0 for col in z}, -highspy.kHighsInf, float(max_moves))
    return _Built(m, z, flows, short, min_rows, slacks, moves_row, dict(classes))


def _solve(h: Any) -> tuple[str, np.ndarray | None, float, float | None]:
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    has = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.array(h.getSolution().col_value) if has else None
    gap = info.mip_gap if has else None
    return status, x, info.objective_function_value, gap


def solve(prob: AllocationProblem, gap: float = 1e-6, time_limit: float = 60.0) -> AllocationResult:
    """Optimise the allocation; when no plan meets every constraint, say which one fails."""
    from .explain import infeasibility, order_moves

    t0 = time.perf_counter()
    before = prob.objective()
    built = _build(prob, prob.max_moves)
    h = built.model.highs(gap, time_limit)
    status, x, best, found_gap = _solve(h)
    size = {
        "people": len(prob.people),
        "skill_sets": len(built.classes),
        "columns": len(built.model.cost),
        "rows": len(built.model.row_lo),
        "binaries": len(built.z),
    }
    if x is None:
        if status == "Infeasible":
            reasons = infeasibility(prob, time_limit)
        else:
            raise AllocationError(f"HiGHS stopped without a plan ({status}); allow more time")
        return AllocationResult(
            "infeasible",
            before,
            None,
            [],
            {},
            prob.max_moves,
            reasons=reasons,
            seconds=time.perf_counter() - t0,
            size=size,
        )
    # The time limit bounds the whole solve: the second pass gets what the first left.
    left = time_limit - (time.perf_counter() - t0)
    if left > 0:
        h.setOptionValue("time_limit", left)
        x = _fewest_moves(h, built, x, best)
    allocation = _disaggregate(prob, built, x)
    moves = _moves(prob, allocation)
    order_moves(prob, moves)
    optimal = status == "Optimal"
    return AllocationResult(
        "optimal" if optimal else "feasible",
        before,
        prob.objective(allocation),
        moves,
        allocation,
        prob.max_moves,
        gap=0.0 if optimal else found_gap,
        seconds=time.perf_counter() - t0,
        size=size,
    )


def _fewest_moves(h: Any, built: _Built, x: np.ndarray, best: float) -> np.ndarray:
    """Second pass: keep the risk-weighted shortfall at its optimum, minimise the moves."""
    m = built.model
    cols = list(built.short.values())
    # A little room over the optimum: the solver's own tolerances are ~1e-7 per row.
    h.addRow(
        -highspy.kHighsInf,
        best + 1e-6 + 1e-7 * abs(best),
        len(cols),
        np.array(cols, dtype=np.int32),
        np.array([m.cost[c] for c in cols]),
    )
    n = len(m.cost)
    cost = np.zeros(n)
    cost[built.z] = 1.0
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    start = highspy.HighsSolution()
    start.col_value = list(x)
    start.value_valid = True
    h.setSolution(start)
    # The move count is a whole number: a gap under one move proves the fewest.
    h.setOptionValue("mip_abs_gap", 0.999)
    h.setOptionValue("mip_rel_gap", 0.0)
    _status, x2, _moves_count, _gap = _solve(h)
    return x if x2 is None else x2


def _disaggregate(
    prob: AllocationProblem, built: _Built, x: np.ndarray
) -> dict[str, dict[Cell, float]]:
    """Split each skill set's flows back into people: moved people first keep what they can of
    their own cells, then fill the rest of the flows in order (a person may be split)."""
    out: dict[str, dict[Cell, float]] = {}
    for k, members in built.classes.items():
        moved = [i for i in members if x[built.z[i]] > 0.5]
        if not moved:
            continue
        left = {
            c: float(x[col]) for (kk, c), col in built.flows.items() if kk == k and x[col] > EPS
        }
        room = {i: prob.people[i].capacity for i in moved}
        new: dict[int, dict[Cell, float]] = {i: defaultdict(float) for i in moved}
        for i in moved:  # stay where one already works, as far as the plan keeps that work
            for c, fte in prob.people[i].allocation.items():
                take = min(fte, left.get(c, 0.0), room[i])
                if take > EPS:
                    new[i][c] += take
                    left[c] -= take
                    room[i] -= take
        # Highest-weighted cells first; each flow goes whole to the person it fits best (the
        # least room that holds it), else to whoever has most room: fewer people are split.
        for c in sorted(left, key=lambda c: (-prob.weights[c[0]], -left[c], c)):
            while left[c] > EPS:
                fits = [i for i in moved if room[i] >= left[c] - EPS]
                free = [i for i in moved if room[i] > EPS]
                if not free:
                    break
                i = (
                    min(fits, key=lambda i: (room[i], i))
                    if fits
                    else max(free, key=lambda i: (room[i], -i))
                )
                take = min(left[c], room[i])
                new[i][c] += take
                left[c] -= take
                room[i] -= take
        for i in moved:
            out[prob.people[i].id] = {
                c: round(v, ROUND) for c, v in sorted(new[i].items()) if round(v, ROUND) > 0
            }
    return out


def _moves(prob: AllocationProblem, allocation: dict[str, dict[Cell, float]]) -> list[Move]:
    """The people whose allocation changed (a moved person may end where they were: no move)."""
    out = []
    for p in prob.people:
        after = allocation.get(p.id)
        if after is None:
            continue
        cells = set(after) | set(p.allocation)
        if all(abs(after.get(c, 0.0) - p.allocation.get(c, 0.0)) <= 1e-6 for c in cells):
            allocation[p.id] = dict(p.allocation)
            continue
        out.append(Move(p.id, p.skills, p.capacity, dict(p.allocation), after))
    return out
