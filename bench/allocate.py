"""Benchmark: the staff-allocation optimiser on 300 projects × 2,000 people × 6 skills.

A seeded synthetic portfolio: ratings Red … Green, demand in half-FTE steps, people with one to
three skills, most allocated to one or two projects, a minimum staffing per project that the
current staffing meets, and a move limit. Prints the model's size, the solve time (both passes:
the optimum, then the fewest moves), the optimality gap and peak memory (RSS).
Target (issue 6): under 10 s on a 2-core machine. Run: python bench/allocate.py [--moves N]
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from nenpo.model.portfolio import SKILLS
from nenpo.portfolio.allocate import AllocationProblem, Holder, solve

WEIGHTS = {"red": 5.0, "amber-red": 4.0, "amber": 3.0, "amber-green": 2.0, "green": 1.0}
RATING_SHARES = {"green": 30, "amber-green": 25, "amber": 25, "amber-red": 12, "red": 8}


def synthetic(
    projects: int = 300,
    people: int = 2000,
    max_moves: int = 100,
    seed: int = 2024,
    bench: float = 0.1,
) -> AllocationProblem:
    """A reproducible portfolio of the given size."""
    rng = random.Random(seed)
    ids = [f"project-{i:03d}" for i in range(projects)]
    ratings = rng.choices(list(RATING_SHARES), weights=list(RATING_SHARES.values()), k=projects)
    weights = {j: WEIGHTS[r] for j, r in zip(ids, ratings, strict=True)}
    demand: dict[tuple[str, str], float] = {}
    for j in ids:
        for s in SKILLS:
            if s == "pm" or rng.random() < 0.55:
                demand[(j, s)] = rng.choice([0.5, 1.0, 1.0, 1.5, 2.0, 3.0, 4.0])
    skill_weights = [2, 6, 2, 2, 2, 1]  # engineering is the most common skill
    holders = []
    for i in range(people):
        k = rng.choice([1, 1, 2, 2, 3])
        skills: set[str] = set()
        while len(skills) < k:
            skills.add(rng.choices(SKILLS, weights=skill_weights)[0])
        capacity = rng.choices([1.0, 0.8, 0.5], weights=[85, 10, 5])[0]
        allocation: dict[tuple[str, str], float] = {}
        if rng.random() >= bench:  # the rest are on the bench
            parts = [capacity] if rng.random() < 0.7 else [capacity / 2, capacity / 2]
            for part in parts:
                cell = (rng.choice(ids), rng.choice(sorted(skills)))
                allocation[cell] = allocation.get(cell, 0.0) + part
        holders.append(Holder(f"p{i:04d}", tuple(sorted(skills)), capacity, allocation))
    prob = AllocationProblem(holders, demand, weights, {}, max_moves)
    have = prob.supply()
    for j in ids:
        current = sum(v for (jj, _s), v in have.items() if jj == j)
        wanted = sum(v for (jj, _s), v in demand.items() if jj == j)
        prob.min_fte[j] = min(current, 0.4 * wanted) // 0.5 * 0.5
    return prob


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--moves", type=int, default=100, help="move limit")
    parser.add_argument("--gap", type=float, default=1e-6, help="relative MIP gap")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--bench", type=float, default=0.1, help="share of people unallocated (0: all busy)"
    )
    args = parser.parse_args()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    prob = synthetic(args.projects, args.people, args.moves, bench=args.bench)
    t_gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = solve(prob, gap=args.gap, time_limit=args.time_limit)
    t_solve = time.perf_counter() - t1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = result.size
    print(
        f"allocation optimiser: {args.projects} projects × {args.people} people × "
        f"{len(SKILLS)} skills, move limit {args.moves}, {args.bench:.0%} on the bench"
    )
    print(
        f"  model       {size['columns']:,} columns ({size['binaries']:,} binaries), "
        f"{size['rows']:,} rows, {size['skill_sets']} skill sets"
    )
    print(f"  generate    {t_gen:8.2f} s")
    print(f"  solve       {t_solve:8.2f} s   (build, optimum, fewest moves, split, explain)")
    print(f"  status      {result.status}, gap {result.gap if result.gap is not None else '-'}")
    after = result.objective_after if result.objective_after is not None else float("nan")
    print(
        f"  objective   {result.objective_before:,.2f} → {after:,.2f} "
        f"risk-weighted FTE short, {len(result.moves)} moves"
    )
    print(f"  peak RSS    {peak:8.1f} MiB (before: {rss0:.1f} MiB)")
    print(f"target: solve < 10 s -> {'met' if t_solve < 10 else 'NOT met'} ({t_solve:.2f} s)")


if __name__ == "__main__":
    main()
