"""The optimiser's plan and its failures in words: who moves where, what it closes, and why not.

Moves are put in the order that closes the most risk-weighted shortfall first; each move's
`delta` is the change it makes applied after the ones before it, so the deltas add up to the
plan's whole improvement. When no plan meets every constraint, an elastic version of the model
(minimum staffing allowed to fall short, at a cost) finds which minimum cannot be met, and
whether more moves would help.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..japan.numbers import number
from ..model.portfolio import SKILL_LABELS
from .allocate import EPS, AllocationProblem, Cell, Move, _build, _solve

Names = dict[str, str]


def _short(prob: AllocationProblem, have: dict[Cell, float], c: Cell) -> float:
    return max(0.0, prob.demand.get(c, 0.0) - have.get(c, 0.0))


def _change(move: Move) -> dict[Cell, float]:
    cells = set(move.before) | set(move.after)
    return {c: move.after.get(c, 0.0) - move.before.get(c, 0.0) for c in cells}


def _delta(prob: AllocationProblem, have: dict[Cell, float], change: dict[Cell, float]) -> float:
    total = 0.0
    for c, d in change.items():
        if c in prob.demand:
            w = prob.weights[c[0]]
            total += w * (max(0.0, prob.demand[c] - have.get(c, 0.0) - d) - _short(prob, have, c))
    return total


def order_moves(prob: AllocationProblem, moves: list[Move]) -> None:
    """Order moves best first and record each one's effect, applied after those before it.

    Greedy: apply the move that lowers the risk-weighted shortfall most, then the next given
    that one, and so on. A move's effect depends only on the cells it touches, so after each
    step only the moves sharing a cell with it are re-evaluated (a heap keeps the order).
    """
    have: dict[Cell, float] = defaultdict(float, prob.supply())
    changes = [_change(mv) for mv in moves]
    touching: dict[Cell, list[int]] = defaultdict(list)
    for i, change in enumerate(changes):
        for c in change:
            touching[c].append(i)
    version = [0] * len(moves)
    heap = [(_delta(prob, have, ch), moves[i].person, i, 0) for i, ch in enumerate(changes)]
    heapq.heapify(heap)
    done = [False] * len(moves)
    ordered: list[Move] = []
    while heap:
        delta, _person, i, v = heapq.heappop(heap)
        if done[i] or v != version[i]:
            continue
        done[i] = True
        mv, change = moves[i], changes[i]
        mv.delta = delta
        mv.shortfall_before = {c: _short(prob, have, c) for c in change if c in prob.demand}
        for c, d in change.items():
            have[c] += d
        mv.shortfall_after = {c: _short(prob, have, c) for c in change if c in prob.demand}
        ordered.append(mv)
        for k in {k for c in change for k in touching[c] if not done[k]}:
            version[k] += 1
            heapq.heappush(heap, (_delta(prob, have, changes[k]), moves[k].person, k, version[k]))
    moves[:] = ordered


@dataclass(frozen=True)
class Reason:
    """Why no plan exists: a project's minimum cannot be reached, with or without more moves."""

    project: str
    minimum: float
    reachable: float
    max_moves: int
    moves_needed: int | None  # None: no number of moves is enough

    def text(self, lang: str = "ja", names: Names | None = None) -> str:
        """The reason as a sentence."""
        name = (names or {}).get(self.project, self.project)
        m, r = number(self.minimum, 1), number(self.reachable, 1)
        if self.moves_needed is None:
            if lang == "ja":
                return (
                    f"最低配置：{name}は最低{m} FTEが必要ですが、移動の上限をなくしても"
                    f"{r} FTEまでしか配置できません"
                    "（この事業が求める・持つスキルの人員が足りません）。"
                )
            return (
                f"minimum staffing: {name} needs at least {m} FTE, but even with no limit on "
                f"moves at most {r} FTE can be placed there (not enough people with the skills "
                "it asks for or has)."
            )
        if lang == "ja":
            return (
                f"移動の上限：{name}は最低{m} FTEが必要ですが、{self.max_moves}人までの移動では"
                f"{r} FTEまでしか配置できません。すべての最低配置を満たすには少なくとも"
                f"{self.moves_needed}人の移動が必要です。"
            )
        return (
            f"move limit: {name} needs at least {m} FTE, but with at most {self.max_moves} "
            f"moves only {r} FTE can be placed there; meeting every minimum takes at least "
            f"{self.moves_needed} moves."
        )


