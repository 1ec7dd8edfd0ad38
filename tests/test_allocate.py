"""The allocation optimiser: brute-force optimum on small random instances, every constraint,
readable reasons when infeasible, and explanations that add up."""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nenpo.ingest.workspace import read_workspace
from nenpo.portfolio.allocate import (
    AllocationError,
    AllocationProblem,
    AllocationResult,
    Holder,
    solve,
)
from nenpo.portfolio.explain import describe

Cell = tuple[str, str]
TOL = 1e-5
UNIT = 0.5  # instances use half-FTE steps: the optimum is then half-integral (see brute_force)


def open_cells(prob: AllocationProblem) -> set[Cell]:
    """Where moved people may go: cells with demand or already staffed (the model's rule)."""
    have = prob.supply()
    return {c for c, d in prob.demand.items() if d > 0} | {c for c, v in have.items() if v > 0}


def objective(prob: AllocationProblem, alloc: dict[str, dict[Cell, float]]) -> float:
    have: dict[Cell, float] = defaultdict(float)
    for cells in alloc.values():
        for c, v in cells.items():
            have[c] += v
    return sum(prob.weights[c[0]] * max(0.0, d - have[c]) for c, d in prob.demand.items())


def meets_minimums(prob: AllocationProblem, alloc: dict[str, dict[Cell, float]]) -> bool:
    per: dict[str, float] = defaultdict(float)
    for cells in alloc.values():
        for (j, _s), v in cells.items():
            per[j] += v
    return all(per[j] >= m - 1e-9 for j, m in prob.min_fte.items())


def options(person: Holder, cells: list[Cell]) -> list[dict[Cell, float]]:
    """Every way to spread a person's capacity over cells in half-FTE units (some may idle)."""
    mine = [c for c in cells if c[1] in person.skills]
    units = round(person.capacity / UNIT)
    out = []
    for combo in itertools.combinations_with_replacement([*mine, None], units):
        alloc: dict[Cell, float] = defaultdict(float)
        for c in combo:
            if c is not None:
                alloc[c] += UNIT
        out.append(dict(alloc))
    return out


def brute_force(prob: AllocationProblem) -> float | None:
    """The optimum by enumerating who moves and where, in half-FTE units; None: infeasible.

    Exact for half-FTE data: with the moved people fixed, the rest is a flow problem (person,
    cell and project rows form two laminar families, a totally unimodular matrix), so an optimal
    allocation exists in half-FTE units.
    """
    cells = sorted(open_cells(prob))
    choices = [[None, *options(p, cells)] for p in prob.people]
    best: float | None = None
    for pick in itertools.product(*choices):
        moved = sum(1 for x in pick if x is not None)
        if moved > prob.max_moves:
            continue
        alloc = {
            p.id: (p.allocation if x is None else x) for p, x in zip(prob.people, pick, strict=True)
        }
        if not meets_minimums(prob, alloc):
            continue
        value = objective(prob, alloc)
        if best is None or value < best:
            best = value
    return best


def assert_plan_holds(prob: AllocationProblem, res: AllocationResult) -> None:
    """Every constraint of the model holds in the optimiser's plan."""
    alloc = {p.id: res.allocation.get(p.id, p.allocation) for p in prob.people}
    cells = open_cells(prob)
    changed = 0
    for p in prob.people:
        new = alloc[p.id]
        assert sum(new.values()) <= p.capacity + 1e-6, f"{p.id} over capacity"
        for c, v in new.items():
            assert v >= 0
            assert c[1] in p.skills, f"{p.id} placed as {c[1]} without the skill"
        if new != p.allocation:
            changed += 1
            assert all(c in cells for c in new), f"{p.id} moved into a closed cell"
    assert changed == len(res.moves) <= prob.max_moves
    assert {m.person for m in res.moves} == {
        p.id for p in prob.people if alloc[p.id] != p.allocation
    }
    assert meets_minimums(prob, alloc)
    assert res.objective_after == pytest.approx(objective(prob, alloc), abs=TOL)
    # The ordered moves' effects add up to the whole improvement.
    total = sum(m.delta for m in res.moves)
    assert total == pytest.approx(res.objective_after - res.objective_before, abs=TOL)


SKILLS2 = ["engineering", "security"]


