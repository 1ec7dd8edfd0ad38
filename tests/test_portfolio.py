"""Portfolio data: variances and ratings against hand-computed cases, the loader's errors with
file:line, the budget-narrative rule, silent rebaselines, and the store round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from nenpo import core
from nenpo.errors import WorkspaceError
from nenpo.ingest.workspace import read_workspace
from nenpo.model.portfolio import (
    Allocation,
    BudgetYear,
    Milestone,
    Person,
    Portfolio,
    ProjectPortfolio,
    RiskAssessment,
)
from nenpo.portfolio import ratings, rules, staffing
from nenpo.portfolio.variance import budget, money, schedule
from nenpo.store import Store

D = dt.date


def test_schedule_variance_is_against_the_original_baseline() -> None:
    m = Milestone.model_validate(
        {
            "id": "release",
            "name": "本番リリース",
            "baseline": "2024-03-31",
            "rebaselines": [
                {"date": "2024-02-01", "baseline": "2024-05-31", "reason": "調達の遅れ"},
                {"date": "2024-04-15", "baseline": "2024-06-10", "reason": "追加要件"},
            ],
            "forecast": "2024-06-15",
        }
    )
    v = schedule("p", m, D(2024, 4, 30))
    assert v.baseline == D(2024, 3, 31) and v.current_baseline == D(2024, 6, 10)
    assert v.rebaselines == 2
    assert v.days == 30 + 31 + 15  # April, May, 15 June: 76 days late against the original
    assert v.days_vs_current == 5
    assert not v.stale_forecast
    done = m.model_copy(update={"actual": D(2024, 3, 25)})
    assert schedule("p", done, D(2024, 8, 31)).days == -6  # early: negative
    assert schedule("p", m, D(2024, 8, 31)).stale_forecast  # the forecast date has passed


@pytest.mark.parametrize(
    ("baseline", "forecast", "actual", "percent", "exceeds"),
    [
        (1_000_000_000, 1_050_000_000, None, 5.0, False),  # exactly 5% is not above 5%
        (1_000_000_000, 1_050_000_001, None, 5.0000001, True),
        (1_000_000_000, 900_000_000, None, -10.0, True),  # under spend counts too
        (1_000_000_000, 1_200_000_000, 940_000_000, -6.0, True),  # the actual wins
        (3, 3, None, 0.0, False),
    ],
)
def test_budget_variance(
    baseline: int, forecast: int, actual: int | None, percent: float, exceeds: bool
) -> None:
    b = BudgetYear(fiscal_year="2024年度", baseline=baseline, forecast=forecast, actual=actual)
    assert b.fiscal_year == "FY2024"
    v = budget("p", b)
    assert v.basis == ("actual" if actual is not None else "forecast")
    assert v.variance == (actual if actual is not None else forecast) - baseline
    assert v.percent == pytest.approx(percent)
    assert v.exceeds is exceeds and v.needs_narrative is exceeds
    assert budget("p", b, threshold=15.0).exceeds is False


def test_money_reads_as_budget_tables_do() -> None:
    assert money(1_287_431_000) == "1,287.4百万円"
    assert money(1_287_431_000, "en") == "¥1,287.4m"
    assert money(-52_000_000, sign=True) == "-52.0百万円"


@pytest.mark.parametrize(
    ("written", "rating", "score"),
    [
        ("Red", "red", 1),
        ("Amber/Red", "amber-red", 2),
        ("amber", "amber", 3),
        ("Amber / Green", "amber-green", 4),
        ("アンバー/グリーン", "amber-green", 4),
        ("green", "green", 5),
    ],
)
def test_ratings_and_scores(written: str, rating: str, score: int) -> None:
    r = RiskAssessment(date=D(2024, 6, 30), rating=written, narrative="…")  # type: ignore[arg-type]
    assert r.rating == rating and r.score == score


def test_an_unknown_rating_is_refused() -> None:
    with pytest.raises(ValidationError, match="red"):
        RiskAssessment(date=D(2024, 6, 30), rating="purple", narrative="…")  # type: ignore[arg-type]


def _portfolio() -> Portfolio:
    """Two projects, three people: small enough to compute everything by hand."""
    return Portfolio(
        as_of=D(2024, 8, 31),
        source="example",
        projects=[
            ProjectPortfolio.model_validate(
                {
                    "project": "a",
                    "provenance": "illustrative",
                    "phase": "development",
                    "risk": [
                        {"date": "2024-03-31", "rating": "green", "narrative": "…"},
                        {"date": "2024-06-30", "rating": "amber-red", "narrative": "…"},
                        {"date": "2024-09-30", "rating": "red", "narrative": "after as_of"},
                    ],
                    "staffing": {"demand": {"engineering": 3.0, "pm": 1.0}},
                }
            ),
            ProjectPortfolio.model_validate(
                {
                    "project": "b",
                    "provenance": "illustrative",
                    "phase": "operation",
                    "staffing": {"demand": {"engineering": 1.0}},
                }
            ),
        ],
        people=[
            Person(
                id="p1",
                skills=["engineering"],
                capacity=1.0,
                allocations=[Allocation(project="a", skill="engineering", fte=1.0)],
            ),
            Person(
                id="p2",
                skills=["engineering", "pm"],
                capacity=1.0,
                allocations=[
                    Allocation(project="a", skill="pm", fte=0.5),
                    Allocation(project="b", skill="engineering", fte=0.5),
                ],
            ),
            Person(id="p3", skills=["engineering"], capacity=0.5),
        ],
    )


def test_latest_rating_trend_and_weight() -> None:
    pf = _portfolio()
    rec = pf.project("a")
    last = ratings.latest(rec, pf.as_of)
    assert last is not None and last.rating == "amber-red"  # the September one is after as_of
    assert ratings.trend(rec, pf.as_of) == "worse"
    assert ratings.weight(pf, "a") == 4.0
    assert ratings.weight(pf, "b") == pf.risk_weights.unrated == 3.0


def test_staffing_demand_supply_and_weighted_shortfall() -> None:
    pf = _portfolio()
    # a: engineering 3 needed, 1 there (short 2); pm 1 needed, 0.5 there (short 0.5); weight 4.
    # b: engineering 1 needed, 0.5 there (short 0.5); weight 3 (unrated).
    assert staffing.weighted_shortfall(pf) == pytest.approx(4 * 2.5 + 3 * 0.5)
    eng = next(r for r in staffing.by_skill(pf) if r.skill == "engineering")
    assert (eng.demand, eng.supply, eng.shortfall) == (4.0, 1.5, 2.5)
    assert eng.capacity == 2.5  # p1, p2 and p3 have the skill
    assert eng.bench == 0.5  # p3 is unallocated
    rows = {r.skill: r for r in staffing.by_project(pf, "a")}
    assert set(rows) == {"engineering", "pm"} and rows["pm"].shortfall == 0.5


# ── The loader, the rule, the store ──────────────────────────────────────────────────────────


def _edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (once) in a file; return the line the replacement starts on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    at = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, at) + 1


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_the_example_portfolio_loads_and_passes_the_rules(example_dir: Path) -> None:
    loaded = read_workspace(example_dir)
    pf = loaded.workspace.portfolio
    assert pf is not None
    assert {r.project for r in pf.projects} == {p.id for p, _ in loaded.workspace.all_projects()}
    assert all(r.provenance == "illustrative" for r in pf.projects)
    assert all(len(r.risk) >= 2 and r.staffing.demand for r in pf.projects)
    assert rules.budget_narratives(loaded.workspace, loaded.where) == []
    # The example exercises the rule's both sides: variances over 5%, each with a narrative.
    over = [budget(r.project, b) for r in pf.projects for b in r.budget]
    assert any(v.exceeds for v in over) and all(v.narrative for v in over if v.exceeds)


def test_a_budget_variance_over_5_percent_needs_a_narrative(example_copy: Path) -> None:
    f = example_copy / "portfolio" / "projects" / "ai.yaml"
    text = f.read_text(encoding="utf-8")
    lines = text.splitlines()
    i = next(
        i
        for i, line in enumerate(lines)
        if line.strip().startswith("narrative:") and "執行額" in line
    )
    del lines[i]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = read_workspace(example_copy)
    (problem,) = rules.budget_narratives(loaded.workspace, loaded.where)
    fy_line = max(n for n, line in enumerate(lines[:i], 1) if "fiscal_year:" in line)
    assert (problem.file, problem.line) == ("portfolio/projects/ai.yaml", fy_line)
    assert problem.field is not None and problem.field.endswith(".narrative")
    assert "needs a narrative" in problem.message and "%" in problem.message
    # Without file lines (read back from the store) the file is still named.
    (again,) = rules.budget_narratives(loaded.workspace)
    assert again.file == "portfolio/projects/ai.yaml" and again.message == problem.message


def test_portfolio_mistakes_are_reported_with_file_and_line(
    example_copy: Path, store: Store
) -> None:
    pdir = example_copy / "portfolio"
    expected = set()
    n = _edit(pdir / "projects" / "ai.yaml", "rating: amber", "rating: purple")
    expected.add(("portfolio/projects/ai.yaml", n))
    n = _edit(pdir / "projects" / "gss.yaml", "    forecast:", "    forcast:")
    expected.add(("portfolio/projects/gss.yaml", n))
    (pdir / "projects" / "no-such-project.yaml").write_text(
        "provenance: illustrative\nphase: planning\n", encoding="utf-8"
    )
    expected.add(("portfolio/projects/no-such-project.yaml", 1))
    people = pdir / "people.csv"
    text = people.read_text(encoding="utf-8")
    people.write_text(text + "p-9001,cooking,1.0\np-0001,pm,1.0\n", encoding="utf-8")
    total = text.count("\n")
    expected |= {("portfolio/people.csv", total + 1), ("portfolio/people.csv", total + 2)}
    allocs = pdir / "allocations.csv"
    text = allocs.read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")[0]  # someone already allocated in full or part
    allocs.write_text(
        text + f"nobody,ai,pm,0.5\n{first},ai,design,0.5\n{first},ai,pm,1.0\n", encoding="utf-8"
    )
    total = text.count("\n")
    expected |= {("portfolio/allocations.csv", total + k) for k in (1, 2, 3)}
    with pytest.raises(WorkspaceError) as exc:
        core.load(example_copy, store)
    found = {(p.file, p.line) for p in exc.value.problems}
    assert expected <= found, sorted(expected - found)
    messages = "\n".join(str(p) for p in exc.value.problems)
    assert "no project 'no-such-project' in projects.yaml" in messages
    assert "unknown person 'nobody'" in messages
    assert "over their capacity" in messages
    assert (
        "a milestone needs a forecast date or an actual date" in messages
        or "unknown field" in messages
    )
    assert store.is_empty(), "nothing is written when the workspace has problems"


def test_a_silent_rebaseline_is_refused_and_a_recorded_one_accepted(
    example_copy: Path, store: Store
) -> None:
    core.load(example_copy, store)
    f = example_copy / "portfolio" / "projects" / "mynaportal.yaml"
    before = store.read()
    text = f.read_text(encoding="utf-8")
    line = _line_of(f, "baseline: ")
    old = text.splitlines()[line - 1].split(": ")[1]
    moved = (D.fromisoformat(old) + dt.timedelta(days=30)).isoformat()
    f.write_text(text.replace(f"baseline: {old}", f"baseline: {moved}", 1), encoding="utf-8")
    with pytest.raises(WorkspaceError) as exc:
        core.load(example_copy, store)
    (problem,) = exc.value.problems
    assert (problem.file, problem.line) == ("portfolio/projects/mynaportal.yaml", line)
    assert f"was {old} and is now {moved}" in problem.message
    assert store.read() == before, "a refused load changes nothing"
    # The same change recorded as a rebaseline, original kept: accepted.
    name_line = text.splitlines()[line - 2]
    record = (
        f"{name_line}\n    baseline: {old}\n    rebaselines:\n      - date: 2024-01-10\n"
        f"        baseline: {moved}\n        reason: 要件の追加\n"
    )
    f.write_text(text.replace(f"{name_line}\n    baseline: {old}\n", record, 1), encoding="utf-8")
    core.load(example_copy, store)
    after = store.read()
    assert after is not None and after.portfolio is not None
    rec = after.portfolio.project("mynaportal")
    assert rec is not None
    m = next(m for m in rec.milestones if m.baseline.isoformat() == old)
    assert m.current_baseline.isoformat() == moved
    # Removing a recorded rebaseline rewrites history: refused.
    f.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError, match="rebaselines are history"):
        core.load(example_copy, store)


def test_the_portfolio_round_trips_through_the_store(store: Store, example_dir: Path) -> None:
    loaded = read_workspace(example_dir)
    core.load(example_dir, store)
    back = store.read()
    assert back is not None and back.portfolio is not None
    assert back.portfolio == loaded.workspace.portfolio
    assert len(back.portfolio.people) == len(loaded.workspace.portfolio.people)  # type: ignore[union-attr]
    baselines = store.baselines()
    assert len(baselines) == sum(len(r.milestones) for r in back.portfolio.projects)


def test_nenpo_check_reports_the_missing_narrative(example_copy: Path, store: Store) -> None:
    from nenpo.errors import CheckFailed

    f = example_copy / "portfolio" / "projects" / "ai.yaml"
    lines = f.read_text(encoding="utf-8").splitlines()
    i = next(
        i for i, ln in enumerate(lines) if ln.strip().startswith("narrative:") and "執行額" in ln
    )
    del lines[i]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fy_line = max(n for n, ln in enumerate(lines[:i], 1) if "fiscal_year:" in ln)
    found = [x for x in core.check(store, example_copy) if x.rule == "budget-narrative"]
    assert [(x.file, x.line, x.severity) for x in found] == [
        ("portfolio/projects/ai.yaml", fy_line, "error")
    ]
    core.load(example_copy, store)  # loading is fine: the rule belongs to the check
    (again,) = [x for x in core.check(store) if x.rule == "budget-narrative"]
    assert (again.file, again.line) == ("portfolio/projects/ai.yaml", fy_line)
    with pytest.raises(CheckFailed):
        core.build(store, example_copy.parent / "site")