def _reachable(prob: AllocationProblem, max_moves: int, time_limit: float) -> dict[str, float]:
    """Shortfall below each project's minimum when minimums may be missed at a cost."""
    built = _build(prob, max_moves, "elastic")
    h = built.model.highs(1e-9, time_limit)
    _status, x, _obj, _gap = _solve(h)
    if x is None:  # pragma: no cover - the elastic model is always feasible
        return {}
    out = {}
    for j, slack_col in built.slacks.items():
        if x[slack_col] > 1e-6:
            out[j] = float(x[slack_col])
    return out


def _fewest_moves_for_minimums(prob: AllocationProblem, time_limit: float) -> int | None:
    built = _build(prob, len(prob.people), "moves")
    h = built.model.highs(1e-9, time_limit)
    _status, x, _obj, _gap = _solve(h)
    if x is None:
        return None
    return round(float(np.sum(x[built.z])))


def infeasibility(prob: AllocationProblem, time_limit: float = 60.0) -> list[Reason]:
    """Which constraint makes the problem infeasible, as readable reasons."""
    short = _reachable(prob, prob.max_moves, time_limit)
    unlimited = _reachable(prob, len(prob.people), time_limit)
    needed = None if unlimited else _fewest_moves_for_minimums(prob, time_limit)
    reasons = []
    for j in sorted(set(short) | set(unlimited)):
        gap = unlimited.get(j, short.get(j, 0.0))
        reasons.append(
            Reason(
                project=j,
                minimum=prob.min_fte[j],
                reachable=max(0.0, prob.min_fte[j] - gap),
                max_moves=prob.max_moves,
                moves_needed=None if j in unlimited else needed,
            )
        )
    return reasons


def _cells(cells: dict[Cell, float], lang: str, names: Names) -> str:
    """'Project (Skill 1.00, Skill 0.50), Other (Skill 0.50)', one group per project."""
    by_project: dict[str, list[str]] = defaultdict(list)
    for (j, s), v in cells.items():
        by_project[j].append(f"{SKILL_LABELS[s].get(lang)} {number(v, 2)}")
    if lang == "ja":
        return "、".join(
            f"{names.get(j, j)}（{'、'.join(parts)}）" for j, parts in by_project.items()
        )
    return ", ".join(f"{names.get(j, j)} ({', '.join(parts)})" for j, parts in by_project.items())


def describe(
    move: Move, prob: AllocationProblem, lang: str = "ja", names: Names | None = None
) -> str:
    """One move in words: who, from where to where, which shortfall it closes, the effect."""
    names = names or {}
    skills = ("・" if lang == "ja" else "/").join(SKILL_LABELS[s].get(lang) for s in move.skills)
    leaves, joins = move.leaves, move.joins
    closes = {
        c: (move.shortfall_before[c], move.shortfall_after[c])
        for c in joins
        if c in move.shortfall_before and move.shortfall_before[c] > move.shortfall_after[c] + EPS
    }
    opens = {
        c: (move.shortfall_before[c], move.shortfall_after[c])
        for c in leaves
        if c in move.shortfall_before and move.shortfall_after[c] > move.shortfall_before[c] + EPS
    }
    if lang == "ja":
        src = _cells(leaves, lang, names) if leaves else "未配置（空き工数）"
        text = (
            f"{move.person}（{skills}、{number(move.capacity, 2)} FTE）："
            f"{src}から{_cells(joins, lang, names)}へ。"
        )
        for (j, s), (b, a) in closes.items():
            text += (
                f"{names.get(j, j)}の{SKILL_LABELS[s].ja}の不足{number(b, 2)} FTEを"
                f"{number(a, 2)} FTEに減らします（リスク重み{number(prob.weights[j], 1)}）。"
            )
        for (j, s), (b, a) in opens.items():
            text += (
                f"{names.get(j, j)}の{SKILL_LABELS[s].ja}の不足は"
                f"{number(b, 2)}から{number(a, 2)} FTEに増えます。"
            )
        return text + f"リスク加重不足の変化：{number(move.delta, 2, sign=True)}。"
    src = _cells(leaves, lang, names) if leaves else "the bench (unallocated time)"
    text = (
        f"{move.person} ({skills}, {number(move.capacity, 2)} FTE): from {src} to "
        f"{_cells(joins, lang, names)}."
    )
    for (j, s), (b, a) in closes.items():
        text += (
            f" Cuts the {SKILL_LABELS[s].en} shortfall of {names.get(j, j)} from {number(b, 2)} to "
            f"{number(a, 2)} FTE (risk weight {number(prob.weights[j], 1)})."
        )
    for (j, s), (b, a) in opens.items():
        text += (
            f" The {SKILL_LABELS[s].en} shortfall of {names.get(j, j)} grows from {number(b, 2)} "
            f"to {number(a, 2)} FTE."
        )
    return text + f" Change in risk-weighted shortfall: {number(move.delta, 2, sign=True)}."