@st.composite
def instances(draw: st.DrawFn) -> AllocationProblem:
    n_projects = draw(st.integers(2, 3))
    projects = [f"j{i}" for i in range(n_projects)]
    cells = [(j, s) for j in projects for s in SKILLS2]
    people = []
    for i in range(draw(st.integers(1, 3))):
        skills = draw(st.sampled_from([("engineering",), ("security",), tuple(SKILLS2)]))
        capacity = draw(st.sampled_from([0.5, 1.0]))
        mine = [c for c in cells if c[1] in skills]
        alloc: dict[Cell, float] = {}
        kind = draw(st.sampled_from(["bench", "one", "one", "split"]))
        if kind == "one":
            alloc[draw(st.sampled_from(mine))] = capacity
        elif kind == "split" and capacity == 1.0:
            a, b = draw(st.lists(st.sampled_from(mine), min_size=2, max_size=2, unique=True))
            alloc = {a: 0.5, b: 0.5}
        people.append(Holder(f"p{i}", skills, capacity, alloc))
    demand = {c: d for c in cells if (d := draw(st.sampled_from([0.0, 0.5, 1.0, 1.5])))}
    weights = {j: float(draw(st.integers(1, 5))) for j in projects}
    minimum = {j: m for j in projects if (m := draw(st.sampled_from([0.0, 0.0, 0.0, 0.5, 1.0])))}
    max_moves = draw(st.integers(0, len(people)))
    return AllocationProblem(people, demand, weights, minimum, max_moves)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimum_equals_brute_force_and_constraints_hold(prob: AllocationProblem) -> None:
    expected = brute_force(prob)
    res = solve(prob, gap=0.0)
    event("infeasible" if expected is None else f"moves: {len(res.moves)}")
    if expected is None:
        assert res.status == "infeasible"
        assert res.reasons, "an infeasible problem must say why"
        return
    assert res.status == "optimal", [r.text("en") for r in res.reasons]
    assert res.objective_after == pytest.approx(expected, abs=TOL)
    assert_plan_holds(prob, res)


def _bench(pid: str, skills: tuple[str, ...], cap: float = 1.0) -> Holder:
    return Holder(pid, skills, cap, {})


def test_a_minimum_no_one_can_meet_names_the_project() -> None:
    prob = AllocationProblem(
        [Holder("p1", ("engineering",), 1.0, {("cloud", "engineering"): 1.0})],
        {("cloud", "engineering"): 2.0},
        {"cloud": 5.0},
        {"cloud": 3.0},
        max_moves=5,
    )
    res = solve(prob)
    assert res.status == "infeasible" and res.objective_after is None
    (reason,) = res.reasons
    assert reason.project == "cloud" and reason.moves_needed is None
    assert reason.reachable == pytest.approx(1.0)
    text = reason.text("en", {"cloud": "Government Cloud"})
    assert "Government Cloud needs at least 3.0 FTE" in text
    assert "even with no limit on moves at most 1.0 FTE" in text
    assert "ガバメントクラウドは最低3.0 FTEが必要" in reason.text(
        "ja", {"cloud": "ガバメントクラウド"}
    )


def test_a_move_limit_too_low_says_how_many_moves_are_needed() -> None:
    people = [_bench(f"p{i}", ("data",)) for i in range(3)]
    prob = AllocationProblem(people, {("ai", "data"): 3.0}, {"ai": 4.0}, {"ai": 2.0}, max_moves=1)
    res = solve(prob)
    assert res.status == "infeasible"
    (reason,) = res.reasons
    assert reason.moves_needed == 2 and reason.reachable == pytest.approx(1.0)
    assert "with at most 1 moves only 1.0 FTE" in reason.text("en")
    assert "at least 2 moves" in reason.text("en")
    ok = solve(AllocationProblem(people, prob.demand, prob.weights, prob.min_fte, max_moves=2))
    assert ok.status == "optimal" and len(ok.moves) == 2


def test_moves_go_to_the_riskiest_shortfall_and_are_explained() -> None:
    prob = AllocationProblem(
        [
            Holder("p1", ("engineering",), 1.0, {("calm", "engineering"): 1.0}),
            Holder("p2", ("engineering",), 1.0, {("calm", "engineering"): 1.0}),
        ],
        {("calm", "engineering"): 1.0, ("fire", "engineering"): 1.0},
        {"calm": 1.0, "fire": 5.0},
        {"calm": 1.0},
        max_moves=1,
    )
    res = solve(prob)
    assert res.status == "optimal"
    assert res.objective_before == pytest.approx(5.0) and res.objective_after == pytest.approx(0)
    (move,) = res.moves
    assert move.leaves == {("calm", "engineering"): 1.0}
    assert move.joins == {("fire", "engineering"): 1.0}
    assert move.delta == pytest.approx(-5.0)
    names = {"calm": "e-Gov", "fire": "防災DX"}
    text = describe(move, prob, "ja", names)
    assert text.startswith(
        f"{move.person}（エンジニアリング、1.00 FTE）：e-Gov（エンジニアリング 1.00）"
    )
    assert "防災DXのエンジニアリングの不足1.00 FTEを0.00 FTEに減らします" in text
    assert "リスク加重不足の変化：-5.00" in text
    en = describe(move, prob, "en", names)
    assert "from e-Gov (Engineering 1.00) to 防災DX (Engineering 1.00)" in en


def test_fewest_moves_among_optimal_plans() -> None:
    # One security person closes the gap; moving more people would change nothing.
    people = [_bench(f"p{i}", ("security",)) for i in range(4)]
    prob = AllocationProblem(people, {("x", "security"): 1.0}, {"x": 3.0}, {}, max_moves=4)
    res = solve(prob)
    assert res.objective_after == pytest.approx(0.0)
    assert len(res.moves) == 1


def test_inconsistent_input_is_an_error_not_a_plan() -> None:
    with pytest.raises(AllocationError, match=r"p1 is allocated 1\.5 FTE, over their capacity 1"):
        AllocationProblem(
            [Holder("p1", ("pm",), 1.0, {("a", "pm"): 1.5})], {}, {"a": 1.0}, {}, max_moves=1
        )
    with pytest.raises(AllocationError, match="move limit is -1"):
        AllocationProblem([], {}, {}, {}, max_moves=-1)


def test_the_example_plan(example_dir: Path) -> None:
    pf = read_workspace(example_dir).workspace.portfolio
    assert pf is not None
    prob = AllocationProblem.from_portfolio(pf)
    assert prob.max_moves == pf.max_moves
    res = solve(prob)
    assert res.status == "optimal"
    assert 0 < len(res.moves) <= pf.max_moves
    assert res.objective_after is not None and res.objective_after < res.objective_before
    assert_plan_holds(prob, res)
    deltas = [m.delta for m in res.moves]
    assert deltas == sorted(deltas), "the biggest improvement comes first"


def _large() -> AllocationProblem:
    """bench/allocate.py's portfolio (300 projects × 2,000 people), with room for 1,000 moves."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "bench" / "allocate.py"
    spec = importlib.util.spec_from_file_location("bench_allocate", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    prob: AllocationProblem = module.synthetic(300, 2000, 1000)
    return prob


def test_a_time_limit_too_short_for_any_plan_asks_for_more_time() -> None:
    with pytest.raises(AllocationError, match=r"stopped without a plan \(Time limit reached\)"):
        solve(_large(), time_limit=0.001)


def test_the_time_limit_bounds_both_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fewest-moves pass gets only what the first pass left of the time limit (it once got
    the whole limit again, so --time-limit 60 could take two minutes)."""
    import nenpo.portfolio.allocate as allocate

    given: list[float] = []
    fewest = allocate._fewest_moves

    def spy(h, built, x, best):  # type: ignore[no-untyped-def]
        value = h.getOptionValue("time_limit")  # (status, value) in older highspy
        given.append(value[1] if isinstance(value, tuple) else value)
        return fewest(h, built, x, best)

    monkeypatch.setattr(allocate, "_fewest_moves", spy)
    prob = AllocationProblem(
        [_bench(f"p{i}", ("security",)) for i in range(4)],
        {("x", "security"): 1.0},
        {"x": 3.0},
        {},
        max_moves=4,
    )
    res = solve(prob, time_limit=30.0)
    assert res.status == "optimal" and len(res.moves) == 1
    assert len(given) == 1 and 0 < given[0] < 30.0
